"""Citizen form of the Terminagent (waiting list); German source strings, KERN UX markup."""

from __future__ import annotations

from datetime import time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.appointments.forms.booking import AltchaMixin, BookingForm
from rathaus.appointments.models import Weekday
from rathaus.core.forms import BoundedDateField, KernForm

# defaults of a new entry: the next four weeks, Monday to Friday, office hours
DEFAULT_WEEKS = 4
DEFAULT_WEEKDAYS = [0, 1, 2, 3, 4]
DEFAULT_TIME_FROM, DEFAULT_TIME_TO = time(8), time(18)


class WaitingListForm(AltchaMixin, KernForm):
    locations = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Standorte"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Bitte wählen Sie mindestens einen Standort.")},
    )
    date_from = BoundedDateField(
        label=gettext_lazy("Frühestens am"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Bitte geben Sie ein Datum an."),
            "invalid": gettext_lazy("Bitte geben Sie ein gültiges Datum an."),
        },
    )
    date_to = BoundedDateField(
        label=gettext_lazy("Spätestens am"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Bitte geben Sie ein Datum an."),
            "invalid": gettext_lazy("Bitte geben Sie ein gültiges Datum an."),
        },
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Wochentage"),
        choices=[(w.value, w.label) for w in Weekday if w.value < 6],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Bitte wählen Sie mindestens einen Wochentag.")},
    )
    time_from = forms.TimeField(
        label=gettext_lazy("Uhrzeit ab"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": gettext_lazy("Bitte geben Sie eine Uhrzeit an."),
            "invalid": gettext_lazy("Bitte geben Sie eine Uhrzeit wie 08:00 an."),
        },
    )
    time_to = forms.TimeField(
        label=gettext_lazy("Uhrzeit bis"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": gettext_lazy("Bitte geben Sie eine Uhrzeit an."),
            "invalid": gettext_lazy("Bitte geben Sie eine Uhrzeit wie 12:00 an."),
        },
    )
    name = BookingForm.base_fields["name"].__class__(
        label=BookingForm.base_fields["name"].label,
        max_length=200,
        validators=BookingForm.base_fields["name"].validators,
        error_messages=BookingForm.base_fields["name"].error_messages,
        help_text=gettext_lazy("So sprechen wir Sie in den E-Mails und am Schalter an."),
    )
    email = BookingForm.base_fields["email"].__class__(
        label=gettext_lazy("E-Mail-Adresse"),
        max_length=254,
        help_text=gettext_lazy(
            "Hierhin schicken wir freie Termine. Sie bestätigen die Adresse per Link."
        ),
        error_messages=BookingForm.base_fields["email"].error_messages,
    )
    consent = forms.BooleanField(
        label=gettext_lazy(
            "Ich bin einverstanden, dass meine E-Mail-Adresse für den Terminagenten "
            "gespeichert wird, bis ich einen Termin erhalte oder mich abmelde."
        ),
        error_messages={"required": gettext_lazy("Bitte stimmen Sie der Speicherung zu.")},
    )

    def __init__(self, *args, locations_qs=None, today=None, **kwargs):
        today = today or timezone.localdate()
        kwargs.setdefault(
            "initial",
            {
                "date_from": today,
                "date_to": today + timedelta(weeks=DEFAULT_WEEKS),
                "weekdays": DEFAULT_WEEKDAYS,
                "time_from": DEFAULT_TIME_FROM,
                "time_to": DEFAULT_TIME_TO,
            },
        )
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["locations"].queryset = locations_qs
        if locations_qs is not None and len(locations_qs) == 1:
            self.initial.setdefault("locations", list(locations_qs))
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        for group in ("locations", "weekdays"):  # KERN checkboxes (the template lays them out)
            self.fields[group].widget.attrs["class"] = "kern-form-check__checkbox"

    def clean(self):
        data = self.cleaned_data
        if data.get("date_to") and data["date_to"] < self.today:
            self.add_error(
                "date_to",
                _("Der Zeitraum liegt in der Vergangenheit. Bitte wählen Sie Tage ab heute."),
            )
        elif data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("Das Enddatum darf nicht vor dem Anfangsdatum liegen."))
        if data.get("time_from") and data.get("time_to") and data["time_from"] >= data["time_to"]:
            self.add_error("time_to", _("Die Uhrzeit „bis“ muss nach der Uhrzeit „ab“ liegen."))
        return super().clean()
