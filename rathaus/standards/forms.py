from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.core.forms import BoundedDateField, KernForm, KernModelForm
from rathaus.core.text import has_control_characters
from rathaus.standards.models import Promise
from rathaus.standards.services.imports import MAX_BYTES

ONE_LINE = ("code", "title", "leika_key", "agreed_by")


class PromiseForm(KernModelForm):
    class Meta:
        model = Promise
        fields = [
            "code",
            "title",
            "leika_key",
            "metric",
            "threshold",
            "target_percent",
            "min_cases",
            "definition",
            "agreed_by",
            "agreed_on",
        ]
        widgets = {
            "agreed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "definition": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True

    def clean(self):
        data = super().clean()
        for name in ONE_LINE:
            value = data.get(name)
            if isinstance(value, str) and has_control_characters(value):
                self.add_error(name, _("Bitte keine Steuerzeichen oder Zeilenumbrüche eingeben."))
        return data


class MonthForm(KernForm):
    monat = forms.RegexField(
        label=_("Monat"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"invalid": _("Bitte einen Monat im Format JJJJ-MM angeben.")},
    )


class ImportForm(KernForm):
    file = forms.FileField(
        label=_("Datei (CSV oder Excel)"),
        help_text=_(
            "Spalten: date; ags; location; leika; metric; value; unit; definition_version; cases"
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Die Datei ist größer als 2 MB."))
        return upload


class LocationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.municipality.name}: {obj.name}"


class ManualEntryForm(KernForm):
    """A figure entered by hand; the service checks the rules (errors come back per field)."""

    municipality = forms.ModelChoiceField(label=_("Kommune"), queryset=None)
    promise = forms.ModelChoiceField(label=_("Leistungsversprechen"), queryset=None)
    location = LocationChoiceField(
        label=_("Standort"),
        queryset=None,
        required=False,
        empty_label=_("ganze Kommune (z. B. 115-Servicecenter)"),
    )
    day = BoundedDateField(
        label=_("Tag"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Bitte ein Datum im Format TT.MM.JJJJ angeben.")},
    )
    cases = forms.IntegerField(
        label=_("Fälle"),
        min_value=1,
        max_value=10_000_000,
        help_text=_("z. B. angenommene und verlorene Anrufe, bearbeitete Anträge"),
        error_messages={"min_value": _("Die Fallzahl muss mindestens 1 sein.")},
    )
    successes = forms.IntegerField(
        label=_("Treffer"),
        min_value=0,
        max_value=10_000_000,
        help_text=_("Fälle, die das Versprechen erfüllen (z. B. in 30 Sekunden angenommen)"),
    )
    note = forms.CharField(label=_("Quelle / Bemerkung"), max_length=300, required=False)

    def __init__(self, *args, promises, municipalities, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["promise"].queryset = promises
        self.fields["municipality"].queryset = municipalities
        self.fields["location"].queryset = locations
        if len(municipalities) == 1:
            self.fields["municipality"].initial = municipalities[0]

    def clean(self):
        data = super().clean()
        note = data.get("note")
        if note and has_control_characters(note):
            self.add_error("note", _("Bitte keine Steuerzeichen oder Zeilenumbrüche eingeben."))
        cases, successes = data.get("cases"), data.get("successes")
        if cases is not None and successes is not None and successes > cases:
            self.add_error("successes", _("Es kann nicht mehr Treffer als Fälle geben."))
        return data


def _quarters(today: date, n: int = 8) -> list[tuple[str, str]]:
    year, quarter = today.year, (today.month - 1) // 3 + 1
    choices = []
    for _i in range(n):
        choices.append(
            (f"{year}-Q{quarter}", _("%(q)s. Quartal %(year)s") % {"q": quarter, "year": year})
        )
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
    return choices


class ReportForm(KernForm):
    """Which report: the region or one municipality, one month or one quarter."""

    kommune = forms.TypedChoiceField(
        label=_("Bericht für"), coerce=int, required=False, empty_value=None
    )
    monat = forms.RegexField(
        label=_("Monat"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"invalid": _("Bitte einen Monat im Format JJJJ-MM angeben.")},
    )
    quartal = forms.ChoiceField(label=_("oder Quartal"), required=False)

    def __init__(self, *args, towns, region_label, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["kommune"].choices = [("", region_label)] + [(t.pk, t.name) for t in towns]
        self.fields["quartal"].choices = [("", _("– kein Quartal –"))] + _quarters(today)

    def clean(self):
        data = super().clean()
        month, quarter = data.get("monat"), data.get("quartal")
        if month and quarter:
            self.add_error("quartal", _("Bitte entweder einen Monat oder ein Quartal wählen."))
        elif not month and not quarter and "monat" not in self.errors:
            self.add_error("monat", _("Bitte einen Monat oder ein Quartal wählen."))
        elif month and month > f"{self.today:%Y-%m}":
            self.add_error("monat", _("Dieser Monat hat noch nicht begonnen."))
        return data

    def period(self) -> tuple[date, int]:
        """(first day of the period's last month, number of months)."""
        if self.cleaned_data.get("quartal"):
            year, q = self.cleaned_data["quartal"].split("-Q")
            return date(int(year), int(q) * 3, 1), 3
        year, month = map(int, self.cleaned_data["monat"].split("-"))
        return date(year, month, 1), 1
