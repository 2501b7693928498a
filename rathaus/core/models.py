"""Tenancy (region → municipality), people and places, roles, audit log."""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _


class FederalState(models.TextChoices):
    """ISO 3166-2:DE subdivision codes, as the `holidays` package expects them."""

    BW = "BW", "Baden-Württemberg"
    BY = "BY", "Bayern"
    BE = "BE", "Berlin"
    BB = "BB", "Brandenburg"
    HB = "HB", "Bremen"
    HH = "HH", "Hamburg"
    HE = "HE", "Hessen"
    MV = "MV", "Mecklenburg-Vorpommern"
    NI = "NI", "Niedersachsen"
    NW = "NW", "Nordrhein-Westfalen"
    RP = "RP", "Rheinland-Pfalz"
    SL = "SL", "Saarland"
    SN = "SN", "Sachsen"
    ST = "ST", "Sachsen-Anhalt"
    SH = "SH", "Schleswig-Holstein"
    TH = "TH", "Thüringen"


class Region(models.Model):
    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(_("Kurzname"), unique=True)

    class Meta:
        verbose_name = _("Region")
        verbose_name_plural = _("Regionen")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """The tenant. Every domain row belongs to exactly one municipality."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("Region")
    )
    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(_("Kurzname"), unique=True)
    ags = models.CharField(
        _("Amtlicher Gemeindeschlüssel"),
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^\d{8}$", _("Der AGS hat genau 8 Ziffern."))],
    )
    federal_state = models.CharField(_("Bundesland"), max_length=2, choices=FederalState.choices)
    time_zone = models.CharField(_("Zeitzone"), max_length=64, default="Europe/Berlin")

    class Meta:
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    EMPLOYEE = "employee", _("Beschäftigte")
    TEAM_LEAD = "team_lead", _("Teamleitung")
    PLANNER = "planner", _("Personalplanung")
    CLERK = "clerk", _("Sachbearbeitung Bürgerbüro")
    ELECTION_OFFICER = "election_officer", _("Wahlamt")
    LEADERSHIP = "leadership", _("Verwaltungsleitung")
    MUNICIPALITY_ADMIN = "municipality_admin", _("Administration Kommune")
    REGION_ADMIN = "region_admin", _("Administration Region")
    COUNCIL_MEMBER = "council_member", _("Ratsmitglied")
    PROJECT_OWNER = "project_owner", _("Projektleitung")
    DEPARTMENT_HEAD = "department_head", _("Fachbereichsleitung")
    MEETINGS_OFFICE = "meetings_office", _("Gremienbüro")
    MODERATOR = "moderator", _("Moderation Bürgerbeteiligung")
    PROCESS_PLANNER = "process_planner", _("Planung Bürgerbeteiligung")
    POOL_COORDINATOR = "pool_coordinator", _("Personalpool-Koordination")
    POOL_HELPER = "pool_helper", _("Helferin/Helfer im Personalpool")
    REGION_COORDINATOR = "region_coordinator", _("Koordination Region")


class User(AbstractUser):
    """A staff login. Citizens never log in; they act through personal links."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("Kommune"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="admins",
        verbose_name=_("Region"),
        help_text=_("Nur für Administration Region."),
    )
    roles = models.JSONField(_("Rollen"), default=list, blank=True)

    def has_role(self, role: str) -> bool:
        # A list of codes only: a string would make ``in`` match substrings.
        return self.is_active and isinstance(self.roles, list) and role in self.roles

    @property
    def display_name(self) -> str:
        """The person's name: the login's own name, else its staff record's, else the login."""
        full = self.get_full_name().strip()
        if full:
            return full
        # reverse one-to-one: a login without a staff record raises (an AttributeError)
        employee = getattr(self, "employee", None)
        return str(employee) if employee is not None else self.username

    @property
    def role_labels(self) -> list[str]:
        """The user's roles as people read them (translated labels; unknown codes left out)."""
        codes = self.roles if isinstance(self.roles, list) else []
        return [str(Role(code).label) for code in codes if code in Role.values]


