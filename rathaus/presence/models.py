"""Hybrid-work and shift planning: periods with rules as data, wishes, absences, plans, jobs."""

from __future__ import annotations

import math
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import (
    Employee,
    KitPool,
    Location,
    OrgUnit,
    Qualification,
    Room,
    TenantModel,
    created_by_field,
)

WEEKDAY_CHOICES = [
    (0, _("Montag")),
    (1, _("Dienstag")),
    (2, _("Mittwoch")),
    (3, _("Donnerstag")),
    (4, _("Freitag")),
    (5, _("Samstag")),
    (6, _("Sonntag")),
]


class PlanQuality:
    """How good a computed plan is known to be, from its penalty points (`objective`) and the
    engine's proven lower bound (`bound`: no valid plan has fewer points)."""

    objective: int | None
    bound: int | None

    @property
    def proven_optimal(self) -> bool:
        return (
            self.objective is not None and self.bound is not None and self.bound >= self.objective
        )

    @property
    def gap_percent(self) -> float | None:
        """(objective − bound) / objective in per cent, rounded up to one decimal (never
        smaller than the true gap); None without both figures, 0 when proven optimal."""
        if self.objective is None or self.bound is None:
            return None
        if self.proven_optimal or self.objective <= 0:
            return 0.0
        return math.ceil(1000 * (self.objective - self.bound) / self.objective) / 10


