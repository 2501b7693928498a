"""Citizen-office appointments: catalogue, counters, hours, policy, appointments, waiting list.

Capacity is finally enforced by the database: on PostgreSQL an exclusion constraint forbids
two blocking appointments on the same counter whose [start, end) ranges overlap (added by
migration 0002 on PostgreSQL only); on every database the booking service also locks a
per-counter-per-day row (:class:`CounterDayLock`) while it checks and inserts.

Personal data (citizen name, e-mail, phone) lives only in :class:`Appointment` and
:class:`WaitingListEntry`; the retention task blanks it (``anonymized_at``) and keeps the
rows for anonymous statistics.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import Location, TenantModel, created_by_field


def new_token() -> str:
    """A fresh personal token (URL-safe, 256 bit)."""
    return secrets.token_urlsafe(32)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_display_token() -> str:
    return secrets.token_urlsafe(24)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Montag")
    TUESDAY = 1, _("Dienstag")
    WEDNESDAY = 2, _("Mittwoch")
    THURSDAY = 3, _("Donnerstag")
    FRIDAY = 4, _("Freitag")
    SATURDAY = 5, _("Samstag")
    SUNDAY = 6, _("Sonntag")


class Service(TenantModel):
    """A public service (Leistung) of the municipality's citizen office."""

    name = models.CharField(_("Bezeichnung"), max_length=200)
    leika_key = models.CharField(
        _("LeiKa-/FIM-Schlüssel"), max_length=30, blank=True, help_text=_("optional")
    )
    documents = models.TextField(_("Mitzubringende Unterlagen"), blank=True)
    fee_note = models.CharField(_("Gebührenhinweis"), max_length=300, blank=True)
    default_duration_minutes = models.PositiveSmallIntegerField(
        _("Dauer (Minuten)"), default=15, validators=[MinValueValidator(1), MaxValueValidator(480)]
    )
    max_count = models.PositiveSmallIntegerField(
        _("Höchstanzahl je Termin"), default=5, validators=[MinValueValidator(1)]
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    active = models.BooleanField(_("buchbar"), default=True)

    class Meta:
        verbose_name = _("Leistung")
        verbose_name_plural = _("Leistungen")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="appt_service_name_uq")
        ]

    def __str__(self) -> str:
        return self.name


