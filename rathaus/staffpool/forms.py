"""Forms of the staff pool: German messages at the field, no control characters."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from rathaus.core.forms import KernForm
from rathaus.core.text import has_control_characters
from rathaus.staffpool.models import PoolMember, Skill, StaffRequest

POSTCODE = RegexValidator(r"^\d{5}$", _("Bitte eine fünfstellige Postleitzahl angeben."))


def no_control(value: str) -> None:
    if value and has_control_characters(value):
        raise ValidationError(_("Bitte keine Steuerzeichen eingeben."))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MemberForm(KernForm):
    employee = forms.ModelChoiceField(queryset=None, label=_("Person"), required=False)
    entry = forms.ChoiceField(label=_("Aufnahme"), choices=PoolMember.Entry.choices)
    employment = forms.ChoiceField(
        label=_("Dienstverhältnis"), choices=PoolMember.Employment.choices
    )
    skills = forms.MultipleChoiceField(
        label=_("Qualifikationen"), choices=Skill.choices, widget=forms.CheckboxSelectMultiple
    )
    skills_valid_until = forms.DateField(
        label=_("Qualifikationen gültig bis"), required=False, widget=DateInput()
    )
    proof = forms.CharField(
        label=_("Nachweis"), max_length=200, required=False, validators=[no_control]
    )
    languages = forms.CharField(
        label=_("Sprachen"), max_length=200, required=False, validators=[no_control]
    )
    driving_licence = forms.BooleanField(label=_("Führerschein"), required=False)
    postcode = forms.CharField(label=_("PLZ (Wohnort)"), max_length=5, validators=[POSTCODE])
    max_travel_minutes = forms.IntegerField(
        label=_("Höchste Fahrzeit (Minuten)"), min_value=5, max_value=240, initial=45
    )
    available_from = forms.DateField(label=_("verfügbar ab"), widget=DateInput())
    available_until = forms.DateField(label=_("verfügbar bis"), widget=DateInput())
    share = forms.DecimalField(
        label=_("Anteil der Arbeitszeit"), min_value=0.1, max_value=1, decimal_places=2, initial=1
    )
    shifts = forms.BooleanField(label=_("Schichtdienst möglich"), required=False)
    weekends = forms.BooleanField(label=_("Wochenenden möglich"), required=False)
    remote = forms.BooleanField(label=_("mobiles Arbeiten möglich"), required=False, initial=True)
    consent = forms.BooleanField(
        label=_("Die Person ist einverstanden, in den Pool aufgenommen zu werden."), required=True
    )
    note = forms.CharField(
        label=_("Notiz (nur Heimatkommune)"),
        max_length=300,
        required=False,
        validators=[no_control],
    )

    def __init__(self, *args, employees=None, **kwargs):
        super().__init__(*args, **kwargs)
        if employees is None:
            del self.fields["employee"]
        else:
            self.fields["employee"].queryset = employees
            self.fields["employee"].required = True

    def clean(self):
        data = super().clean()
        start, end = data.get("available_from"), data.get("available_until")
        if start and end and end < start:
            self.add_error("available_until", _("„Verfügbar bis“ liegt vor „verfügbar ab“."))
        return data


class RequestForm(KernForm):
    title = forms.CharField(label=_("Aufgabe"), max_length=200, validators=[no_control])
    requester_label = forms.CharField(
        label=_("Anfragende Stelle"),
        max_length=200,
        required=False,
        validators=[no_control],
        help_text=_("z. B. Gesundheitsamt; leer: die eigene Kommune"),
    )
    required_skills = forms.MultipleChoiceField(
        label=_("Pflicht-Qualifikationen"),
        choices=Skill.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    desired_skills = forms.MultipleChoiceField(
        label=_("Wünschenswerte Qualifikationen"),
        choices=Skill.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    slots = forms.IntegerField(label=_("Anzahl Personen"), min_value=1, max_value=200)
    team_size = forms.IntegerField(
        label=_("Teamgröße (0: keine Teams)"), min_value=0, max_value=50, initial=0
    )
    lead_skill = forms.ChoiceField(
        label=_("Teamleitung braucht"), choices=[("", "–"), *Skill.choices], required=False
    )
    remote = forms.BooleanField(label=_("mobil (remote)"), required=False)
    site = forms.CharField(
        label=_("Einsatzort"), max_length=200, required=False, validators=[no_control]
    )
    site_postcode = forms.CharField(
        label=_("PLZ des Einsatzorts"), max_length=5, required=False, validators=[POSTCODE]
    )
    start = forms.DateField(label=_("Beginn"), widget=DateInput())
    end = forms.DateField(label=_("Ende"), widget=DateInput())
    hours_per_week = forms.DecimalField(
        label=_("Stunden je Woche"), min_value=1, max_value=48, decimal_places=1, initial=39
    )
    shifts = forms.BooleanField(label=_("Schichtdienst"), required=False)
    weekends = forms.BooleanField(label=_("Wochenenden"), required=False)
    urgency = forms.ChoiceField(label=_("Dringlichkeit"), choices=StaffRequest.Urgency.choices)
    cost_share = forms.IntegerField(
        label=_("Kostenübernahme durch die anfragende Stelle (%)"),
        min_value=0,
        max_value=100,
        initial=100,
    )
    internal_note = forms.CharField(
        label=_("Interne Notiz"), max_length=300, required=False, validators=[no_control]
    )

    def __init__(self, *args, region_allowed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if region_allowed:
            self.fields["for_region"] = forms.BooleanField(
                label=_("Anfrage der Region (alle Kommunen können abgeben)"), required=False
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("Das Ende liegt vor dem Beginn."))
        if not data.get("remote") and not data.get("site_postcode"):
            self.add_error("site_postcode", _("Für einen Einsatz vor Ort bitte die PLZ angeben."))
        if data.get("team_size") and not data.get("lead_skill"):
            self.add_error("lead_skill", _("Für Teams bitte die Qualifikation der Leitung wählen."))
        return data


class ApproveForm(KernForm):
    works_council_on = forms.DateField(label=_("Personalrat beteiligt am"), widget=DateInput())
    hearing_on = forms.DateField(
        label=_("Anhörung am (nur über drei Monate)"), required=False, widget=DateInput()
    )
    consent_on = forms.DateField(
        label=_("Zustimmung der Person am (Beamtinnen/Beamte)"), required=False, widget=DateInput()
    )
    floor_override = forms.BooleanField(
        label=_("Trotz Unterschreitung der Mindestbesetzung zustimmen"), required=False
    )
    standard_override = forms.BooleanField(
        label=_("Trotz Gefährdung eines eigenen Servicestandards zustimmen"), required=False
    )


class FloorForm(KernForm):
    org_unit = forms.ModelChoiceField(queryset=None, label=_("Organisationseinheit"))
    minimum = forms.IntegerField(
        label=_("Mindestbesetzung je Arbeitstag"), min_value=0, max_value=500
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units


class CasesForm(KernForm):
    borrower = forms.ModelChoiceField(queryset=None, label=_("Für die Kommune"))
    start = forms.DateField(label=_("von"), widget=DateInput())
    end = forms.DateField(label=_("bis"), widget=DateInput())
    hours_per_week = forms.DecimalField(
        label=_("Stunden je Woche"), min_value=1, max_value=2000, decimal_places=1
    )
    note = forms.CharField(
        label=_("Welche Fälle (z. B. Wohngeldanträge)"),
        max_length=200,
        required=False,
        validators=[no_control],
    )

    def __init__(self, *args, borrowers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["borrower"].queryset = borrowers

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("Das Ende liegt vor dem Beginn."))
        return data


class ExtendForm(KernForm):
    new_end = forms.DateField(label=_("Neues Ende"), widget=DateInput())
    hearing_on = forms.DateField(
        label=_("Anhörung am (über drei Monate insgesamt)"), required=False, widget=DateInput()
    )


class CaseBookingForm(KernForm):
    """Hours per week of a period; an offer adds the skill it offers."""

    hours_per_week = forms.DecimalField(
        label=_("Stunden je Woche"), min_value=1, max_value=2000, decimal_places=1
    )
    start = forms.DateField(label=_("von"), widget=DateInput())
    end = forms.DateField(label=_("bis"), widget=DateInput())
    note = forms.CharField(
        label=_("Welche Fälle (z. B. Wohngeldanträge)"),
        max_length=200,
        required=False,
        validators=[no_control],
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("Das Ende liegt vor dem Beginn."))
        return data


class CaseOfferForm(CaseBookingForm):
    skill = forms.ChoiceField(label=_("Qualifikation"), choices=Skill.choices)

    field_order = ["skill", "hours_per_week", "start", "end", "note"]