class PlanningPeriod(PlanQuality, TenantModel):
    """A planning horizon for one or several org units, with its rules as data."""

    class Mode(models.TextChoices):
        NORMAL = "normal", _("Normalbetrieb (volle Raumkapazität)")
        PANDEMIC = "pandemic", _("Pandemiebetrieb (Pandemie-Kapazität, z. B. Einzelbelegung)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        SOLVING = "solving", _("wird berechnet")
        SOLVED = "solved", _("berechnet")
        INFEASIBLE = "infeasible", _("nicht lösbar")
        PUBLISHED = "published", _("veröffentlicht")

    class Separation(models.TextChoices):
        DAY = "day", _("nie am selben Tag vor Ort")
        SHIFT = "shift", _("nie in derselben Schicht vor Ort")

    name = models.CharField(_("Bezeichnung"), max_length=200)
    org_units = models.ManyToManyField(
        OrgUnit, related_name="planning_periods", verbose_name=_("Organisationseinheiten")
    )
    start = models.DateField(_("Beginn"))
    weeks = models.PositiveSmallIntegerField(
        _("Dauer in Wochen"), default=4, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    mode = models.CharField(
        _("Raumkapazität"), max_length=10, choices=Mode.choices, default="normal"
    )
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    min_onsite_per_week = models.PositiveSmallIntegerField(
        _("Mindestens Tage vor Ort je Woche"), default=2, validators=[MaxValueValidator(7)]
    )
    max_onsite_per_week = models.PositiveSmallIntegerField(
        _("Höchstens Tage vor Ort je Woche"), default=5, validators=[MaxValueValidator(7)]
    )
    cohort_separation = models.CharField(
        _("Schichtteams trennen"), max_length=10, choices=Separation.choices, default="day"
    )
    min_rest_hours = models.PositiveSmallIntegerField(
        _("Ruhezeit zwischen zwei Schichten (Stunden)"),
        default=11,
        validators=[MaxValueValidator(24)],
    )
    max_consecutive_working_days = models.PositiveSmallIntegerField(
        _("Höchstens Arbeitstage in Folge"), null=True, blank=True
    )
    max_consecutive_onsite_days = models.PositiveSmallIntegerField(
        _("Höchstens Tage in Folge vor Ort"), null=True, blank=True
    )
    weight_fairness = models.PositiveSmallIntegerField(
        _("Gewicht: faire Verteilung des Homeoffice"), default=10
    )
    weight_wishes = models.PositiveSmallIntegerField(_("Gewicht: Wünsche"), default=1)
    weight_team_days = models.PositiveSmallIntegerField(_("Gewicht: Teamtage"), default=2)
    weight_stability = models.PositiveSmallIntegerField(
        _("Gewicht: Stabilität bei Neuplanung"), default=5
    )
    time_limit_seconds = models.PositiveSmallIntegerField(
        _("Rechenzeit höchstens (Sekunden)"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    kit_pool = models.ForeignKey(
        KitPool,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Homeoffice-Ausstattungspool"),
    )
    explanation = models.JSONField(_("Erläuterung"), default=list, blank=True)
    objective = models.IntegerField(_("Zielfunktionswert"), null=True, blank=True)
    bound = models.IntegerField(_("Schranke des Lösers"), null=True, blank=True)
    penalties = models.JSONField(_("Strafpunkte"), default=dict, blank=True)
    created_by = created_by_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Planungszeitraum")
        verbose_name_plural = _("Planungszeiträume")
        ordering = ["-start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_onsite_per_week__lte=models.F("max_onsite_per_week")),
                name="presence_period_min_le_max",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def end(self) -> date:
        return self.start + timedelta(days=7 * self.weeks - 1)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(7 * self.weeks)]


class EmployeeRule(TenantModel):
    """Per-employee override of the weekly on-site bounds."""

    period = models.ForeignKey(PlanningPeriod, on_delete=models.CASCADE, related_name="overrides")
    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="+", verbose_name=_("Person")
    )
    min_onsite_per_week = models.PositiveSmallIntegerField(
        _("Mindestens Tage vor Ort je Woche"), null=True, blank=True
    )
    max_onsite_per_week = models.PositiveSmallIntegerField(
        _("Höchstens Tage vor Ort je Woche"), null=True, blank=True
    )
    note = models.CharField(_("Begründung (intern)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Ausnahme je Person")
        constraints = [
            models.UniqueConstraint(fields=["period", "employee"], name="presence_override_once")
        ]


class ShiftType(TenantModel):
    period = models.ForeignKey(PlanningPeriod, on_delete=models.CASCADE, related_name="shift_types")
    code = models.CharField(_("Kürzel"), max_length=4, help_text=_("z. B. F für Frühschicht"))
    name = models.CharField(_("Bezeichnung"), max_length=100)
    start_time = models.TimeField(_("Beginn"))
    end_time = models.TimeField(_("Ende"))
    location = models.ForeignKey(
        Location, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("Standort")
    )

    class Meta:
        verbose_name = _("Schichtart")
        verbose_name_plural = _("Schichtarten")
        ordering = ["start_time"]
        constraints = [
            models.UniqueConstraint(fields=["period", "code"], name="presence_shift_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_time:%H:%M}–{self.end_time:%H:%M})"


class CoverageRequirement(TenantModel):
    """At least `required` people (with a qualification, if given) in a shift on a weekday."""

    period = models.ForeignKey(PlanningPeriod, on_delete=models.CASCADE, related_name="coverage")
    shift_type = models.ForeignKey(
        ShiftType, on_delete=models.CASCADE, related_name="coverage", verbose_name=_("Schicht")
    )
    weekday = models.PositiveSmallIntegerField(_("Wochentag"), choices=WEEKDAY_CHOICES)
    required = models.PositiveSmallIntegerField(
        _("Mindestbesetzung"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    qualification = models.ForeignKey(
        Qualification,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("Qualifikation"),
    )

    class Meta:
        verbose_name = _("Besetzungsvorgabe")
        ordering = ["weekday", "shift_type__start_time"]


class Cohort(TenantModel):
    """A shift team (Schichtteam): members of different cohorts never meet on site."""

    period = models.ForeignKey(PlanningPeriod, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(_("Bezeichnung"), max_length=100)
    members = models.ManyToManyField(Employee, related_name="+", verbose_name=_("Mitglieder"))

    class Meta:
        verbose_name = _("Schichtteam")
        verbose_name_plural = _("Schichtteams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamDay(TenantModel):
    """The org unit should be on site together on a weekday (soft rule)."""

    period = models.ForeignKey(PlanningPeriod, on_delete=models.CASCADE, related_name="team_days")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, verbose_name=_("Team"))
    weekday = models.PositiveSmallIntegerField(_("Wochentag"), choices=WEEKDAY_CHOICES)
    weight = models.PositiveSmallIntegerField(
        _("Gewicht"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )

    class Meta:
        verbose_name = _("Teamtag")
        verbose_name_plural = _("Teamtage")


class Absence(TenantModel):
    class Kind(models.TextChoices):
        LEAVE = "leave", _("Urlaub")
        SICK = "sick", _("Krankheit")
        QUARANTINE = "quarantine", _("Quarantäne")
        OTHER = "other", _("Sonstige Abwesenheit")
        SECONDED = "seconded", _("abgeordnet")

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="absences", verbose_name=_("Person")
    )
    start = models.DateField(_("von"))
    end = models.DateField(_("bis"))
    kind = models.CharField(_("Art"), max_length=12, choices=Kind.choices, default=Kind.LEAVE)
    note = models.CharField(_("Notiz"), max_length=200, blank=True)
    created_by = created_by_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Abwesenheit")
        verbose_name_plural = _("Abwesenheiten")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lte=models.F("end")), name="absence_order")
        ]


class Wish(TenantModel):
    class Kind(models.TextChoices):
        PREFER_HOME = "prefer_home", _("lieber Homeoffice")
        PREFER_OFFICE = "prefer_office", _("lieber im Büro")
        NO_OFFICE = "no_office", _("an diesem Tag nicht ins Büro")

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="wishes", verbose_name=_("Person")
    )
    day = models.DateField(_("Tag"))
    kind = models.CharField(_("Wunsch"), max_length=16, choices=Kind.choices)
    note = models.CharField(_("Notiz"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Wunsch")
        verbose_name_plural = _("Wünsche")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "day"], name="presence_wish_once_per_day")
        ]


class Activity(models.TextChoices):
    OFFICE = "office", _("Büro")
    HOME = "home", _("Homeoffice")
    SHIFT = "shift", _("Schicht")
    ABSENT = "absent", _("abwesend")
    OFF = "off", _("frei")


class PlanAssignment(TenantModel):
    period = models.ForeignKey(PlanningPeriod, on_delete=models.CASCADE, related_name="assignments")
    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="+", verbose_name=_("Person")
    )
    day = models.DateField(_("Tag"))
    activity = models.CharField(_("Tätigkeit"), max_length=8, choices=Activity.choices)
    room = models.ForeignKey(
        Room,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Raum"),
    )
    shift_type = models.ForeignKey(
        ShiftType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Schicht"),
    )

    class Meta:
        verbose_name = _("Planeintrag")
        verbose_name_plural = _("Planeinträge")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "employee", "day"], name="presence_one_entry_per_day"
            )
        ]
        indexes = [models.Index(fields=["municipality", "day"])]


