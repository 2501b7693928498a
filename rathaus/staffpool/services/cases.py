"""Case exchange: a town offers hours per week of a skill for other towns' case queues; a
town of the region books (part of) it, and the hours go into the same ledger as secondments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or, stamp_created
from rathaus.core.models import Municipality
from rathaus.core.problems import Conflict, DomainError
from rathaus.staffpool import conf, selectors
from rathaus.staffpool.models import CaseBooking, CaseOffer, LedgerEntry
from rathaus.staffpool.services.ledger import case_ledger_rows

OFFER_FIELDS = ("skill", "hours_per_week", "start", "end", "note")
# Longer offers are fine in principle, but a year keeps the ledger's weeks reviewable.
LONGEST_DAYS = 366


def _check_period(start: date, end: date, today: date) -> None:
    if end < start:
        raise DomainError("period_order", _("Das Ende liegt vor dem Beginn."))
    if end < today:
        raise DomainError("period_past", _("Der Zeitraum liegt in der Vergangenheit."))
    if (end - start).days > LONGEST_DAYS:
        raise DomainError("period_long", _("Höchstens ein Jahr auf einmal."))


@transaction.atomic
def offer_create(*, actor, municipality: Municipality, data: dict, now=None) -> CaseOffer:
    now = now_or(now)
    data = {k: v for k, v in data.items() if k in OFFER_FIELDS}
    _check_period(data["start"], data["end"], timezone.localdate(now))
    offer = CaseOffer.objects.create(municipality=municipality, **data)
    stamp_created(offer, now)
    audit.record(
        actor=actor,
        instance=offer,
        action="create",
        after=audit.snapshot(offer),
        summary=_("Fallbearbeitung angeboten: %(hours)s h/Woche %(skill)s")
        % {
            "hours": number_format(offer.hours_per_week, decimal_pos=1),
            "skill": offer.get_skill_display(),
        },
    )
    return offer


@transaction.atomic
def offer_withdraw(*, actor, offer: CaseOffer) -> CaseOffer:
    """No further bookings; what is booked stays booked (it was agreed)."""
    if offer.status == CaseOffer.Status.WITHDRAWN:
        raise Conflict("offer_withdrawn", _("Dieses Angebot ist bereits zurückgezogen."))
    offer.status = CaseOffer.Status.WITHDRAWN
    offer.save(update_fields=["status"])
    audit.record(actor=actor, instance=offer, action="action", summary=_("Angebot zurückgezogen"))
    return offer


def _check_booking(offer: CaseOffer, borrower: Municipality, data: dict, today: date) -> None:
    if offer.status != CaseOffer.Status.OPEN:
        raise Conflict("offer_withdrawn", _("Dieses Angebot ist zurückgezogen."))
    if borrower.pk == offer.municipality_id or borrower.region_id != offer.municipality.region_id:
        raise DomainError(
            "borrower_invalid", _("Nur eine andere Kommune der Region kann das Angebot buchen.")
        )
    start, end = data["start"], data["end"]
    _check_period(start, end, today)
    if start < today:
        raise DomainError("period_past", _("Der Beginn liegt in der Vergangenheit."))
    if start < offer.start or end > offer.end:
        raise DomainError(
            "outside_offer",
            _("Bitte innerhalb des Angebots buchen: %(start)s bis %(end)s.")
            % {
                "start": date_format(offer.start, "SHORT_DATE_FORMAT"),
                "end": date_format(offer.end, "SHORT_DATE_FORMAT"),
            },
        )
    free = selectors.case_free_hours(offer, start=start, end=end)
    if data["hours_per_week"] > free:
        raise Conflict(
            "offer_exhausted",
            _("In diesem Zeitraum sind nur noch %(free)s Stunden je Woche frei.")
            % {"free": number_format(free, decimal_pos=1)},
        )


@transaction.atomic
def offer_book(
    *, actor, offer: CaseOffer, borrower: Municipality, data: dict, now=None
) -> CaseBooking:
    """The borrowing town takes hours per week of the offer for a period inside it."""
    # Lock the offer: two towns booking the last hours at once must not both get them.
    offer = CaseOffer.objects.select_for_update().select_related("municipality").get(pk=offer.pk)
    _check_booking(offer, borrower, data, timezone.localdate(now_or(now)))
    booking = CaseBooking.objects.create(
        municipality_id=offer.municipality_id,
        offer=offer,
        borrower=borrower,
        hours_per_week=data["hours_per_week"],
        start=data["start"],
        end=data["end"],
        note=data.get("note", ""),
        booked_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    rows = case_ledger_rows(
        lender=offer.municipality,
        borrower=borrower,
        start=booking.start,
        end=booking.end,
        hours_per_week=booking.hours_per_week,
        rate=Decimal(conf.hourly_rate()),
        note=booking.note or offer.get_skill_display(),
        booking=booking,
    )
    LedgerEntry.objects.bulk_create(rows)
    summary = _("Fallbearbeitung gebucht: %(borrower)s nimmt %(hours)s h/Woche von %(lender)s") % {
        "borrower": borrower.name,
        "hours": number_format(booking.hours_per_week, decimal_pos=1),
        "lender": offer.municipality.name,
    }
    for town_id in (offer.municipality_id, borrower.pk):
        audit.record(
            actor=actor,
            instance=booking,
            action="create",
            municipality_id=town_id,
            summary=summary,
        )
    return booking