class ServiceDuration(TenantModel):
    """Per-location override of a service's duration."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="durations")
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", verbose_name=_("Standort")
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("Dauer (Minuten)"), validators=[MinValueValidator(1), MaxValueValidator(480)]
    )

    class Meta:
        verbose_name = _("Dauer am Standort")
        verbose_name_plural = _("Dauern am Standort")
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="appt_duration_uq")
        ]


class Counter(TenantModel):
    """A counter (Schalter/Arbeitsplatz) at a location; serves the services listed."""

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="counters", verbose_name=_("Standort")
    )
    name = models.CharField(_("Bezeichnung"), max_length=100)
    services = models.ManyToManyField(
        Service, related_name="counters", blank=True, verbose_name=_("Leistungen")
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    active = models.BooleanField(_("in Betrieb"), default=True)

    class Meta:
        verbose_name = _("Schalter")
        verbose_name_plural = _("Schalter")
        ordering = ["location_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["location", "name"], name="appt_counter_name_uq")
        ]

    def __str__(self) -> str:
        return self.name


class OpeningHours(TenantModel):
    """Weekly opening interval. ``counter`` empty = every counter of the location.

    A counter with rows of its own uses only those; otherwise the location's rows apply.
    Several rows per weekday are allowed (lunch break = two intervals).
    """

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", verbose_name=_("Standort")
    )
    counter = models.ForeignKey(
        Counter,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="opening_hours",
        verbose_name=_("Schalter"),
    )
    weekday = models.PositiveSmallIntegerField(_("Wochentag"), choices=Weekday.choices)
    start = models.TimeField(_("von"))
    end = models.TimeField(_("bis"))

    class Meta:
        verbose_name = _("Öffnungszeit")
        verbose_name_plural = _("Öffnungszeiten")
        ordering = ["location_id", "counter_id", "weekday", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="appt_hours_order")
        ]


class DateException(TenantModel):
    """Replaces the opening hours of one date at a location or one counter.

    ``closed=True`` (a closure, e.g. a shift team in quarantine): closed all day.
    ``closed=False`` with start/end: special opening hours for that date (several rows =
    several intervals), e.g. a Saturday opening or opening on a holiday.
    """

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", verbose_name=_("Standort")
    )
    counter = models.ForeignKey(
        Counter,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="exceptions",
        verbose_name=_("Schalter"),
    )
    date = models.DateField(_("Datum"))
    closed = models.BooleanField(_("geschlossen"), default=True)
    start = models.TimeField(_("von"), null=True, blank=True)
    end = models.TimeField(_("bis"), null=True, blank=True)
    reason = models.CharField(_("Grund (intern)"), max_length=200, blank=True)
    created_by = created_by_field()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Ausnahme/Schließung")
        verbose_name_plural = _("Ausnahmen/Schließungen")
        ordering = ["date", "location_id", "counter_id"]
        indexes = [models.Index(fields=["location", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed=True) | (Q(start__isnull=False) & Q(end__gt=F("start"))),
                name="appt_exception_times",
            )
        ]


class BookingPolicy(TenantModel):
    """Booking rules of one location (defaults apply when a location has none)."""

    location = models.OneToOneField(
        Location,
        on_delete=models.CASCADE,
        related_name="booking_policy",
        verbose_name=_("Standort"),
    )
    granularity_minutes = models.PositiveSmallIntegerField(
        _("Raster (Minuten)"), default=10, validators=[MinValueValidator(1)]
    )
    min_notice_minutes = models.PositiveIntegerField(_("Mindestvorlauf (Minuten)"), default=120)
    same_day = models.BooleanField(_("Buchung am selben Tag"), default=True)
    max_days_ahead = models.PositiveSmallIntegerField(_("höchstens Tage im Voraus"), default=60)
    hold_minutes = models.PositiveSmallIntegerField(_("Reservierung (Minuten)"), default=10)
    confirm_minutes = models.PositiveSmallIntegerField(
        _("Frist für Bestätigung per E-Mail (Minuten)"), default=60
    )
    max_active_per_email = models.PositiveSmallIntegerField(
        _("aktive Termine je E-Mail-Adresse"), default=3
    )
    max_requests_per_ip_hour = models.PositiveIntegerField(
        _("Buchungsanfragen je IP-Adresse und Stunde"), default=30
    )
    release_delay_minutes = models.PositiveIntegerField(
        _("abgesagte Termine wieder frei nach (Minuten)"), default=30
    )
    reminder_hours = models.PositiveSmallIntegerField(
        _("Erinnerung (Stunden vorher)"), default=24, help_text=_("0 = keine Erinnerung")
    )
    offer_minutes = models.PositiveIntegerField(
        _("Frist für Angebote der Warteliste (Minuten)"), default=120
    )
    walk_in_enabled = models.BooleanField(_("Wartemarken ausgeben"), default=True)
    display_token = models.CharField(
        _("Geheimer Schlüssel der Aufrufanzeige"),
        max_length=64,
        default=new_display_token,
        unique=True,
    )

    class Meta:
        verbose_name = _("Buchungsregeln")
        verbose_name_plural = _("Buchungsregeln")

    def __str__(self) -> str:
        return f"Buchungsregeln {self.location_id}"

    @property
    def hold(self) -> timedelta:
        return timedelta(minutes=self.hold_minutes)


class Appointment(TenantModel):
    """An appointment, a hold (status ``held``) or a walk-in ticket (``source=walk_in``).

    ``counter`` is the counter whose capacity the appointment occupies (empty for walk-in
    tickets, which take no planned capacity); ``called_counter`` is where the citizen was
    called to. The personal token is stored only as a SHA-256 hash.
    """

    class Status(models.TextChoices):
        HELD = "held", _("reserviert")
        PENDING = "pending_confirmation", _("wartet auf Bestätigung")
        CONFIRMED = "confirmed", _("bestätigt")
        CANCELLED = "cancelled", _("abgesagt")
        EXPIRED = "expired", _("verfallen (nicht bestätigt)")
        CHECKED_IN = "checked_in", _("angemeldet")
        CALLED = "called", _("aufgerufen")
        SERVED = "served", _("erledigt")
        NO_SHOW = "no_show", _("nicht erschienen")

    class Source(models.TextChoices):
        ONLINE = "online", _("online")
        WALK_IN = "walk_in", _("Wartemarke")
        STAFF = "staff", _("durch Bürgerbüro")
        WAITING_LIST = "waiting_list", _("Terminagent")

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    counter = models.ForeignKey(
        Counter, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    start = models.DateTimeField(_("Beginn"))
    end = models.DateTimeField(_("Ende"))
    status = models.CharField(_("Status"), max_length=24, choices=Status.choices)
    source = models.CharField(
        _("Herkunft"), max_length=16, choices=Source.choices, default=Source.ONLINE
    )
    token_hash = models.CharField(max_length=64, unique=True)
    citizen_name = models.CharField(_("Name"), max_length=200, blank=True)
    citizen_email = models.EmailField(_("E-Mail"), blank=True)
    citizen_phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    ticket_number = models.CharField(_("Wartenummer"), max_length=10, blank=True)
    called_counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("angelegt"))
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    confirm_deadline = models.DateTimeField(null=True, blank=True)
    booked_at = models.DateTimeField(_("gebucht"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("bestätigt"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("abgesagt"), null=True, blank=True)
    pool_release_at = models.DateTimeField(
        null=True, blank=True, help_text=_("abgesagt: Zeit blockiert bis")
    )
    checked_in_at = models.DateTimeField(_("angemeldet"), null=True, blank=True)
    called_at = models.DateTimeField(_("aufgerufen"), null=True, blank=True)
    served_at = models.DateTimeField(_("erledigt"), null=True, blank=True)
    no_show_at = models.DateTimeField(_("nicht erschienen"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_token_hash = models.CharField(
        max_length=64, blank=True, db_index=True, help_text=_("für „Ich komme“/„freigeben“")
    )
    attendance_confirmed_at = models.DateTimeField(_("Kommen zugesagt"), null=True, blank=True)
    anonymized_at = models.DateTimeField(null=True, blank=True)

    # statuses whose rows occupy counter time (the exclusion constraint's condition)
    BLOCKING = (
        Status.HELD,
        Status.PENDING,
        Status.CONFIRMED,
        Status.CHECKED_IN,
        Status.CALLED,
        Status.SERVED,
        Status.NO_SHOW,
    )
    # appointments a citizen still has ahead (count against the per-e-mail limit)
    ACTIVE = (Status.PENDING, Status.CONFIRMED)

    class Meta:
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["location", "start"]),
            models.Index(fields=["counter", "start"]),
            models.Index(fields=["status", "hold_expires_at"]),
            models.Index(fields=["status", "confirm_deadline"]),
            models.Index(fields=["citizen_email", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="appt_start_before_end")
        ]

    def __str__(self) -> str:
        return f"Termin {self.pk} {self.start:%d.%m.%Y %H:%M}"

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


class AppointmentItem(models.Model):
    """Services booked in an appointment with their count (durations add up)."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="items")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveSmallIntegerField(_("Anzahl"), default=1)

    class Meta:
        verbose_name = _("Leistung im Termin")
        verbose_name_plural = _("Leistungen im Termin")
        constraints = [
            models.UniqueConstraint(fields=["appointment", "service"], name="appt_item_uq"),
            models.CheckConstraint(condition=Q(count__gte=1), name="appt_item_count_pos"),
        ]


