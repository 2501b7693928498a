"""Reads: the elections a staff member may see, the published ones, the runoff date."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet

from rathaus.core.models import Municipality
from rathaus.core.tenancy import scoped
from rathaus.elections.models import District, Election, Result


def elections_for(user) -> QuerySet[Election]:
    return (
        scoped(Election, user)
        .select_related("municipality", "first_round")
        .annotate(
            n_districts=Count("districts", distinct=True),
            n_approved=Count(
                "results", filter=Q(results__state=Result.State.APPROVED), distinct=True
            ),
            n_entered=Count(
                "results", filter=Q(results__state=Result.State.ENTERED), distinct=True
            ),
        )
    )


def public_elections(municipality_slug: str | None = None) -> QuerySet[Election]:
    qs = (
        Election.objects.exclude(status=Election.Status.PREPARATION)
        .select_related("municipality")
        .order_by("-date", "municipality__name", "title")
    )
    if municipality_slug:
        qs = qs.filter(municipality__slug=municipality_slug)
    return qs


def public_election(election_id) -> Election | None:
    try:
        return (
            Election.objects.exclude(status=Election.Status.PREPARATION)
            .select_related("municipality", "first_round")
            .get(pk=int(election_id))
        )
    except (Election.DoesNotExist, ValueError, TypeError, OverflowError):
        return None


def runoff_date_for(election: Election) -> date:
    """Second Sunday after the election (§ 46c Abs. 3 KWahlG NRW): election day + 14 days."""
    return election.date + timedelta(days=14)


def published_runoff(election: Election) -> Election | None:
    """The runoff of ``election`` once it is no longer in preparation."""
    return election.runoffs.exclude(status=Election.Status.PREPARATION).first()


def district_in(election: Election, district_id) -> District | None:
    """A district of ``election`` (with its result), or None for any other id."""
    try:
        return District.objects.select_related("result").get(pk=int(district_id), election=election)
    except (District.DoesNotExist, ValueError, TypeError, OverflowError):
        return None


def last_approval(election: Election) -> datetime | None:
    """When a result of ``election`` was last approved (the public page's "as of")."""
    return (
        Result.objects.filter(election=election, state=Result.State.APPROVED)
        .order_by("-approved_at")
        .values_list("approved_at", flat=True)
        .first()
    )


def municipalities() -> QuerySet[Municipality]:
    return Municipality.objects.order_by("name")


def municipality_by_slug(slug: str) -> Municipality | None:
    return Municipality.objects.filter(slug=slug).first()


def is_open_for_setup(election: Election | None) -> bool:
    """Still being prepared: not public and no district has reported figures."""
    if election is None or election.pk is None:
        return True
    return (
        election.status == Election.Status.PREPARATION
        and not election.results.exclude(state=Result.State.EMPTY).exists()
    )


def quick_report_districts(election: Election) -> list[District]:
    """Districts whose figures are (only) a quick report, not the final one."""
    return list(
        District.objects.filter(election=election)
        .exclude(result__stage=Result.Stage.FINAL)
        .order_by("-kind", "number")
    )


def previous_election_choices(user, election: Election | None = None) -> QuerySet[Election]:
    """Elections of the user's municipalities an election may be compared with."""
    qs = scoped(Election, user).order_by("-date", "title")
    if election is not None and election.pk:
        qs = qs.exclude(pk=election.pk)
    return qs


def districts_of(election: Election) -> QuerySet[District]:
    return (
        District.objects.filter(election=election)
        .select_related("result")
        .order_by("-kind", "number")
    )


def result_of(district: District) -> Result:
    """The district's result, or an unsaved empty one for a district created outside the
    services (the first save creates it; a GET never writes)."""
    try:
        return district.result
    except Result.DoesNotExist:
        return Result(
            district=district,
            election_id=district.election_id,
            municipality_id=district.municipality_id,
        )
