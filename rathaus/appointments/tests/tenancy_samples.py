"""Rows of every appointments model for the generic cross-tenant test.

Personal tokens are capabilities (whoever holds the link may act as the citizen), so the
candidates for ``token`` are deliberately *not* valid tokens (the stored hashes): a user of
another municipality must not be able to reach the rows through any URL.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from django.utils import timezone

from rathaus.appointments.models import (
    Appointment,
    AppointmentItem,
    BookingPolicy,
    ClosureOutcome,
    Counter,
    CounterDayLock,
    DateException,
    OpeningHours,
    Service,
    ServiceDuration,
    TicketSequence,
    WaitingListEntry,
    WaitingListOffer,
    hash_token,
    new_token,
)
from rathaus.core.models import Location


def create(municipality, marker: str) -> dict[str, list]:
    location = Location.objects.create(
        municipality=municipality,
        name=f"Bürgerbüro {municipality.slug}",
        street="Markt 1",
        postal_code="59999",
        city="Musterstadt",
    )
    service = Service.objects.create(
        municipality=municipality, name=f"Ausweis {municipality.slug}", default_duration_minutes=15
    )
    ServiceDuration.objects.create(
        municipality=municipality, service=service, location=location, duration_minutes=20
    )
    counter = Counter.objects.create(
        municipality=municipality, location=location, name="Schalter 1"
    )
    counter.services.add(service)
    for weekday in range(5):
        OpeningHours.objects.create(
            municipality=municipality,
            location=location,
            weekday=weekday,
            start=time(8),
            end=time(16),
        )
    policy = BookingPolicy.objects.create(municipality=municipality, location=location)
    now = timezone.now()
    day = (now + timedelta(days=3)).date()
    closure = DateException.objects.create(
        municipality=municipality, location=location, counter=counter, date=day, reason=marker
    )
    appointments = []
    for i, status in enumerate(
        [Appointment.Status.CONFIRMED, Appointment.Status.PENDING, Appointment.Status.CHECKED_IN]
    ):
        start = now + timedelta(days=7, hours=i)
        appointment = Appointment.objects.create(
            municipality=municipality,
            location=location,
            counter=counter,
            start=start,
            end=start + timedelta(minutes=15),
            status=status,
            token_hash=hash_token(new_token()),
            citizen_name=f"Bürger {marker}",
            citizen_email=f"{marker}@example.org",
            citizen_phone="0123 456789",
            ticket_number="A001",
            created=now,
            confirm_deadline=now + timedelta(hours=1),
        )
        AppointmentItem.objects.create(appointment=appointment, service=service, count=1)
        appointments.append(appointment)
    CounterDayLock.objects.create(counter=counter, date=day)
    TicketSequence.objects.create(location=location, date=day, prefix="A", last_number=1)
    entry = WaitingListEntry.objects.create(
        municipality=municipality,
        demand={str(service.id): 1},
        date_from=date.today(),
        date_to=date.today() + timedelta(days=30),
        weekdays=[0, 1, 2, 3, 4],
        time_from=time(8),
        time_to=time(12),
        citizen_email=f"{marker}@example.org",
        citizen_name=marker,
        token_hash=hash_token(new_token()),
        status=WaitingListEntry.Status.ACTIVE,
        created=now,
    )
    entry.locations.add(location)
    offer = WaitingListOffer.objects.create(
        municipality=municipality,
        entry=entry,
        appointment=appointments[0],
        token_hash=hash_token(new_token()),
        slot_start=appointments[0].start,
        slot_end=appointments[0].end,
        offered_at=now,
        deadline=now + timedelta(hours=2),
    )
    outcome = ClosureOutcome.objects.create(
        municipality=municipality,
        exception=closure,
        appointment=appointments[1],
        old_start=appointments[1].start,
        old_counter=counter,
        result=ClosureOutcome.Result.WAITING_LIST,
        waiting_list_entry=entry,
        created=now,
    )
    return {
        "pk": [a.pk for a in appointments] + [counter.pk, closure.pk, entry.pk, outcome.pk],
        "appointment_id": [a.pk for a in appointments],
        "location_id": [location.pk],
        "counter_id": [counter.pk],
        "municipality_id": [municipality.pk],
        "service_id": [service.pk],
        "exception_id": [closure.pk],
        "entry_id": [entry.pk],
        "offer_id": [offer.pk],
        "token": [a.token_hash for a in appointments] + [entry.token_hash, offer.token_hash],
        "display_token": [policy.display_token],
        # waiting-room tickets are capabilities like tokens: never a valid one here
        "ticket": [hash_token(new_token())],
        "day": [day.isoformat(), appointments[0].start.date().isoformat()],
        "date": [day.isoformat()],
    }