class CounterDayLock(models.Model):
    """One row per counter and local date; booking locks it (SELECT … FOR UPDATE)."""

    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["counter", "date"], name="appt_counter_day_uq")
        ]


class TicketSequence(models.Model):
    """Running ticket numbers per location, local date and prefix (A… online, W… walk-in)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    prefix = models.CharField(max_length=2)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["location", "date", "prefix"], name="appt_ticket_seq_uq"
            )
        ]


class WaitingListEntry(TenantModel):
    """Terminagent: a citizen waits for a slot matching services, places, dates and times."""

    class Status(models.TextChoices):
        PENDING = "pending_confirmation", _("wartet auf Bestätigung")
        ACTIVE = "active", _("aktiv")
        FULFILLED = "fulfilled", _("Termin vermittelt")
        CANCELLED = "cancelled", _("abgemeldet")
        EXPIRED = "expired", _("abgelaufen")

    locations = models.ManyToManyField(Location, related_name="+")
    demand = models.JSONField(_("Leistungen"), help_text=_('{"<service id>": <Anzahl>}'))
    date_from = models.DateField(_("frühestens am"))
    date_to = models.DateField(_("spätestens am"))
    weekdays = models.JSONField(_("Wochentage"), default=list, help_text=_("0 = Montag"))
    time_from = models.TimeField(_("Uhrzeit ab"))
    time_to = models.TimeField(_("Uhrzeit bis"))
    citizen_name = models.CharField(_("Name"), max_length=200, blank=True)
    citizen_email = models.EmailField(_("E-Mail"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.PENDING)
    created = models.DateTimeField()
    confirm_deadline = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    source_appointment = models.ForeignKey(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Termin, der wegen einer Schließung nicht umgebucht werden konnte"),
    )
    anonymized_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Eintrag im Terminagent")
        verbose_name_plural = _("Terminagent")
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["municipality", "status", "created"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_from__lte=F("date_to")), name="appt_wl_dates_order"
            ),
            models.CheckConstraint(
                condition=Q(time_from__lt=F("time_to")), name="appt_wl_times_order"
            ),
        ]


class WaitingListOffer(TenantModel):
    """A freed slot offered to a waiting-list entry; the slot is held until the deadline."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("angeboten")
        ACCEPTED = "accepted", _("angenommen")
        DECLINED = "declined", _("abgelehnt")
        EXPIRED = "expired", _("Frist abgelaufen")
        WITHDRAWN = "withdrawn", _("zurückgezogen")

    entry = models.ForeignKey(WaitingListEntry, on_delete=models.CASCADE, related_name="offers")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="offers"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    slot_start = models.DateTimeField()
    slot_end = models.DateTimeField()
    offered_at = models.DateTimeField()
    deadline = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OFFERED)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Angebot des Terminagenten")
        verbose_name_plural = _("Angebote des Terminagenten")
        ordering = ["offered_at", "id"]
        indexes = [models.Index(fields=["status", "deadline"])]


class ClosureOutcome(TenantModel):
    """What happened to one appointment affected by a closure (nothing is dropped silently).

    Rebooking moves the appointment in place (same row, same personal link).
    """

    class Result(models.TextChoices):
        REBOOKED = "rebooked", _("umgebucht")
        WAITING_LIST = "waiting_list", _("kein freier Termin – auf Warteliste")
        CANCELLED = "cancelled", _("abgesagt (ohne E-Mail-Adresse)")

    exception = models.ForeignKey(
        DateException, on_delete=models.SET_NULL, null=True, blank=True, related_name="outcomes"
    )
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="+")
    old_start = models.DateTimeField(_("bisheriger Beginn"))
    old_counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    new_start = models.DateTimeField(_("neuer Beginn"), null=True, blank=True)
    waiting_list_entry = models.ForeignKey(
        WaitingListEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    result = models.CharField(max_length=16, choices=Result.choices)
    notified = models.BooleanField(_("benachrichtigt"), default=False)
    created = models.DateTimeField()

    class Meta:
        verbose_name = _("Folge einer Schließung")
        verbose_name_plural = _("Folgen von Schließungen")
        ordering = ["created", "id"]