class SolverJob(PlanQuality, TenantModel):
    class Kind(models.TextChoices):
        SOLVE = "solve", _("Plan berechnen")
        REPLAN = "replan", _("ab Datum neu planen")
        SPACE = "space", _("Flächenbedarf berechnen")

    class Status(models.TextChoices):
        QUEUED = "queued", _("wartet")
        RUNNING = "running", _("läuft")
        DONE = "done", _("fertig")
        FAILED = "failed", _("fehlgeschlagen")
        CANCELLED = "cancelled", _("abgebrochen")

    period = models.ForeignKey(
        PlanningPeriod,
        on_delete=models.CASCADE,
        related_name="jobs",
        verbose_name=_("Planungszeitraum"),
    )
    kind = models.CharField(_("Art"), max_length=8, choices=Kind.choices, default=Kind.SOLVE)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("Fortschritt (%)"), default=0)
    message = models.TextField(_("Meldung"), blank=True)
    cancel_requested = models.BooleanField(_("Abbruch angefordert"), default=False)
    replan_from = models.DateField(_("Neu planen ab"), null=True, blank=True)
    params = models.JSONField(_("Parameter"), default=dict, blank=True)
    result = models.JSONField(_("Ergebnis"), default=dict, blank=True)
    objective = models.IntegerField(_("Zielfunktionswert"), null=True, blank=True)
    bound = models.IntegerField(_("Schranke des Lösers"), null=True, blank=True)
    changed_cells = models.IntegerField(_("Geänderte Zellen"), null=True, blank=True)
    created_by = created_by_field()
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)
    started_at = models.DateTimeField(_("Gestartet am"), null=True, blank=True)
    # Written by the running job with its progress and every few seconds while it waits on
    # the solver: a job whose heartbeat stops is failed by `jobs_fail_stale`.
    heartbeat_at = models.DateTimeField(_("Letztes Lebenszeichen"), null=True, blank=True)
    finished_at = models.DateTimeField(_("Beendet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Rechenauftrag")
        verbose_name_plural = _("Rechenaufträge")
        ordering = ["-created_at"]
        # The stale check (beat, every minute) looks for queued and running jobs only.
        indexes = [models.Index(fields=["status"], name="presence_job_status")]

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def offers_rerun(self) -> bool:
        """Cut short (cancelled, failed, worker lost, time ran out): the page offers to run
        the job again."""
        return self.status in (self.Status.FAILED, self.Status.CANCELLED) or (
            self.status == self.Status.DONE and self.result.get("stopped") == "time_limit"
        )


class PlanVersion(TenantModel):
    """A published state of a period's plan (history of publications)."""

    period = models.ForeignKey(PlanningPeriod, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assignments = models.JSONField(default=list)
    mails_sent = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("veröffentlichte Planversion")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["period", "number"], name="presence_version_unique")
        ]


class FairnessRecord(TenantModel):
    """Home and office days of an employee in a published period, carried into later plans."""

    period = models.ForeignKey(PlanningPeriod, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    period_end = models.DateField()
    home_days = models.PositiveIntegerField(default=0)
    office_days = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "employee"], name="presence_fairness_once")
        ]


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarToken(TenantModel):
    """Secret URL token of an employee's .ics feed."""

    employee = models.OneToOneField(Employee, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(auto_now_add=True)
