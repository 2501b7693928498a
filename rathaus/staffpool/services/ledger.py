"""The ledger: hours a municipality lends, booked per week when a secondment is agreed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction

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
