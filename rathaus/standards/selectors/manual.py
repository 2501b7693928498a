"""Reads for the four-eyes entry page: open and decided entries, what may be entered."""

from __future__ import annotations

from rathaus.core.models import Location, Municipality, Region
from rathaus.standards import rules
from rathaus.standards.models import MEASURED, ManualEntry, Promise

RECENT = 30


def entries_visible(*, user, region: Region):
    """Entries of the municipalities the user may enter figures for (newest first)."""
    return (
        ManualEntry.objects.filter(municipality_id__in=rules.entry_scope(user, region))
        .select_related("promise", "municipality", "location", "entered_by", "decided_by")
        .order_by("-entered_at", "-id")
    )


def pending(*, user, region: Region) -> list[ManualEntry]:
    return list(entries_visible(user=user, region=region).filter(status=ManualEntry.Status.PENDING))


def decided(*, user, region: Region) -> list[ManualEntry]:
    return list(
        entries_visible(user=user, region=region).exclude(status=ManualEntry.Status.PENDING)[
            :RECENT
        ]
    )


def entry_promises(*, region: Region):
    """Promises whose figures are not measured here (the only ones entered by hand)."""
    return Promise.objects.filter(region=region, active=True).exclude(metric__in=MEASURED)


def entry_municipalities(*, user, region: Region):
    return Municipality.objects.filter(id__in=rules.entry_scope(user, region)).order_by("name")


def entry_locations(*, user, region: Region):
    return (
        Location.objects.filter(municipality_id__in=rules.entry_scope(user, region))
        .select_related("municipality")
        .order_by("municipality__name", "name")
    )


def entry_in(*, user, region: Region, entry_id) -> ManualEntry | None:
    return entries_visible(user=user, region=region).filter(pk=entry_id).first()
