"""Reads of the Terminagent (waiting list): an entry or an offer behind its personal link."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.appointments.models import WaitingListEntry, WaitingListOffer, hash_token
from rathaus.core.problems import NotFound


def waiting_list_entry_get_by_token(*, token: str) -> WaitingListEntry:
    entry = (
        WaitingListEntry.objects.filter(token_hash=hash_token(token or "")).first()
        if token and len(token) < 200
        else None
    )
    if entry is None:
        raise NotFound("not_found", _("Dieser Eintrag wurde nicht gefunden."))
    return entry


def waiting_list_offer_get_by_token(*, token: str) -> WaitingListOffer:
    offer = (
        WaitingListOffer.objects.select_related("entry", "appointment__location")
        .filter(token_hash=hash_token(token or ""))
        .first()
        if token and len(token) < 200
        else None
    )
    if offer is None:
        raise NotFound("not_found", _("Dieses Angebot wurde nicht gefunden."))
    return offer


def waiting_list_entries_to_match(
    *, municipality_id: int | None, location_id: int | None, now: datetime, limit: int
) -> list[WaitingListEntry]:
    """Active entries without an open offer, in order of registration (first ``limit``)."""
    entries = WaitingListEntry.objects.filter(
        status=WaitingListEntry.Status.ACTIVE,
        date_to__gte=timezone.localdate(now) - timedelta(days=1),
    ).exclude(offers__status=WaitingListOffer.Status.OFFERED)
    if municipality_id is not None:
        entries = entries.filter(municipality_id=municipality_id)
    if location_id is not None:
        entries = entries.filter(locations__id=location_id)
    return list(entries.order_by("created", "id").distinct()[:limit])


def waiting_list_entry_get(*, pk: int) -> WaitingListEntry | None:
    return WaitingListEntry.objects.filter(pk=pk).first()


def waiting_list_offer_get(*, pk: int) -> WaitingListOffer | None:
    return (
        WaitingListOffer.objects.select_related("entry", "appointment__location")
        .filter(pk=pk)
        .first()
    )
