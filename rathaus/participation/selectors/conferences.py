"""Reads of conferences and forums: public (published processes only), by personal link, and
the registration list for staff (scoped to the user's municipality)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from rathaus.core.tenancy import get_scoped_or_404
from rathaus.participation.models import Conference, Process, Registration, hash_token

Status = Registration.Status


@dataclass(frozen=True)
class Seats:
    capacity: int
    confirmed: int
    waiting: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.confirmed)


def _with_counts(qs: QuerySet[Conference]) -> QuerySet[Conference]:
    return qs.annotate(
        n_confirmed=Count("registrations", filter=Q(registrations__status=Status.CONFIRMED)),
        n_waiting=Count("registrations", filter=Q(registrations__status=Status.WAITING)),
    )


def seats(conference: Conference) -> Seats:
    confirmed = getattr(conference, "n_confirmed", None)
    waiting = getattr(conference, "n_waiting", None)
    if confirmed is None or waiting is None:
        counts = conference.registrations.aggregate(
            c=Count("pk", filter=Q(status=Status.CONFIRMED)),
            w=Count("pk", filter=Q(status=Status.WAITING)),
        )
        confirmed, waiting = counts["c"], counts["w"]
    return Seats(conference.capacity, confirmed, waiting)


def conferences_of(process: Process) -> list[tuple[Conference, Seats]]:
    rows = _with_counts(Conference.objects.filter(process=process))
    return [(c, seats(c)) for c in rows]


def public_conference(conference_id) -> Conference | None:
    try:
        return (
            _with_counts(Conference.objects.select_related("process", "municipality"))
            .filter(process__published=True)
            .get(pk=int(conference_id))
        )
    except (Conference.DoesNotExist, ValueError, TypeError, OverflowError):
        return None


def registration_by_token(token: str) -> Registration | None:
    if not token or len(token) > 100:
        return None
    return (
        Registration.objects.select_related("conference__process")
        .filter(token_hash=hash_token(token))
        .first()
    )


def waiting_position(registration: Registration) -> int | None:
    """1 for the first person waiting; None unless on the waiting list."""
    if registration.status != Status.WAITING:
        return None
    ahead = registration.conference.registrations.filter(status=Status.WAITING).filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def staff_conference(user, conference_id: int) -> Conference:
    return get_scoped_or_404(
        _with_counts(Conference.objects.select_related("process")), user, pk=conference_id
    )


def registrations_for_staff(conference: Conference) -> QuerySet[Registration]:
    return conference.registrations.order_by("created_at", "pk")
