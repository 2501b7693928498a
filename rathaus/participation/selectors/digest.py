"""Reads of the weekly district digest: what is new in a district, and followers by link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.db.models import Q

from rathaus.participation.models import (
    Conference,
    District,
    DistrictFollower,
    Idea,
    Process,
    Visibility,
)

SALT = "participation.digest"
CONFIRM_MAX_AGE = timedelta(days=7)


@dataclass(frozen=True)
class DistrictNews:
    district: District
    processes: list[Process]  # published in the week and concerning the district
    ideas: list[Idea]  # newest visible ideas of the week (at most 5)
    idea_count: int
    decided: list[Idea]  # "you said, we did" of the week
    conferences: list[Conference]  # in the next two weeks

    @property
    def empty(self) -> bool:
        return not (self.processes or self.idea_count or self.decided or self.conferences)


def _concerning(district: District) -> Q:
    return Q(process__districts=district) | Q(district=district)


def district_news(district: District, *, since: datetime, until: datetime) -> DistrictNews:
    public = {"process__published": True, "visibility": Visibility.PUBLISHED}
    ideas = (
        Idea.objects.filter(_concerning(district), **public)
        .filter(created_at__gte=since, created_at__lt=until)
        .select_related("process")
        .distinct()
        .order_by("-created_at", "-pk")
    )
    decided = (
        Idea.objects.filter(_concerning(district), **public)
        .filter(decided_at__gte=since, decided_at__lt=until)
        .exclude(status__in=[Idea.Status.RECEIVED, Idea.Status.UNDER_REVIEW])
        .select_related("process")
        .distinct()
        .order_by("-decided_at")[:10]
    )
    processes = Process.objects.filter(
        districts=district, published=True, created_at__gte=since, created_at__lt=until
    ).order_by("created_at")
    conferences = Conference.objects.filter(
        process__districts=district,
        process__published=True,
        starts_at__gte=until,
        starts_at__lt=until + timedelta(days=14),
    ).order_by("starts_at")
    return DistrictNews(
        district=district,
        processes=list(processes),
        ideas=list(ideas[:5]),
        idea_count=ideas.count(),
        decided=list(decided),
        conferences=list(conferences),
    )


def follower_link_value(follower: DistrictFollower) -> str:
    """A signed, unguessable value for the follower's links (nothing extra is stored)."""
    return signing.dumps(follower.pk, salt=SALT, compress=True)


def follower_from_link(value: str, *, max_age: timedelta | None = None) -> DistrictFollower | None:
    try:
        pk = signing.loads(value, salt=SALT, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return DistrictFollower.objects.select_related("district__municipality").filter(pk=pk).first()


def public_district(district_id) -> District | None:
    try:
        return District.objects.select_related("municipality").get(pk=int(district_id))
    except (District.DoesNotExist, ValueError, TypeError, OverflowError):
        return None
