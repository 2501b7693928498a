"""Regional staff pool: members (pseudonymised), requests, secondments, days held, ledger."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import Employee, Municipality, OrgUnit, TenantModel, created_by_field

# Three months: the longest secondment without a hearing (TVöD § 4 Abs. 1).
MAX_DAYS_WITHOUT_HEARING = 92


class Skill(models.TextChoices):
    """The region's shared catalogue, so that skills mean the same in every town."""

    CONTACT_TRACING = "contact_tracing", _("Kontaktnachverfolgung")
    TEAM_LEAD = "team_lead", _("Teamleitung (erfahren)")
    HOTLINE = "hotline", _("Bürgertelefon")
    CITIZEN_OFFICE = "citizen_office", _("Bürgerbüro")
    ADMIN_LAW = "admin_law", _("Verwaltungsrecht")
    SOCIAL_WORK = "social_work", _("Sozialarbeit")
    IT_SUPPORT = "it_support", _("IT-Unterstützung")
    DATA_ENTRY = "data_entry", _("Datenerfassung")
    FIRST_AID = "first_aid", _("Erste Hilfe")


def new_pseudonym() -> str:
    alphabet = "ACDEFGHJKLMNPQRTUVWXY34679"
    return "HP-" + "".join(secrets.choice(alphabet) for _ in range(6))