class TenantModel(models.Model):
    """Abstract base: every domain row belongs to a municipality.

    Reads scoped to a user go through ``rathaus.core.tenancy`` (``scoped``,
    ``get_scoped_or_404``), the one tenancy layer.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("Kommune")
    )

    class Meta:
        abstract = True


def created_by_field() -> models.ForeignKey:
    """Who created a row; when that login is deleted, the row stays and forgets who it was."""
    return models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Angelegt von"),
    )


class OrgUnit(TenantModel):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Dezernat/Fachbereich")
        OFFICE = "office", _("Amt")
        TEAM = "team", _("Team")

    name = models.CharField(_("Name"), max_length=200)
    code = models.CharField(_("Kürzel"), max_length=20)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.OFFICE)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("übergeordnete Einheit"),
    )

    class Meta:
        verbose_name = _("Organisationseinheit")
        verbose_name_plural = _("Organisationseinheiten")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="orgunit_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Qualification(TenantModel):
    code = models.CharField(_("Kürzel"), max_length=40)
    name = models.CharField(_("Bezeichnung"), max_length=200)

    class Meta:
        verbose_name = _("Qualifikation")
        verbose_name_plural = _("Qualifikationen")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "code"], name="qualification_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Location(TenantModel):
    name = models.CharField(_("Name"), max_length=200)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200)
    postal_code = models.CharField(_("PLZ"), max_length=5)
    city = models.CharField(_("Ort"), max_length=100)

    class Meta:
        verbose_name = _("Standort")
        verbose_name_plural = _("Standorte")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="location_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Room(TenantModel):
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("Standort")
    )
    number = models.CharField(_("Raumnummer"), max_length=40)
    floor = models.SmallIntegerField(_("Etage"), default=0)
    capacity_normal = models.PositiveSmallIntegerField(
        _("Plätze (normal)"), default=1, validators=[MinValueValidator(1)]
    )
    capacity_pandemic = models.PositiveSmallIntegerField(_("Plätze (Pandemie)"), default=1)
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rooms",
        verbose_name=_("Organisationseinheit"),
    )

    class Meta:
        verbose_name = _("Raum")
        verbose_name_plural = _("Räume")
        ordering = ["location__name", "number"]
        constraints = [
            models.UniqueConstraint(fields=["location", "number"], name="room_number_unique"),
            models.CheckConstraint(
                condition=Q(capacity_pandemic__lte=models.F("capacity_normal")),
                name="room_pandemic_le_normal",
            ),
        ]

    def __str__(self) -> str:
        return f"Raum {self.number}"


class Employee(TenantModel):
    class Equipment(models.TextChoices):
        FULL_KIT = "full_kit", _("Homeoffice-Arbeitsplatz (volle Ausstattung)")
        PHONE_ONLY = "phone_only", _("nur Telefon")
        NONE = "none", _("kein Homeoffice")

    class JobRole(models.TextChoices):
        GENERAL = "general", _("Sachbearbeitung")
        CLERK = "clerk", _("Bürgerbüro")
        SOCIAL_WORKER = "social_worker", _("Sozialarbeit")
        LEAD = "lead", _("Leitung")

    personnel_number = models.CharField(_("Personalnummer"), max_length=20)
    first_name = models.CharField(_("Vorname"), max_length=100)
    last_name = models.CharField(_("Nachname"), max_length=100)
    email = models.EmailField(_("E-Mail"), blank=True)
    user = models.OneToOneField(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee",
        verbose_name=_("Benutzerkonto"),
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="employees",
        verbose_name=_("Organisationseinheit"),
    )
    working_time_share = models.DecimalField(
        _("Beschäftigungsumfang"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.05")), MaxValueValidator(Decimal("1.00"))],
    )
    job_role = models.CharField(
        _("Funktion"), max_length=20, choices=JobRole.choices, default=JobRole.GENERAL
    )
    equipment_need = models.CharField(
        _("Ausstattungsbedarf"),
        max_length=20,
        choices=Equipment.choices,
        default=Equipment.FULL_KIT,
    )
    qualifications = models.ManyToManyField(
        Qualification, blank=True, related_name="employees", verbose_name=_("Qualifikationen")
    )
    home_room = models.ForeignKey(
        Room,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Stammraum"),
    )
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Beschäftigte Person")
        verbose_name_plural = _("Beschäftigte")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "personnel_number"], name="employee_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class KitPool(TenantModel):
    """Home-office workstations (kits) lent to staff; stock changes on given dates."""

    name = models.CharField(_("Name"), max_length=200)

    class Meta:
        verbose_name = _("Homeoffice-Ausstattungspool")
        verbose_name_plural = _("Homeoffice-Ausstattungspools")

    def __str__(self) -> str:
        return self.name

    def stock_on(self, day: date) -> int:
        total = self.changes.filter(valid_from__lte=day).aggregate(n=Sum("delta"))["n"]
        return int(total or 0)


class KitStockChange(models.Model):
    pool = models.ForeignKey(
        KitPool, on_delete=models.CASCADE, related_name="changes", verbose_name=_("Pool")
    )
    valid_from = models.DateField(_("gültig ab"))
    delta = models.IntegerField(
        _("Veränderung"), help_text=_("z. B. +60 zu Beginn, +20 bei Lieferung")
    )
    note = models.CharField(_("Notiz"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Bestandsänderung")
        verbose_name_plural = _("Bestandsänderungen")
        ordering = ["valid_from"]


class ApiToken(models.Model):
    """Bearer token for staff integrations; stored hashed."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("Benutzer")
    )
    name = models.CharField(_("Name"), max_length=100)
    token_hash = models.CharField(_("Prüfsumme"), max_length=64, unique=True)
    created = models.DateTimeField(_("ausgestellt"), auto_now_add=True)
    last_used = models.DateTimeField(_("zuletzt benutzt"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-Schlüssel")
        verbose_name_plural = _("API-Schlüssel")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def new_secret() -> str:
        return secrets.token_urlsafe(32)


class AuditEntry(models.Model):
    """Who changed what, when. Personal fields are recorded as changed, not with their values."""

    class Action(models.TextChoices):
        CREATE = "create", _("angelegt")
        UPDATE = "update", _("geändert")
        DELETE = "delete", _("gelöscht")
        ACTION = "action", _("Aktion")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("Kommune"),
    )
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Person"),
    )
    at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True, db_index=True)
    action = models.CharField(_("Aktion"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("Objektart"), max_length=100)
    object_id = models.CharField(_("Objekt-Nr."), max_length=64)
    summary = models.CharField(_("Zusammenfassung"), max_length=300, blank=True)
    changes = models.JSONField(_("Änderungen"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Änderungsprotokoll")
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]


class LegalTexts(TenantModel):
    """A municipality's legal pages: Impressum, privacy notice, accessibility statement.

    Empty texts fall back to the default texts (``rathaus.core.selectors.legal``); the
    feedback contact of the accessibility statement is required by § 7 BITV 2.0.
    """

    imprint = models.TextField(_("Impressum"), blank=True, max_length=20000)
    privacy = models.TextField(_("Datenschutzerklärung"), blank=True, max_length=20000)
    accessibility = models.TextField(
        _("Erklärung zur Barrierefreiheit"), blank=True, max_length=20000
    )
    feedback_email = models.EmailField(_("E-Mail für Rückmeldungen zur Barrierefreiheit"))
    feedback_phone = models.CharField(
        _("Telefon für Rückmeldungen zur Barrierefreiheit"), max_length=40, blank=True
    )
    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Rechtliche Angaben")
        verbose_name_plural = _("Rechtliche Angaben")
        constraints = [
            models.UniqueConstraint(fields=["municipality"], name="legaltexts_one_per_town")
        ]

    def __str__(self) -> str:
        return str(_("Rechtliche Angaben"))
