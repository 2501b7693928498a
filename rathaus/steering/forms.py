"""Forms of the steering app (KERN widgets); the services check the rules again."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rathaus.core import uploads
from rathaus.core.forms import BoundedDateField, KernForm, apply_kern_classes
from rathaus.steering.models import BudgetLine, Light, Project, SteeringCase, SteeringSettings

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def no_control(value: str) -> str:
    if CONTROL.search(value or ""):
        raise forms.ValidationError(_("Der Text enthält unzulässige Steuerzeichen."))
    return value


class OneLine(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if value and ("\n" in value or "\r" in value):
            raise forms.ValidationError(_("Bitte nur eine Zeile eingeben."))
        return no_control(value)


class MultiLine(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value):
        return no_control(super().clean(value))


LIGHTS = [(v, label) for v, label in Light.choices]


class ReportForm(KernForm):
    """``periods``: (first day, name) of the periods one may report on, newest first — months
    or quarters, as the municipality reports."""

    period = forms.DateField(
        label=_("Berichtszeitraum"), widget=forms.Select, input_formats=["%Y-%m-%d", "%Y-%m"]
    )
    time = forms.ChoiceField(label=pgettext_lazy("Ampel", "Termine"), choices=LIGHTS)
    budget = forms.ChoiceField(label=_("Budget"), choices=LIGHTS)
    scope = forms.ChoiceField(label=_("Umfang"), choices=LIGHTS)
    risk = forms.ChoiceField(label=_("Risiko"), choices=LIGHTS)
    summary = MultiLine(label=_("Sachstand"), max_length=3000)
    next_steps = MultiLine(label=_("Nächste Schritte"), max_length=3000, required=False)
    override_reason = OneLine(
        label=_("Begründung, falls besser als berechnet"), max_length=500, required=False
    )

    def __init__(self, *args, periods, rhythm, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["period"]
        field.widget.choices = [(day.isoformat(), name) for day, name in periods]
        field.label = (
            _("Berichtsquartal")
            if rhythm == SteeringSettings.Rhythm.QUARTERLY
            else _("Berichtsmonat")
        )
        self.allowed = {day for day, _name in periods}

    def clean_period(self):
        day = self.cleaned_data["period"]
        if day not in self.allowed:
            raise forms.ValidationError(_("Bitte einen der angebotenen Berichtszeiträume wählen."))
        return day


class CommentForm(KernForm):
    text = MultiLine(label=_("Ihr Beitrag"), max_length=5000)


class DecisionForm(KernForm):
    decision = forms.ChoiceField(
        label=_("Entscheidung"),
        # A body's decision comes from the meetings app, never from this form.
        choices=[c for c in SteeringCase.Decision.choices if c[0] != SteeringCase.Decision.BODY],
        widget=forms.RadioSelect,
    )
    reason = MultiLine(label=_("Begründung"), max_length=5000)

    def __init__(self, *args, milestones=(), target=None, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestone_fields = []
        for milestone in milestones:
            name = f"milestone_{milestone.pk}"
            self.fields[name] = forms.DateField(
                label=_("Neuer Termin: %(t)s") % {"t": milestone.title},
                initial=milestone.due,
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
            self.milestone_fields.append((name, milestone))
        self.year = year
        if year is not None:
            for key, label in (
                ("target", _("Zielwert %(y)d")),
                ("lower", _("Toleranz unten %(y)d")),
                ("upper", _("Toleranz oben %(y)d")),
            ):
                self.fields[f"target_{key}"] = forms.FloatField(
                    label=label % {"y": year},
                    required=False,
                    initial=getattr(target, key, None),
                    widget=forms.NumberInput(attrs={"step": "any"}),
                )
        apply_kern_classes(self)

    def milestone_changes(self):
        changes = {}
        for name, milestone in self.milestone_fields:
            new_due = self.cleaned_data.get(name)
            if new_due and new_due != milestone.due:
                changes[milestone.pk] = new_due
        return changes

    def target_changes(self, current):
        if self.year is None:
            return {}
        new = tuple(self.cleaned_data.get(f"target_{k}") for k in ("target", "lower", "upper"))
        old = tuple(getattr(current, k, None) for k in ("target", "lower", "upper"))
        return {} if new == old else {self.year: new}


class ValueForm(KernForm):
    ref_date = forms.DateField(
        label=_("Monat"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    value = forms.FloatField(label=_("Wert"), widget=forms.NumberInput(attrs={"step": "any"}))
    provisional = forms.BooleanField(label=_("vorläufiger Wert"), required=False)


MAX_IMPORT = 20 * 1024 * 1024


class ImportForm(KernForm):
    file = forms.FileField(
        label=_("Datei (CSV)"),
        help_text=_("Spalten: datum; gebiet; kennzahl; wert; einheit – UTF-8 oder Windows-1252"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT:
            raise forms.ValidationError(_("Die Datei ist größer als 20 MB."))
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Bitte eine CSV-Datei (.csv) hochladen."))
        return upload


def _small_csv(upload):
    """A CSV upload of at most 1 MB, its size checked before anything is read."""
    try:
        uploads.check_size(upload.size, limit=1024 * 1024)
    except uploads.UploadRefused as exc:
        raise forms.ValidationError(str(exc)) from exc
    if not upload.name.lower().endswith((".csv", ".txt")):
        raise forms.ValidationError(_("Bitte eine CSV-Datei (.csv) hochladen."))
    return upload


class OpenSdgForm(KernForm):
    """One indicator's values in Open SDG's data format; ``indicators``: the acting user's."""

    indicator = forms.ModelChoiceField(label=_("Kennzahl"), queryset=None)
    file = forms.FileField(
        label=_("Datei (CSV im Open-SDG-Format)"),
        help_text=_("Erste Spalte Year, letzte Value; optional Units und GeoCode – bis 1 MB"),
    )

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators

    def clean_file(self):
        return _small_csv(self.cleaned_data["file"])


