"""The one place that answers "what time is it?" for services, selectors and jobs."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now_or(now: datetime | None = None) -> datetime:
    """The moment a caller passed in, else the current one.

    Services and jobs take an optional ``now`` so that tests, the demo loader and catch-up jobs
    can act at a chosen moment; everything else gets the real clock.
    """
    return now if now is not None else timezone.now()


def stamp_created(obj, now: datetime) -> None:
    """Dates a row just created at the caller's moment: ``auto_now_add`` took the real clock,
    whatever was passed (the demo loader acts as at its ``--now``)."""
    type(obj).objects.filter(pk=obj.pk).update(created_at=now)
    obj.created_at = now
