"""Forms of the steering app (KERN widgets); the services check the rules again."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.core.forms import KernForm, apply_kern_classes
from rathaus.steering.models import Light, SteeringCase

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
    period = forms.DateField(
        label=_("Berichtsmonat"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    time = forms.ChoiceField(label=_("Termine"), choices=LIGHTS)
    budget = forms.ChoiceField(label=_("Budget"), choices=LIGHTS)
    scope = forms.ChoiceField(label=_("Umfang"), choices=LIGHTS)
    risk = forms.ChoiceField(label=_("Risiko"), choices=LIGHTS)
    summary = MultiLine(label=_("Sachstand"), max_length=3000)
    next_steps = MultiLine(label=_("Nächste Schritte"), max_length=3000, required=False)
    override_reason = OneLine(
        label=_("Begründung, falls besser als berechnet"), max_length=500, required=False
    )


class CommentForm(KernForm):
    text = MultiLine(label=_("Ihr Beitrag"), max_length=5000)


class DecisionForm(KernForm):
    decision = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=SteeringCase.Decision.choices,
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
