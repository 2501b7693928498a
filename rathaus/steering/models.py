"""Dialogic controlling: strategy tree, projects with status reports and budgets, indicators
with targets and early warning, steering cases that end in recorded decisions."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import OrgUnit, TenantModel


class Light(models.TextChoices):
    GREEN = "green", _("im Plan")
    AMBER = "amber", _("gefährdet")
    RED = "red", _("kritisch")


LIGHT_ORDER = {Light.GREEN: 0, Light.AMBER: 1, Light.RED: 2}


class StrategyPlan(TenantModel):
    """The strategy of one council term; a new term starts a new version of the tree."""

    title = models.CharField(_("Titel"), max_length=200)
    term_start = models.DateField(_("Wahlperiode von"))
    term_end = models.DateField(_("Wahlperiode bis"))
    vision = models.TextField(_("Leitbild"), blank=True)
    is_current = models.BooleanField(_("aktuell gültig"), default=True)

    class Meta:
        verbose_name = _("Strategie")
        verbose_name_plural = _("Strategien")
        ordering = ["-term_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "term_start"], name="strategy_term_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ActionField(TenantModel):
    plan = models.ForeignKey(
        StrategyPlan, on_delete=models.CASCADE, related_name="fields", verbose_name=_("Strategie")
    )
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    public = models.BooleanField(_("öffentlich"), default=True)

    class Meta:
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title


class Goal(TenantModel):
    action_field = models.ForeignKey(
        ActionField, on_delete=models.CASCADE, related_name="goals", verbose_name=_("Handlungsfeld")
    )
    title = models.CharField(_("Titel"), max_length=300)
    description = models.TextField(_("Beschreibung"), blank=True)
    sdgs = models.JSONField(
        _("SDG-Ziele"), default=list, blank=True, help_text=_("Nummern 1–17, z. B. [8, 9]")
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Ziel")
        verbose_name_plural = _("Ziele")
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title


class Programme(TenantModel):
    """Groups projects of several action fields under one banner (e.g. *Smart City*): the
    fields a programme spans are those of its projects."""

    plan = models.ForeignKey(
        StrategyPlan,
        on_delete=models.CASCADE,
        related_name="programmes",
        verbose_name=_("Strategie"),
    )
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    public = models.BooleanField(_("öffentlich"), default=True)

    class Meta:
        verbose_name = _("Programm")
        verbose_name_plural = _("Programme")
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title


class Project(TenantModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("geplant")
        RUNNING = "running", _("läuft")
        PAUSED = "paused", _("pausiert")
        DONE = "done", _("abgeschlossen")
        STOPPED = "stopped", _("gestoppt")

    class Kind(models.TextChoices):
        PROJECT = "project", _("Projekt")
        MEASURE = "measure", _("Maßnahme")

    action_field = models.ForeignKey(
        ActionField,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("Handlungsfeld"),
    )
    goal = models.ForeignKey(
        Goal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("Ziel"),
    )
    kind = models.CharField(_("Art"), max_length=10, choices=Kind.choices, default=Kind.PROJECT)
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("Programm"),
    )
    owner_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("verantwortlich")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Projektleitung"),
    )
    start = models.DateField(_("Beginn"))
    end = models.DateField(_("Ende"))
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="+", verbose_name=_("hängt ab von")
    )
    public = models.BooleanField(_("öffentlich"), default=False)
    budget_threshold = models.PositiveSmallIntegerField(
        _("Schwelle Budgetabweichung (%)"), default=10
    )

    class Meta:
        verbose_name = _("Projekt")
        verbose_name_plural = _("Projekte")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Milestone(TenantModel):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("Projekt")
    )
    title = models.CharField(_("Titel"), max_length=200)
    due = models.DateField(_("fällig am"))
    done_on = models.DateField(_("erreicht am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Meilenstein")
        verbose_name_plural = _("Meilensteine")
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.title


class StatusReport(TenantModel):
    """One report per project and reporting period; every report is kept."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    period = models.DateField(_("Berichtszeitraum"), help_text=_("erster Tag des Monats"))
    submitted_at = models.DateTimeField(_("abgegeben am"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    time = models.CharField(pgettext_lazy("Ampel", "Termine"), max_length=5, choices=Light.choices)
    budget = models.CharField(_("Budget"), max_length=5, choices=Light.choices)
    scope = models.CharField(_("Umfang"), max_length=5, choices=Light.choices)
    risk = models.CharField(_("Risiko"), max_length=5, choices=Light.choices)
    computed = models.JSONField(
        _("berechnete Ampeln"), default=dict, blank=True, help_text=_("{time, budget}")
    )
    override_reason = models.CharField(_("Begründung der Abweichung"), max_length=500, blank=True)
    summary = models.TextField(_("Sachstand"))
    next_steps = models.TextField(_("Nächste Schritte"), blank=True)

    class Meta:
        verbose_name = _("Statusbericht")
        verbose_name_plural = _("Statusberichte")
        ordering = ["-period", "-submitted_at"]

    @property
    def overall(self) -> str:
        return max((self.time, self.budget, self.scope, self.risk), key=LIGHT_ORDER.__getitem__)


class BudgetLine(TenantModel):
    class Source(models.TextChoices):
        OWN = "own", _("Eigenmittel")
        GRANT = "grant", _("Fördermittel")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("Projekt")
    )
    year = models.PositiveSmallIntegerField(_("Jahr"))
    product = models.CharField(_("Produkt"), max_length=40, blank=True)
    cost_centre = models.CharField(_("Kostenstelle"), max_length=40, blank=True)
    source = models.CharField(_("Finanzierung"), max_length=10, choices=Source.choices)
    grant_deadline = models.DateField(_("Frist Fördermittel"), null=True, blank=True)
    planned = models.DecimalField(_("Plan"), max_digits=14, decimal_places=2, default=0)
    committed = models.DecimalField(_("gebunden"), max_digits=14, decimal_places=2, default=0)
    actual = models.DecimalField(_("Ist"), max_digits=14, decimal_places=2, default=0)
    forecast = models.DecimalField(
        _("Prognose bei Abschluss"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("Budgetposition")
        verbose_name_plural = _("Budgetpositionen")
        ordering = ["year", "product"]


class Indicator(TenantModel):
    class Polarity(models.TextChoices):
        UP = "up", _("mehr ist besser")
        DOWN = "down", _("weniger ist besser")
        NEUTRAL = "neutral", _("neutral")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("monatlich")
        QUARTERLY = "quarterly", _("vierteljährlich")
        YEARLY = "yearly", _("jährlich")

    name = models.CharField(_("Bezeichnung"), max_length=200)
    unit = models.CharField(_("Einheit"), max_length=40)
    source = models.CharField(_("Quelle"), max_length=200, blank=True)
    definition = models.TextField(_("Definition"), blank=True)
    polarity = models.CharField(_("Richtung"), max_length=10, choices=Polarity.choices)
    area = models.CharField(_("Gebiet"), max_length=100, default="Gesamtstadt")
    frequency = models.CharField(
        _("Periodizität"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    goal = models.ForeignKey(
        Goal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("Ziel"),
    )
    action_field = models.ForeignKey(
        ActionField,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("Handlungsfeld"),
    )
    proxy_for = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proxies",
        verbose_name=_("Frühindikator für"),
    )
    responsible_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("zuständig")
    )
    sharp_change = models.PositiveSmallIntegerField(
        _("Warnschwelle Veränderung in drei Monaten (%)"), default=25
    )
    public = models.BooleanField(_("öffentlich"), default=False)
    analysis = models.JSONField(_("letzte Analyse"), default=dict, blank=True)
    status = models.CharField(_("Lage"), max_length=5, choices=Light.choices, default=Light.GREEN)

    class Meta:
        verbose_name = _("Kennzahl")
        verbose_name_plural = _("Kennzahlen")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.area})"


class IndicatorValue(TenantModel):
    """A value at its reference date; a revision is a new version, never a duplicate."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    ref_date = models.DateField(_("Stichtag"))
    version = models.PositiveSmallIntegerField(_("Version"), default=1)
    value = models.FloatField(_("Wert"))
    published_on = models.DateField(_("veröffentlicht am"))
    provisional = models.BooleanField(_("vorläufig"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed = models.BooleanField(_("bestätigt (vier Augen)"), default=True)

    class Meta:
        verbose_name = _("Kennzahlwert")
        verbose_name_plural = _("Kennzahlwerte")
        ordering = ["ref_date", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "ref_date", "version"], name="indicator_value_version_unique"
            )
        ]
        indexes = [models.Index(fields=["indicator", "ref_date"])]


class IndicatorTarget(TenantModel):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("Kennzahl")
    )
    year = models.PositiveSmallIntegerField(_("Jahr"))
    target = models.FloatField(_("Zielwert"), null=True, blank=True)
    lower = models.FloatField(_("Toleranz unten"), null=True, blank=True)
    upper = models.FloatField(_("Toleranz oben"), null=True, blank=True)

    class Meta:
        verbose_name = _("Zielwert")
        verbose_name_plural = _("Zielwerte")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="indicator_target_unique")
        ]


class SteeringCase(TenantModel):
    """A deviation put up for discussion; it closes only with a recorded decision."""

    class Kind(models.TextChoices):
        INDICATOR = "indicator", _("Kennzahl außerhalb des Korridors")
        PROJECT = "project", _("Projekt kritisch")
        BUDGET = "budget", _("Budgetabweichung")
        REPORT = "report", _("Statusbericht fehlt")

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        DECIDED = "decided", _("entschieden")

    class Decision(models.TextChoices):
        KEEP = "keep", _("beibehalten")
        ADJUST = "adjust", _("anpassen")
        STOP = "stop", _("stoppen")
        BODY = "body", _("Beschluss eines Gremiums")

    kind = models.CharField(_("Anlass"), max_length=10, choices=Kind.choices)
    trigger = models.CharField(
        _("Auslöser"), max_length=120, help_text=_("Kennung, z. B. indicator:12:out_of_band")
    )
    title = models.CharField(_("Titel"), max_length=300)
    explanation = models.TextField(_("Erläuterung"), blank=True)
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("Kennzahl"),
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("Projekt"),
    )
    assigned_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("zuständig")
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("eröffnet am"))
    decision = models.CharField(
        _("Entscheidung"), max_length=10, choices=Decision.choices, blank=True
    )
    decision_reason = models.TextField(_("Begründung"), blank=True)
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Entschieden von"),
    )
    changes = models.JSONField(_("beschlossene Änderungen"), default=list, blank=True)

    class Meta:
        verbose_name = _("Steuerungsfall")
        verbose_name_plural = _("Steuerungsfälle")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "trigger"],
                condition=models.Q(status="open"),
                name="steering_case_one_open_per_trigger",
            )
        ]

    def __str__(self) -> str:
        return self.title


class CaseComment(TenantModel):
    case = models.ForeignKey(SteeringCase, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("Beitrag"))
    at = models.DateTimeField(_("am"))

    class Meta:
        verbose_name = _("Beitrag")
        verbose_name_plural = _("Beiträge")
        ordering = ["at", "pk"]


class BodyDecision(TenantModel):
    """A council body's decision on an agenda item that was proposed from a steering case.

    Written by ``services.cases.case_body_decision_record``, called by the meetings app when it
    records a decision; ``source_ref`` (``meetings.decision:<id>``) keeps a decision from being
    taken twice. Body, meeting and link are copied as text: the meetings app owns them.
    """

    case = models.ForeignKey(SteeringCase, on_delete=models.CASCADE, related_name="body_decisions")
    body = models.CharField(_("Gremium"), max_length=200)
    meeting_title = models.CharField(_("Sitzung"), max_length=200)
    meeting_date = models.DateField(_("Sitzungstag"))
    text = models.TextField(_("Beschluss"))
    result = models.CharField(_("Abstimmungsergebnis"), max_length=200, blank=True)
    url = models.CharField(_("Link zur Sitzung"), max_length=500, blank=True)
    source_ref = models.CharField(max_length=100)
    recorded_at = models.DateTimeField(_("erfasst am"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Beschluss eines Gremiums")
        verbose_name_plural = _("Beschlüsse der Gremien")
        ordering = ["meeting_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "source_ref"], name="steering_body_decision_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.body}, {self.meeting_date:%d.%m.%Y}"


class MilestoneRevision(TenantModel):
    """A versioned change of a milestone's due date, with the decision that made it."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="revisions")
    case = models.ForeignKey(
        SteeringCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    old_due = models.DateField(_("bisher fällig"))
    new_due = models.DateField(_("neu fällig"))
    reason = models.TextField(_("Begründung"))
    at = models.DateTimeField(_("am"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Meilensteinänderung")
        verbose_name_plural = _("Meilensteinänderungen")
        ordering = ["at", "pk"]


class SteeringSettings(TenantModel):
    """How often the municipality's projects report: monthly or quarterly (default monthly)."""

    class Rhythm(models.TextChoices):
        MONTHLY = "monthly", _("monatlich")
        QUARTERLY = "quarterly", _("vierteljährlich")

    reporting_period = models.CharField(
        _("Berichtsrhythmus der Statusberichte"),
        max_length=10,
        choices=Rhythm.choices,
        default=Rhythm.MONTHLY,
    )

    class Meta:
        verbose_name = _("Einstellungen Steuerung")
        verbose_name_plural = _("Einstellungen Steuerung")
        constraints = [
            models.UniqueConstraint(fields=["municipality"], name="steering_settings_unique")
        ]

    def __str__(self) -> str:
        return str(self.get_reporting_period_display())

    @classmethod
    def rhythms(cls, municipality_ids) -> dict[int, str]:
        """The reporting rhythm of each municipality (monthly where nothing is set)."""
        ids = list(municipality_ids)
        found = dict(
            cls.objects.filter(municipality_id__in=ids).values_list(
                "municipality_id", "reporting_period"
            )
        )
        return {i: found.get(i, cls.Rhythm.MONTHLY.value) for i in ids}

    @classmethod
    def rhythm_of(cls, municipality_id: int) -> str:
        return cls.rhythms([municipality_id])[municipality_id]


def period_name(period: date, rhythm: str) -> str:
    """A reporting period by name: ``11/2026`` or ``4. Quartal 2026``."""
    if rhythm == SteeringSettings.Rhythm.QUARTERLY:
        return gettext("%(q)d. Quartal %(y)d") % {
            "q": (period.month - 1) // 3 + 1,
            "y": period.year,
        }
    return f"{period.month:02d}/{period.year}"


class CockpitVersion(models.Model):
    """A number per municipality that every steering write raises in its own transaction.

    Rendered cockpits are cached under keys that contain it (``rathaus/steering/caching.py``):
    the number lives in the database, so every web process sees a change the moment it commits,
    whatever cache backend is configured."""

    municipality = models.OneToOneField(
        "core.Municipality", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    value = models.BigIntegerField()
