"""Secondments: the home municipality approves (legal steps, floor check, days held), the
helper accepts (absence in the home plans, ledger, identities cross), or either declines."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.problems import Conflict, DomainError
from rathaus.core.tenancy import municipality_ids_for
from rathaus.presence.services import absences as presence_absences
from rathaus.staffpool.models import HeldDay, PoolMember, Secondment
from rathaus.staffpool.selectors import floor_warnings, standard_warnings
from rathaus.staffpool.services.ledger import ledger_book, ledger_unbook
from rathaus.staffpool.services.requests import refresh_status

S = Secondment.Status


def _locked(secondment: Secondment) -> Secondment:
    """The row as it is now, locked until the transaction ends (decisions never race)."""
    return Secondment.objects.select_for_update().get(pk=secondment.pk)


def _home_coordinator(actor, secondment: Secondment) -> None:
    if not (
        actor.has_perm("staffpool.approve")
        and secondment.municipality_id in municipality_ids_for(actor)
    ):
        raise DomainError(
            "forbidden", _("Nur die Heimatkommune kann dies entscheiden."), status=403
        )


def _legal_steps(secondment: Secondment, hearing_on, consent_on, works_council_on) -> None:
    member = secondment.member
    if secondment.needs_hearing and hearing_on is None:
        raise DomainError(
            "hearing_missing",
            _(
                "Eine Abordnung über drei Monate braucht eine Anhörung der Person "
                "(§ 4 Abs. 1 TVöD); bitte das Datum der Anhörung angeben."
            ),
        )
    if member.employment == PoolMember.Employment.CIVIL_SERVANT and consent_on is None:
        raise DomainError(
            "consent_missing",
            _(
                "Für die Abordnung zu einem anderen Dienstherrn braucht es die Zustimmung der "
                "Beamtin oder des Beamten (§ 14 BeamtStG)."
            ),
        )
    if works_council_on is None:
        raise DomainError(
            "works_council_missing",
            _("Bitte das Datum angeben, an dem der Personalrat beteiligt wurde."),
        )


def _hold_days(secondment: Secondment) -> None:
    _hold_days_between(secondment, secondment.start - timedelta(days=1), secondment.end)


def _below_floor(secondment: Secondment, override: bool) -> bool:
    """True when lending goes below the staffing floor and the coordinator acknowledged it."""
    warnings = floor_warnings(secondment)
    if warnings and not override:
        first = warnings[0]
        raise DomainError(
            "below_floor",
            _(
                "Achtung, Mindestbesetzung: am %(day)s blieben in %(unit)s nur %(left)s statt mindestens "
                "%(minimum)s Personen. Zustimmen nur mit ausdrücklicher Bestätigung."
            )
            % {
                "day": date_format(first.day, "SHORT_DATE_FORMAT"),
                "unit": first.unit,
                "left": first.remaining,
                "minimum": first.minimum,
            },
        )
    return bool(warnings)


def _below_standard(secondment: Secondment, override: bool, today: date) -> bool:
    """True when lending puts a service promise of the lender at risk and the coordinator
    acknowledged it."""
    warnings = standard_warnings(secondment, today=today)
    if warnings and not override:
        raise DomainError(
            "below_standard",
            _(
                "Achtung, Servicestandard der eigenen Kommune: %(promise)s. Zustimmen nur mit "
                "ausdrücklicher Bestätigung."
            )
            % {"promise": warnings[0].text},
        )
    return bool(warnings)


def _release_summary(below_floor: bool, below_standard: bool) -> str:
    if below_floor and below_standard:
        return _(
            "Abordnung von der Heimatkommune freigegeben"
            " (trotz Mindestbesetzung) (trotz Servicestandard)"
        )
    if below_floor:
        return _("Abordnung von der Heimatkommune freigegeben (trotz Mindestbesetzung)")
    if below_standard:
        return _("Abordnung von der Heimatkommune freigegeben (trotz Servicestandard)")
    return _("Abordnung von der Heimatkommune freigegeben")


@transaction.atomic
def secondment_approve(
    *,
    actor,
    secondment: Secondment,
    works_council_on: date | None,
    hearing_on: date | None = None,
    consent_on: date | None = None,
    floor_override: bool = False,
    standard_override: bool = False,
    now=None,
) -> Secondment:
    """Home municipality agrees. Refused: beyond three months without hearing, civil servants
    without consent, no works-council step, below the staffing floor or putting one of the
    lender's service promises at risk unless acknowledged, or a day already held (the unique
    constraint on held days decides concurrent approvals)."""
    now = now_or(now)
    _home_coordinator(actor, secondment)
    secondment = _locked(secondment)
    if secondment.status != S.PROPOSED:
        raise Conflict("not_proposed", _("Dieser Vorschlag ist bereits entschieden."))
    _legal_steps(secondment, hearing_on, consent_on, works_council_on)
    below_floor = _below_floor(secondment, floor_override)
    below_standard = _below_standard(secondment, standard_override, timezone.localdate(now))
    _hold_days(secondment)
    secondment.status = S.APPROVED
    secondment.hearing_on, secondment.consent_on = hearing_on, consent_on
    secondment.works_council_on = works_council_on
    secondment.floor_override = below_floor
    secondment.standard_override = below_standard
    secondment.approved_by, secondment.approved_at = actor, now
    secondment.save()
    refresh_status(secondment.request)
    audit.record(
        actor=actor,
        instance=secondment,
        action="action",
        summary=_release_summary(below_floor, below_standard),
    )
    return secondment


@transaction.atomic
def secondment_reject(*, actor, secondment: Secondment) -> Secondment:
    _home_coordinator(actor, secondment)
    secondment = _locked(secondment)
    if secondment.status != S.PROPOSED:
        raise Conflict("not_proposed", _("Dieser Vorschlag ist bereits entschieden."))
    secondment.status = S.REJECTED
    secondment.save(update_fields=["status"])
    audit.record(actor=actor, instance=secondment, action="action", summary="Vorschlag abgelehnt")
    return secondment


def _the_helper(actor, secondment: Secondment) -> None:
    if not (actor.is_authenticated and secondment.member.employee.user_id == actor.pk):
        raise DomainError(
            "forbidden", _("Nur die abgeordnete Person selbst kann zusagen."), status=403
        )


@transaction.atomic
def secondment_accept(*, actor, secondment: Secondment, now=None) -> Secondment:
    """The helper agrees: the absence "abgeordnet" goes into the home plans, hours into the
    ledger, and the borrowing side now sees the name (logged as a disclosure)."""
    now = now_or(now)
    _the_helper(actor, secondment)
    secondment = _locked(secondment)
    if secondment.status != S.APPROVED:
        raise Conflict(
            "not_approved", _("Zusagen geht erst nach der Freigabe durch die Heimatkommune.")
        )
    absence = presence_absences.secondment_absence_set(
        actor=actor,
        employee=secondment.member.employee,
        start=secondment.start,
        end=secondment.end,
        note=f"Abordnung: {secondment.request.title}",
        now=now,
    )
    secondment.status = S.ACCEPTED
    secondment.accepted_at = now
    secondment.absence_id = absence.pk
    secondment.save()
    ledger_book(secondment)
    for municipality_id in {secondment.municipality_id, secondment.borrower_id}:
        audit.record(
            actor=actor,
            instance=secondment,
            action="action",
            municipality_id=municipality_id,
            summary=_("Identität von %(pseudonym)s an die aufnehmende Stelle offengelegt (Zusage)")
            % {"pseudonym": secondment.member.pseudonym},
        )
    refresh_status(secondment.request)
    return secondment


@transaction.atomic
def secondment_decline(*, actor, secondment: Secondment) -> Secondment:
    _the_helper(actor, secondment)
    secondment = _locked(secondment)
    if secondment.status not in (S.PROPOSED, S.APPROVED):
        raise Conflict("not_open", _("Diese Abordnung ist bereits vereinbart oder beendet."))
    secondment.status = S.DECLINED
    secondment.save(update_fields=["status"])
    secondment.held_days.all().delete()
    refresh_status(secondment.request)
    audit.record(actor=actor, instance=secondment, action="action", summary="Person lehnt ab")
    return secondment


@transaction.atomic
def secondment_cancel(*, actor, secondment: Secondment) -> Secondment:
    """The home town calls a secondment off: days, absence and ledger go."""
    _home_coordinator(actor, secondment)
    secondment = _locked(secondment)
    if secondment.status not in (S.APPROVED, S.ACCEPTED):
        raise Conflict("not_open", _("Nur freigegebene oder vereinbarte Abordnungen."))
    secondment.held_days.all().delete()
    ledger_unbook(secondment)
    presence_absences.secondment_absence_delete(actor=actor, absence_id=secondment.absence_id)
    secondment.status = S.CANCELLED
    secondment.save(update_fields=["status"])
    refresh_status(secondment.request)
    audit.record(actor=actor, instance=secondment, action="action", summary="Abordnung aufgehoben")
    return secondment


@transaction.atomic
def secondment_extend(
    *, actor, secondment: Secondment, new_end: date, hearing_on: date | None = None
) -> Secondment:
    """The home town extends an agreed secondment: beyond three months in total only with
    the hearing; the new days are held (refused if taken), absence and ledger follow."""
    _home_coordinator(actor, secondment)
    secondment = _locked(secondment)
    if secondment.status != S.ACCEPTED:
        raise Conflict("not_accepted", _("Verlängern lässt sich nur eine vereinbarte Abordnung."))
    if new_end <= secondment.end:
        raise DomainError("end_not_later", _("Das neue Ende muss nach dem bisherigen liegen."))
    old_end = secondment.end
    secondment.end = new_end
    hearing = hearing_on or secondment.hearing_on
    if (
        secondment.needs_hearing
        and hearing is None
        and secondment.member.employment == PoolMember.Employment.EMPLOYEE
    ):
        raise DomainError(
            "hearing_missing",
            _(
                "Eine Abordnung über drei Monate braucht eine Anhörung der Person "
                "(§ 4 Abs. 1 TVöD); bitte das Datum der Anhörung angeben."
            ),
        )
    _hold_days_between(secondment, old_end, new_end)
    secondment.hearing_on = hearing
    secondment.save(update_fields=["end", "hearing_on"])
    _replace_absence(actor, secondment)
    ledger_unbook(secondment)
    ledger_book(secondment)
    audit.record(
        actor=actor,
        instance=secondment,
        action="update",
        summary=_("Abordnung verlängert bis %(day)s")
        % {"day": date_format(new_end, "SHORT_DATE_FORMAT")},
    )
    return secondment


def _hold_days_between(secondment: Secondment, after: date, until: date) -> None:
    rows = []
    d = after + timedelta(days=1)
    while d <= until:
        rows.append(
            HeldDay(
                municipality_id=secondment.municipality_id,
                member=secondment.member,
                secondment=secondment,
                day=d,
            )
        )
        d += timedelta(days=1)
    try:
        with transaction.atomic():
            HeldDay.objects.bulk_create(rows)
    except IntegrityError as exc:
        raise Conflict(
            "double_booked",
            _("Diese Person ist in diesem Zeitraum bereits für eine andere Anfrage abgeordnet."),
        ) from exc


def _replace_absence(actor, secondment: Secondment) -> None:
    absence = presence_absences.secondment_absence_set(
        actor=actor,
        employee=secondment.member.employee,
        start=secondment.start,
        end=secondment.end,
        note=f"Abordnung: {secondment.request.title}",
        replaces=secondment.absence_id,
    )
    secondment.absence_id = absence.pk
    secondment.save(update_fields=["absence_id"])
