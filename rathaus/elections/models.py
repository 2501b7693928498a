"""Elections: ballots, candidates, polling districts, district results, corrections, lots.

Figures follow votemanager's columns (A1, A2, A3, A, B, B1, C, D, D1…Dn). ``None`` means
"not yet reported", which is different from 0. Writes go through ``services``.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import TenantModel

FIGURE_FIELDS = ("a1", "a2", "a3", "a", "b", "b1", "c", "d")
PARTYLESS = "parteilos"
# votemanager's columns as staff read them (the engine's titles are German only)
COLUMN_LABELS = {
    "A1": _("Wahlberechtigte ohne Wahlschein"),
    "A2": _("Wahlberechtigte mit Wahlschein"),
    "A3": _("Wahlberechtigte nicht im Wählerverzeichnis"),
    "A": _("Wahlberechtigte insgesamt"),
    "B": _("Wähler"),
    "B1": _("Wähler mit Wahlschein"),
    "C": _("ungültige Stimmen"),
    "D": _("gültige Stimmen"),
}


def initial_results_version() -> int:
    """A new election's cache version starts from the clock: an id used again (SQLite after a
    deletion) never meets renderings cached for the earlier row."""
    return time.time_ns() // 1000


class Election(TenantModel):
    class Kind(models.TextChoices):
        MAYOR = "mayor", _("Bürgermeisterwahl")
        DISTRICT_ADMINISTRATOR = "district_administrator", _("Landratswahl")
        COUNCIL = "council", _("Ratswahl")
        REFERENDUM = "referendum", _("Bürgerentscheid")

    class Status(models.TextChoices):
        PREPARATION = "preparation", _("Vorbereitung")
        COUNTING = "counting", _("Auszählung")
        FINAL = "final", _("Endgültiges Ergebnis")

    kind = models.CharField(_("Art"), max_length=30, choices=Kind.choices, default=Kind.MAYOR)
    title = models.CharField(_("Bezeichnung"), max_length=200)
    date = models.DateField(_("Wahltag"))
    status = models.CharField(
        _("Stand"), max_length=20, choices=Status.choices, default=Status.PREPARATION
    )
    previous_election = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Vergleichswahl"),
    )
    first_round = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="runoffs",
        verbose_name=_("Hauptwahl (bei Stichwahl)"),
    )
    quorum_percent = models.PositiveSmallIntegerField(
        _("Quorum beim Bürgerentscheid (%)"),
        choices=[(20, "20 % (bis 50.000 Einwohner)"), (15, "15 % (bis 100.000)"), (10, "10 %")],
        default=20,
        help_text=_("§ 26 Abs. 7 GO NRW; nur für Bürgerentscheide."),
    )
    internal_note = models.TextField(_("Interne Notiz"), blank=True)
    created = models.DateTimeField(auto_now_add=True)
    # Version of the cached public renderings, shared by every web process through the
    # database (see caching.py); bumped by each service that changes what the public sees.
    results_version = models.PositiveBigIntegerField(
        default=initial_results_version, editable=False
    )

    class Meta:
        verbose_name = _("Wahl")
        verbose_name_plural = _("Wahlen")
        ordering = ["-date", "title"]
        indexes = [models.Index(fields=["municipality", "date"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d.%m.%Y})"

    @property
    def is_runoff(self) -> bool:
        return self.first_round_id is not None

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.PREPARATION

    @property
    def uses_majority_rule(self) -> bool:
        """§ 46c KWahlG NRW applies to direct elections of mayors and district administrators."""
        return self.kind in (self.Kind.MAYOR, self.Kind.DISTRICT_ADMINISTRATOR)


class Candidate(TenantModel):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates")
    position = models.PositiveSmallIntegerField(_("Platz auf dem Stimmzettel"))
    name = models.CharField(_("Name"), max_length=200)
    party = models.CharField(
        _("Partei/Wählergruppe"), max_length=100, blank=True, help_text=_("leer = parteilos")
    )

    class Meta:
        verbose_name = _("Bewerber/in")
        verbose_name_plural = _("Bewerber/innen")
        ordering = ["election", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "position"], name="elections_candidate_position_unique"
            ),
            models.UniqueConstraint(
                fields=["election", "name"], name="elections_candidate_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.party_label})"

    @property
    def party_label(self) -> str:
        return self.party or PARTYLESS


class District(TenantModel):
    """A polling district (Wahlbezirk, ``urne``) or postal-vote district (``brief``)."""

    class Kind(models.TextChoices):
        POLLING = "urne", _("Wahlbezirk")
        POSTAL = "brief", _("Briefwahlbezirk")

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="districts", verbose_name=_("Wahl")
    )
    number = models.CharField(_("Nummer"), max_length=20)
    name = models.CharField(_("Name"), max_length=200)
    kind = models.CharField(_("Art"), max_length=10, choices=Kind.choices, default=Kind.POLLING)

    class Meta:
        verbose_name = _("Wahlbezirk")
        verbose_name_plural = _("Wahlbezirke")
        ordering = ["election", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "number"], name="elections_district_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} ({self.name})"


class Result(TenantModel):
    """The figures of one district; created empty with the district."""

    class State(models.TextChoices):
        EMPTY = "empty", _("nicht gemeldet")
        ENTERED = "entered", _("erfasst, Freigabe ausstehend")
        APPROVED = "approved", _("freigegeben")

    class Stage(models.TextChoices):
        QUICK = "quick", _("Schnellmeldung")
        FINAL = "final", _("Endgültiges Ergebnis")

    district = models.OneToOneField(District, on_delete=models.CASCADE, related_name="result")
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="results")
    a1 = models.IntegerField("A1", null=True, blank=True)
    a2 = models.IntegerField("A2", null=True, blank=True)
    a3 = models.IntegerField("A3", null=True, blank=True)
    a = models.IntegerField("A", null=True, blank=True)
    b = models.IntegerField("B", null=True, blank=True)
    b1 = models.IntegerField("B1", null=True, blank=True)
    c = models.IntegerField("C", null=True, blank=True)
    d = models.IntegerField("D", null=True, blank=True)
    votes = models.JSONField(_("Stimmen D1…Dn"), default=list, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.EMPTY)
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.QUICK)
    revision = models.PositiveIntegerField(default=0)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # the figures (and stage) as last approved: the approver of a correction sees what changed
    approved_figures = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("Ergebnis")
        verbose_name_plural = _("Ergebnisse")
        constraints = [
            models.CheckConstraint(
                condition=Q(a1__gte=0) & Q(a2__gte=0) & Q(a3__gte=0) & Q(a__gte=0),
                name="elections_result_eligible_nonneg",
            ),
            models.CheckConstraint(
                condition=Q(b__gte=0) & Q(b1__gte=0) & Q(c__gte=0) & Q(d__gte=0),
                name="elections_result_figures_nonneg",
            ),
        ]

    def __str__(self) -> str:
        return f"Ergebnis {self.district}"

    def figures(self) -> dict:
        return {
            **{f: getattr(self, f) for f in FIGURE_FIELDS},
            "votes": list(self.votes or []),
        }


class Correction(TenantModel):
    """A change of an approved result: who, when, old → new figures, why."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="corrections")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    reason = models.TextField(_("Begründung"))

    class Meta:
        verbose_name = _("Korrektur")
        verbose_name_plural = _("Korrekturen")
        ordering = ["-at", "-id"]


class LotDrawing(TenantModel):
    """A lot drawn by the election officer (§ 46c Abs. 3 Satz 4 and 6 KWahlG NRW)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="lots")
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    among = models.JSONField(_("Losteilnehmer"), default=list)
    places = models.PositiveSmallIntegerField(default=1)
    drawn = models.JSONField(_("Gezogen"), default=list)
    runoff_ballot = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("Losentscheid")
        verbose_name_plural = _("Losentscheide")
        ordering = ["-at", "-id"]
