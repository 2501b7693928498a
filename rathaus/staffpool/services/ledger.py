"""The ledger: hours a municipality lends, booked per week when a secondment is agreed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.models import Municipality
from rathaus.core.problems import DomainError
from rathaus.staffpool import conf
from rathaus.staffpool.models import LedgerEntry, Secondment


def _weeks(secondment: Secondment):
    """(Monday, working days of the secondment in that week)."""
    monday = secondment.start - timedelta(days=secondment.start.weekday())
    while monday <= secondment.end:
        days = sum(
            1 for i in range(5) if secondment.start <= monday + timedelta(days=i) <= secondment.end
        )
        if days:
            yield monday, days
        monday += timedelta(weeks=1)


@transaction.atomic
def ledger_book(secondment: Secondment) -> list[LedgerEntry]:
    rows = []
    for monday, days in _weeks(secondment):
        hours = (secondment.hours_per_week * days / 5).quantize(Decimal("0.1"))
        amount = (hours * secondment.hourly_rate * secondment.cost_share / 100).quantize(
            Decimal("0.01")
        )
        rows.append(
            LedgerEntry(
                municipality_id=secondment.municipality_id,
                borrower_id=secondment.borrower_id,
                for_region=secondment.request.for_region,
                secondment=secondment,
                week=monday,
                hours=hours,
                amount=amount,
            )
        )
    return LedgerEntry.objects.bulk_create(rows)


def ledger_unbook(secondment: Secondment) -> None:
    LedgerEntry.objects.filter(secondment=secondment).delete()


@transaction.atomic
def cases_book(
    *,
    actor,
    lender: Municipality,
    borrower: Municipality,
    start: date,
    end: date,
    hours_per_week: Decimal,
    note: str = "",
    hourly_rate: Decimal | None = None,
) -> list[LedgerEntry]:
    """Case exchange: the lender works through the borrower's cases instead of sending
    people; booked week by week in the same ledger (kind "cases")."""
    if borrower.pk == lender.pk or borrower.region_id != lender.region_id:
        raise DomainError("borrower_invalid", _("Bitte eine andere Kommune der Region wählen."))
    if end < start:
        raise DomainError("period_order", _("Das Ende liegt vor dem Beginn."))
    if (end - start).days > 366:
        raise DomainError("period_long", _("Höchstens ein Jahr auf einmal buchen."))
    rate = hourly_rate if hourly_rate is not None else Decimal(conf.hourly_rate())
    rows = case_ledger_rows(
        lender=lender,
        borrower=borrower,
        start=start,
        end=end,
        hours_per_week=hours_per_week,
        rate=rate,
        note=note,
    )
    created = LedgerEntry.objects.bulk_create(rows)
    audit.record(
        actor=actor,
        action="create",
        municipality_id=lender.pk,
        object_type="staffpool.LedgerEntry",
        object_id=",".join(str(r.pk) for r in created)[:64],
        summary=_("Fallbearbeitung für %(borrower)s gebucht: %(hours)s h/Woche")
        % {"borrower": borrower.name, "hours": number_format(hours_per_week, decimal_pos=1)},
    )
    return created


def case_ledger_rows(
    *,
    lender: Municipality,
    borrower: Municipality,
    start: date,
    end: date,
    hours_per_week: Decimal,
    rate: Decimal,
    note: str = "",
    booking=None,
) -> list[LedgerEntry]:
    """Unsaved ledger rows of case work, one per week, pro rata of its working days."""
    rows = []
    monday = start - timedelta(days=start.weekday())
    while monday <= end:
        days = sum(1 for i in range(5) if start <= monday + timedelta(days=i) <= end)
        if days:
            hours = (hours_per_week * days / 5).quantize(Decimal("0.1"))
            rows.append(
                LedgerEntry(
                    municipality=lender,
                    borrower=borrower,
                    kind=LedgerEntry.Kind.CASES,
                    case_booking=booking,
                    week=monday,
                    hours=hours,
                    amount=(hours * rate).quantize(Decimal("0.01")),
                    note=note,
                )
            )
        monday += timedelta(weeks=1)
    return rows