class BaImportForm(KernForm):
    """An Excel table of the Federal Employment Agency; per recognised kind of column the
    indicator it goes to (``kinds``: (key, label, preselected indicator)); ``indicators``: the
    acting user's municipality's."""

    file = forms.FileField(
        label=_("Datei (Excel-Tabelle der Statistik der Bundesagentur für Arbeit)"),
        help_text=_("Eine .xlsx-Datei, wie die Statistik der BA sie anbietet – bis 5 MB"),
    )
    sheet = OneLine(
        label=_("Blatt"),
        max_length=100,
        required=False,
        help_text=_("Leer: alle Blätter der Datei werden gelesen."),
    )

    def __init__(self, *args, indicators, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = [key for key, _label, _guess in kinds]
        for key, label, guess in kinds:
            self.fields[f"kind_{key}"] = forms.ModelChoiceField(
                label=label,
                queryset=indicators,
                required=False,
                initial=guess,
                empty_label=_("nicht übernehmen"),
            )
        apply_kern_classes(self)

    def mapping(self) -> dict:
        """The indicator chosen per kind of column (None: not imported); after validation."""
        return {key: self.cleaned_data.get(f"kind_{key}") for key in self.kinds}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            uploads.check_size(upload.size)  # before anything is read
        except uploads.UploadRefused as exc:
            raise forms.ValidationError(str(exc)) from exc
        if not upload.name.lower().endswith((".xlsx", ".xlsm")):
            raise forms.ValidationError(
                _(
                    "Bitte eine Excel-Datei (.xlsx) hochladen; eine ältere .xls-Datei bitte in "
                    "Excel als .xlsx speichern."
                )
            )
        return upload


class SdgImportForm(KernForm):
    file = forms.FileField(
        label=_("Datei (CSV des SDG-Portals oder des Wegweisers Kommune)"),
        help_text=_(
            "Eine Zeile je Indikator, eine Spalte je Jahr, getrennt durch Semikolon – bis 1 MB"
        ),
    )

    def clean_file(self):
        return _small_csv(self.cleaned_data["file"])


DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class ProjectForm(KernForm):
    """Choices are the acting user's municipality's rows (``selectors.editing.edit_choices``)."""

    title = OneLine(label=_("Titel"), max_length=200)
    kind = forms.ChoiceField(label=_("Art"), choices=Project.Kind.choices)
    description = MultiLine(label=_("Beschreibung"), max_length=5000, required=False)
    action_field = forms.ModelChoiceField(label=_("Handlungsfeld"), queryset=None)
    goal = forms.ModelChoiceField(label=_("Ziel"), queryset=None, required=False)
    programme = forms.ModelChoiceField(
        label=_("Programm"),
        queryset=None,
        required=False,
        help_text=_("Ein Programm bündelt Projekte mehrerer Handlungsfelder."),
    )
    owner_unit = forms.ModelChoiceField(label=_("verantwortliche Einheit"), queryset=None)
    owner = forms.ModelChoiceField(label=_("Projektleitung"), queryset=None, required=False)
    start = BoundedDateField(label=_("Beginn"), **DATE)
    end = BoundedDateField(label=_("Ende"), **DATE)
    status = forms.ChoiceField(label=_("Status"), choices=Project.Status.choices)
    public = forms.BooleanField(label=_("öffentlich sichtbar"), required=False)
    budget_threshold = forms.IntegerField(
        label=_("Schwelle Budgetabweichung (%)"), min_value=0, max_value=100, initial=10
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("action_field", "goal", "programme", "owner_unit", "owner"):
            self.fields[name].queryset = choices[name]


class MilestoneForm(KernForm):
    title = OneLine(label=_("Titel"), max_length=200)
    due = BoundedDateField(label=_("fällig am"), **DATE)
    done_on = BoundedDateField(label=_("erreicht am"), required=False, **DATE)
    reason = OneLine(
        label=_("Begründung (nur bei neuer Fälligkeit)"), max_length=2000, required=False
    )

    def __init__(self, *args, new=False, **kwargs):
        super().__init__(*args, **kwargs)
        if new:
            del self.fields["reason"]


class BudgetLineForm(KernForm):
    year = forms.IntegerField(label=_("Jahr"), min_value=1990, max_value=2199)
    product = OneLine(label=_("Produkt"), max_length=40, required=False)
    cost_centre = OneLine(label=_("Kostenstelle"), max_length=40, required=False)
    source = forms.ChoiceField(label=_("Finanzierung"), choices=BudgetLine.Source.choices)
    grant_deadline = BoundedDateField(label=_("Frist Fördermittel"), required=False, **DATE)
    planned = forms.DecimalField(label=_("Plan (€)"), max_digits=14, decimal_places=2)
    committed = forms.DecimalField(
        label=_("gebunden (€)"), max_digits=14, decimal_places=2, required=False
    )
    actual = forms.DecimalField(label=_("Ist (€)"), max_digits=14, decimal_places=2, required=False)
    forecast = forms.DecimalField(
        label=_("Prognose bei Abschluss (€)"), max_digits=14, decimal_places=2, required=False
    )


class ActualsImportForm(KernForm):
    file = forms.FileField(
        label=_("Datei (CSV oder Excel)"),
        help_text=_("Spalten: jahr; produkt; kostenstelle; ist (optional: gebunden)"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            uploads.check_size(upload.size)  # before anything is read or parsed
        except uploads.UploadRefused as exc:
            raise forms.ValidationError(str(exc)) from exc
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
            raise forms.ValidationError(
                _("Bitte eine CSV- oder Excel-Datei (.csv, .xlsx) hochladen.")
            )
        return upload
