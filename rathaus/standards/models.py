"""Regional service standards: promises, memberships, measured daily figures, publications.

Promises belong to the region (they are agreed by it); everything measured belongs to a
municipality (:class:`DailyFigure`, :class:`LeadTimeSnapshot`, :class:`PromiseMembership`,
:class:`MunicipalityProfile`). Publications are the region's public open data.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import Location, Region, TenantModel, User

leika_validator = RegexValidator(r"^\d{14}$", _("Der LeiKa-Schlüssel hat genau 14 Ziffern."))


class Metric(models.TextChoices):
    APPOINTMENT_WITHIN = (
        "appointment_within_days",
        _("Termin innerhalb von N Arbeitstagen (Anteil der Buchungen)"),
    )
    LEAD_TIME = "lead_time_days", _("Nächster freier Termin in höchstens N Arbeitstagen (Tage)")
    COUNTER_WAIT = "counter_wait_minutes", _("Wartezeit vor Ort höchstens N Minuten (Anteil)")
    NO_SHOW = "no_show_rate", _("Nichterscheinen (Anteil, höchstens)")
    CALLS_30S = "calls_within_30s", _("115: Anrufe innerhalb von 30 Sekunden angenommen")
    FIRST_CONTACT = "first_contact_resolution", _("Erledigung beim ersten Kontakt")
    PROCESSING = "processing_days", _("Bearbeitungszeit von Anträgen höchstens N Tage")


# Metrics measured automatically from the appointments data; the others come from imports.
MEASURED = (Metric.APPOINTMENT_WITHIN, Metric.LEAD_TIME, Metric.COUNTER_WAIT, Metric.NO_SHOW)
# Metrics where a lower share is better.
LOWER_IS_BETTER = (Metric.NO_SHOW,)
# Unit of the threshold N per metric (shown next to the field and in the open data).
THRESHOLD_UNIT = {
    Metric.APPOINTMENT_WITHIN: "working_days",
    Metric.LEAD_TIME: "working_days",
    Metric.COUNTER_WAIT: "minutes",
    Metric.NO_SHOW: "",
    Metric.CALLS_30S: "seconds",
    Metric.FIRST_CONTACT: "",
    Metric.PROCESSING: "days",
}


class Promise(models.Model):
    """A service promise agreed by the region (Leistungsversprechen)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="promises")
    code = models.SlugField(
        _("Kennung"), max_length=60, help_text=_("stabil, erscheint in den offenen Daten")
    )
    title = models.CharField(_("Bezeichnung"), max_length=200)
    leika_key = models.CharField(
        _("LeiKa-Schlüssel"),
        max_length=14,
        blank=True,
        validators=[leika_validator],
        help_text=_("14 Ziffern; leer = alle Leistungen"),
    )
    metric = models.CharField(_("Kennzahl"), max_length=40, choices=Metric.choices)
    threshold = models.PositiveSmallIntegerField(
        _("Schwelle N"),
        default=0,
        validators=[MaxValueValidator(365)],
        help_text=_("Arbeitstage, Minuten oder Tage je nach Kennzahl; 0 bei Quoten"),
    )
    target_percent = models.DecimalField(
        _("Zielwert (Prozent)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("z. B. 80 = mindestens 80 % (bei Nichterscheinen: höchstens)"),
    )
    min_cases = models.PositiveIntegerField(
        _("Mindestfallzahl je Monat"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("darunter kein Urteil („zu wenige Daten“)"),
    )
    definition = models.TextField(_("Definition (Messvorschrift)"))
    version = models.PositiveIntegerField(_("Version der Definition"), default=1)
    agreed_by = models.CharField(_("Vereinbart durch"), max_length=200)
    agreed_on = models.DateField(_("Vereinbart am"))
    active = models.BooleanField(_("gilt"), default=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Leistungsversprechen")
        verbose_name_plural = _("Leistungsversprechen")
        ordering = ["region_id", "title"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="standards_promise_code_uq")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def target_share(self) -> float:
        return float(self.target_percent) / 100

    @property
    def lower_is_better(self) -> bool:
        return self.metric in LOWER_IS_BETTER

    @property
    def measured(self) -> bool:
        return self.metric in MEASURED


class PromiseMembership(TenantModel):
    """A municipality has joined a promise (recorded: who, when)."""

    promise = models.ForeignKey(
        Promise,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("Leistungsversprechen"),
    )
    joined_on = models.DateField(_("beigetreten am"))
    recorded_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Erfasst von"),
    )
    note = models.CharField(_("Bemerkung"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Beitritt zu einem Leistungsversprechen")
        verbose_name_plural = _("Beitritte zu Leistungsversprechen")
        constraints = [
            models.UniqueConstraint(
                fields=["promise", "municipality"], name="standards_membership_uq"
            )
        ]


class MunicipalityProfile(TenantModel):
    """What the fair comparison needs to know about a municipality (its size class)."""

    population = models.PositiveIntegerField(_("Einwohnerzahl"), default=0)
    population_date = models.DateField(_("Stand der Einwohnerzahl"), null=True, blank=True)
    case_mix_note = models.CharField(
        _("Hinweis zur Fallstruktur"),
        max_length=300,
        blank=True,
        help_text=_("z. B. Hochschulstandort: viele Ummeldungen im Oktober"),
    )

    class Meta:
        verbose_name = _("Vergleichsprofil der Kommune")
        verbose_name_plural = _("Vergleichsprofile der Kommunen")
        constraints = [
            models.UniqueConstraint(fields=["municipality"], name="standards_profile_uq")
        ]


class RegionSettings(models.Model):
    """What the region agreed about showing the comparison."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="+")
    named_comparison = models.BooleanField(
        _("Kommunen im Vergleich namentlich zeigen"),
        default=False,
        help_text=_("sonst sehen Kommunen und Öffentlichkeit die anderen nur anonymisiert"),
    )

    class Meta:
        verbose_name = _("Vergleichsregeln der Region")
        verbose_name_plural = _("Vergleichsregeln der Regionen")


class DailyFigure(TenantModel):
    """Cases and successes of one promise at one location on one day.

    ``successes`` counts the events the promise is about (appointment within N working days,
    waited at most N minutes, no-show, lead-time snapshot within N working days); the share
    is successes / cases. Municipality and month figures are sums of these rows.
    """

    class Source(models.TextChoices):
        MEASURED = "measured", _("gemessen")
        IMPORTED = "imported", _("importiert")
        MANUAL = "manual", _("von Hand erfasst, bestätigt")

    promise = models.ForeignKey(
        Promise,
        on_delete=models.CASCADE,
        related_name="figures",
        verbose_name=_("Leistungsversprechen"),
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("leer: Wert der ganzen Kommune (z. B. 115-Servicecenter)"),
        verbose_name=_("Standort"),
    )
    day = models.DateField(_("Tag"))
    cases = models.PositiveIntegerField(_("Fälle"))
    successes = models.PositiveIntegerField(_("Treffer"))
    definition_version = models.PositiveIntegerField(_("Version der Definition"))
    source = models.CharField(
        _("Quelle"), max_length=10, choices=Source.choices, default=Source.MEASURED
    )
    computed_at = models.DateTimeField(_("berechnet"))

    class Meta:
        verbose_name = _("Tageswert")
        verbose_name_plural = _("Tageswerte")
        ordering = ["day", "municipality_id", "location_id"]
        indexes = [models.Index(fields=["promise", "day"])]
        constraints = [
            models.UniqueConstraint(
                fields=["promise", "location", "day"],
                condition=models.Q(location__isnull=False),
                name="standards_figure_uq",
            ),
            models.UniqueConstraint(
                fields=["promise", "municipality", "day"],
                condition=models.Q(location__isnull=True),
                name="standards_figure_town_uq",
            ),
            models.CheckConstraint(
                condition=models.Q(successes__lte=models.F("cases")),
                name="standards_figure_successes_le_cases",
            ),
        ]


class LeadTimeSnapshot(TenantModel):
    """Working days to the earliest free slot of a service at a location, taken once a day."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    leika_key = models.CharField(max_length=14)
    day = models.DateField(_("Tag"))
    working_days = models.PositiveSmallIntegerField(
        _("Arbeitstage bis zum nächsten freien Termin"),
        null=True,
        blank=True,
        help_text=_("leer: kein freier Termin im Buchungszeitraum"),
    )
    taken_at = models.DateTimeField()
    estimated = models.BooleanField(
        _("aus Buchungen nachgetragen"),
        default=False,
        help_text=_(
            "Tage vor der ersten Messung: kürzester Vorlauf der an diesem Tag gebuchten Termine"
        ),
    )

    class Meta:
        verbose_name = _("Vorlaufzeit-Messung")
        verbose_name_plural = _("Vorlaufzeit-Messungen")
        constraints = [
            models.UniqueConstraint(
                fields=["location", "leika_key", "day"], name="standards_snapshot_uq"
            )
        ]


class Publication(models.Model):
    """The region's daily open-data file (long CSV), built by the beat job."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("Stand"))
    created = models.DateTimeField()
    rows = models.PositiveIntegerField(default=0)
    csv = models.TextField()

    class Meta:
        verbose_name = _("Veröffentlichung")
        verbose_name_plural = _("Veröffentlichungen")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["region", "day"], name="standards_publication_uq")
        ]


class ManualEntry(TenantModel):
    """A figure entered by hand (or uploaded by a person) that counts only once a second
    person of the same municipality has confirmed it (four eyes).

    Until then it is no :class:`DailyFigure`: nothing reads pending entries except the
    confirmation list. Confirming writes the figure (``source`` manual or imported).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("wartet auf Bestätigung")
        CONFIRMED = "confirmed", _("bestätigt")
        REJECTED = "rejected", _("verworfen")

    class Origin(models.TextChoices):
        FORM = "form", _("Eingabe")
        API = "api", _("Schnittstelle")
        IMPORT = "import", _("Datei-Import")

    promise = models.ForeignKey(
        Promise,
        on_delete=models.CASCADE,
        related_name="manual_entries",
        verbose_name=_("Leistungsversprechen"),
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Standort"),
    )
    day = models.DateField(_("Tag"))
    cases = models.PositiveIntegerField(_("Fälle"))
    successes = models.PositiveIntegerField(_("Treffer"))
    definition_version = models.PositiveIntegerField(_("Version der Definition"))
    note = models.CharField(_("Quelle / Bemerkung"), max_length=300, blank=True)
    origin = models.CharField(
        _("Herkunft"), max_length=10, choices=Origin.choices, default=Origin.FORM
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    entered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("Eingegeben von")
    )
    entered_at = models.DateTimeField(_("Eingegeben am"))
    decided_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Entschieden von"),
    )
    decided_at = models.DateTimeField(_("Entschieden am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Werteingabe (Vier-Augen-Prinzip)")
        verbose_name_plural = _("Werteingaben (Vier-Augen-Prinzip)")
        ordering = ["-entered_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(successes__lte=models.F("cases")),
                name="standards_entry_successes_le_cases",
            ),
            # the database refuses a confirmation by the person who entered the figure
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("entered_by"), status="confirmed"),
                name="standards_entry_four_eyes",
            ),
        ]