class PoolMember(TenantModel):
    """An employee in the pool. `municipality` is the home municipality, the only one that
    resolves the pseudonym until a secondment is accepted."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("verfügbar")
        PAUSED = "paused", _("pausiert")
        WITHDRAWN = "withdrawn", _("zurückgezogen")

    class Entry(models.TextChoices):
        VOLUNTEERED = "volunteered", _("freiwillig gemeldet")
        NOMINATED = "nominated", _("benannt (mit Einverständnis)")

    class Employment(models.TextChoices):
        EMPLOYEE = "employee", _("Tarifbeschäftigte (TVöD)")
        CIVIL_SERVANT = "civil_servant", _("Beamtin/Beamter")

    employee = models.OneToOneField(
        Employee, on_delete=models.PROTECT, related_name="pool_member", verbose_name=_("Person")
    )
    pseudonym = models.CharField(_("Helfer-ID"), max_length=12, unique=True, default=new_pseudonym)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default="active")
    entry = models.CharField(
        _("Aufnahme"), max_length=12, choices=Entry.choices, default=Entry.VOLUNTEERED
    )
    employment = models.CharField(
        _("Dienstverhältnis"), max_length=14, choices=Employment.choices, default="employee"
    )
    consent_at = models.DateTimeField(_("Einverständnis am"), null=True, blank=True)
    languages = models.CharField(_("Sprachen"), max_length=200, blank=True)
    driving_licence = models.BooleanField(_("Führerschein"), default=False)
    postcode = models.CharField(_("PLZ"), max_length=5)
    max_travel_minutes = models.PositiveSmallIntegerField(
        _("Höchste Fahrzeit (Minuten)"),
        default=45,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    available_from = models.DateField(_("verfügbar ab"))
    available_until = models.DateField(_("verfügbar bis"))
    share = models.DecimalField(
        _("Anteil der Arbeitszeit"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.10")), MaxValueValidator(Decimal("1.00"))],
    )
    shifts = models.BooleanField(_("Schichtdienst möglich"), default=False)
    weekends = models.BooleanField(_("Wochenenden möglich"), default=False)
    remote = models.BooleanField(_("mobiles Arbeiten möglich"), default=True)
    note = models.CharField(_("Notiz (nur Heimatkommune)"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Poolmitglied")
        verbose_name_plural = _("Poolmitglieder")
        ordering = ["pseudonym"]
        constraints = [
            models.CheckConstraint(
                condition=Q(available_from__lte=models.F("available_until")),
                name="staffpool_member_window_order",
            )
        ]

    def __str__(self) -> str:
        return self.pseudonym

    def skills_on(self, day: date) -> set[str]:
        return {
            q.skill
            for q in self.qualifications.all()
            if q.valid_until is None or q.valid_until >= day
        }


class MemberQualification(TenantModel):
    member = models.ForeignKey(PoolMember, on_delete=models.CASCADE, related_name="qualifications")
    skill = models.CharField(_("Qualifikation"), max_length=20, choices=Skill.choices)
    valid_until = models.DateField(_("gültig bis"), null=True, blank=True)
    proof = models.CharField(_("Nachweis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Qualifikation im Pool")
        verbose_name_plural = _("Qualifikationen im Pool")
        ordering = ["skill"]
        constraints = [
            models.UniqueConstraint(fields=["member", "skill"], name="staffpool_skill_once")
        ]


class StaffRequest(TenantModel):
    """A call for helpers. `municipality` is the requester; a regional request (the region's
    health office) is stored under the region's seat and lends from every town."""

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        PARTLY = "partly", _("teilweise besetzt")
        COVERED = "covered", _("besetzt")
        STOOD_DOWN = "stood_down", _("abbestellt")
        CLOSED = "closed", _("abgeschlossen")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("normal")
        HIGH = "high", _("dringend")
        CRITICAL = "critical", _("sofort")

    title = models.CharField(_("Aufgabe"), max_length=200)
    for_region = models.BooleanField(_("Anfrage der Region"), default=False)
    requester_label = models.CharField(
        _("Anfragende Stelle"), max_length=200, blank=True, help_text=_("z. B. Gesundheitsamt")
    )
    required_skills = models.JSONField(_("Pflicht-Qualifikationen"), default=list, blank=True)
    desired_skills = models.JSONField(_("Wünschenswerte Qualifikationen"), default=list, blank=True)
    slots = models.PositiveSmallIntegerField(
        _("Anzahl Personen"), validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    team_size = models.PositiveSmallIntegerField(
        _("Teamgröße"), default=0, help_text=_("0: keine Teams"), validators=[MaxValueValidator(50)]
    )
    lead_skill = models.CharField(
        _("Teamleitung braucht"), max_length=20, choices=Skill.choices, blank=True
    )
    remote = models.BooleanField(_("mobil (remote)"), default=False)
    site_postcode = models.CharField(_("PLZ des Einsatzorts"), max_length=5, blank=True)
    site = models.CharField(_("Einsatzort"), max_length=200, blank=True)
    start = models.DateField(_("Beginn"))
    end = models.DateField(_("Ende"))
    hours_per_week = models.DecimalField(
        _("Stunden je Woche"), max_digits=4, decimal_places=1, default=Decimal("39.0")
    )
    shifts = models.BooleanField(_("Schichtdienst"), default=False)
    weekends = models.BooleanField(_("Wochenenden"), default=False)
    urgency = models.CharField(
        _("Dringlichkeit"), max_length=10, choices=Urgency.choices, default="normal"
    )
    cost_share = models.PositiveSmallIntegerField(
        _("Kostenübernahme durch die anfragende Stelle (%)"),
        default=100,
        validators=[MaxValueValidator(100)],
    )
    status = models.CharField(_("Status"), max_length=12, choices=Status.choices, default="open")
    internal_note = models.CharField(_("Interne Notiz"), max_length=300, blank=True)
    match_note = models.JSONField(_("Hinweise aus dem Abgleich"), default=list, blank=True)
    created_by = created_by_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Personalanfrage")
        verbose_name_plural = _("Personalanfragen")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lte=models.F("end")), name="staffpool_req_order"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def requester_name(self) -> str:
        return self.requester_label or self.municipality.name

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class Secondment(TenantModel):
    """Abordnung / Amtshilfe of one pool member to one request. `municipality` is the home
    municipality (lender); the requester sees it through `request`."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("vorgeschlagen")
        APPROVED = "approved", _("von der Heimatkommune freigegeben")
        ACCEPTED = "accepted", _("vereinbart")
        DECLINED = "declined", _("von der Person abgelehnt")
        REJECTED = "rejected", _("von der Heimatkommune abgelehnt")
        CANCELLED = "cancelled", _("aufgehoben")
        ENDED = "ended", _("beendet")

    HOLDING = (Status.APPROVED, Status.ACCEPTED)

    request = models.ForeignKey(StaffRequest, on_delete=models.CASCADE, related_name="secondments")
    member = models.ForeignKey(PoolMember, on_delete=models.PROTECT, related_name="secondments")
    borrower = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("aufnehmende Stelle"),
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default="proposed"
    )
    start = models.DateField(_("Beginn"))
    end = models.DateField(_("Ende"))
    hours_per_week = models.DecimalField(_("Stunden je Woche"), max_digits=4, decimal_places=1)
    cost_share = models.PositiveSmallIntegerField(
        _("Kostenübernahme durch die aufnehmende Stelle (%)"), default=100
    )
    hourly_rate = models.DecimalField(
        _("Stundensatz (EUR)"), max_digits=6, decimal_places=2, default=Decimal("48.00")
    )
    hearing_on = models.DateField(_("Anhörung am (über drei Monate)"), null=True, blank=True)
    consent_on = models.DateField(_("Zustimmung der Person am"), null=True, blank=True)
    works_council_on = models.DateField(_("Personalrat beteiligt am"), null=True, blank=True)
    floor_override = models.BooleanField(
        _("trotz Unterschreitung der Mindestbesetzung"), default=False
    )
    standard_override = models.BooleanField(
        _("trotz Gefährdung eines Servicestandards"), default=False
    )
    score = models.IntegerField(default=0)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    absence_id = models.PositiveIntegerField(null=True, blank=True)  # presence Absence row
    reminded_at = models.DateTimeField(null=True, blank=True)  # end-date reminder sent
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Abordnung")
        verbose_name_plural = _("Abordnungen")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lte=models.F("end")), name="staffpool_sec_order"
            ),
            models.UniqueConstraint(fields=["request", "member"], name="staffpool_sec_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member.pseudonym} → {self.request.title}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def needs_hearing(self) -> bool:
        return self.days > MAX_DAYS_WITHOUT_HEARING

    def each_day(self):
        d = self.start
        while d <= self.end:
            yield d
            d += timedelta(days=1)


class HeldDay(TenantModel):
    """One day a member is held by an approved or accepted secondment. The unique constraint is
    what makes double booking impossible, also under concurrent approvals."""

    member = models.ForeignKey(PoolMember, on_delete=models.CASCADE, related_name="+")
    secondment = models.ForeignKey(Secondment, on_delete=models.CASCADE, related_name="held_days")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "day"], name="staffpool_member_held_once")
        ]


class LedgerEntry(TenantModel):
    """Hours one municipality lent (`municipality`) to another or to the region, per week."""

    class Kind(models.TextChoices):
        SECONDMENT = "secondment", _("Abordnung")
        CASES = "cases", _("Fallbearbeitung")

    borrower = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("aufnehmende Stelle"),
    )
    for_region = models.BooleanField(default=False)
    kind = models.CharField(_("Art"), max_length=10, choices=Kind.choices, default="secondment")
    secondment = models.ForeignKey(
        Secondment, on_delete=models.CASCADE, null=True, blank=True, related_name="ledger"
    )
    case_booking = models.ForeignKey(
        "CaseBooking", on_delete=models.CASCADE, null=True, blank=True, related_name="ledger"
    )
    week = models.DateField(_("Woche ab"))
    hours = models.DecimalField(_("Stunden"), max_digits=7, decimal_places=1)
    amount = models.DecimalField(_("Betrag (EUR)"), max_digits=10, decimal_places=2)
    note = models.CharField(_("Notiz"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Buchung")
        verbose_name_plural = _("Stundenkonto")
        ordering = ["week", "pk"]


class StaffingFloor(TenantModel):
    """The fewest people an org unit needs on a working day; lending stops above it."""

    org_unit = models.OneToOneField(
        OrgUnit,
        on_delete=models.CASCADE,
        related_name="staffing_floor",
        verbose_name=_("Organisationseinheit"),
    )
    minimum = models.PositiveSmallIntegerField(_("Mindestbesetzung je Arbeitstag"))

    class Meta:
        verbose_name = _("Mindestbesetzung")
        verbose_name_plural = _("Mindestbesetzungen")


class CaseOffer(TenantModel):
    """Case exchange: capacity (hours per week of a skill) that `municipality` offers to work
    through other towns' case queues instead of seconding people. The region sees it; another
    town books part or all of it (`CaseBooking`)."""

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        WITHDRAWN = "withdrawn", _("zurückgezogen")

    skill = models.CharField(_("Qualifikation"), max_length=20, choices=Skill.choices)
    hours_per_week = models.DecimalField(
        _("Stunden je Woche"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("1"))],
    )
    start = models.DateField(_("von"))
    end = models.DateField(_("bis"))
    note = models.CharField(_("Welche Fälle"), max_length=200, blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Angebot Fallbearbeitung")
        verbose_name_plural = _("Angebote Fallbearbeitung")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="staffpool_case_offer_period"
            )
        ]


class CaseBooking(TenantModel):
    """Hours of a case offer booked by the borrowing town; `municipality` is the lender (the
    offer's town), the ledger books the hours week by week."""

    offer = models.ForeignKey(CaseOffer, on_delete=models.PROTECT, related_name="bookings")
    borrower = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("aufnehmende Kommune"),
    )
    hours_per_week = models.DecimalField(_("Stunden je Woche"), max_digits=6, decimal_places=1)
    start = models.DateField(_("von"))
    end = models.DateField(_("bis"))
    note = models.CharField(_("Welche Fälle"), max_length=200, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    booked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Buchung Fallbearbeitung")
        verbose_name_plural = _("Buchungen Fallbearbeitung")
        ordering = ["start", "pk"]
