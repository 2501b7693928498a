"""Citizen forms (German source strings marked for translation, KERN UX markup via KernForm)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from rathaus.appointments import proof_of_work
from rathaus.appointments.models import Weekday
from rathaus.core.forms import BoundedDateField, KernForm
from rathaus.core.problems import DomainError
from rathaus.core.text import validate_one_line


def service_help(service, minutes: int) -> str:
    parts = [
        ngettext(
            "Dauer etwa %(minutes)s Minute je Vorgang.",
            "Dauer etwa %(minutes)s Minuten je Vorgang.",
            minutes,
        )
        % {"minutes": minutes}
    ]
    if service.documents:
        parts.append(_("Mitbringen: %(documents)s") % {"documents": service.documents})
    if service.fee_note:
        parts.append(_("Gebühr: %(fee)s") % {"fee": service.fee_note})
    return " ".join(parts)


class ServiceChoiceForm(KernForm):
    """One count field per service offered at the location (0 = not needed)."""

    def __init__(self, *args, services=(), durations=None, **kwargs):
        self.services = list(services)
        durations = durations or {}
        super_fields = {}
        for service in self.services:
            super_fields[f"leistung_{service.id}"] = forms.TypedChoiceField(
                label=service.name,
                choices=[
                    (i, _("keine") if i == 0 else str(i)) for i in range(service.max_count + 1)
                ],
                coerce=int,
                required=False,
                empty_value=0,
                initial=0,
                help_text=service_help(
                    service, durations.get(service.id, service.default_duration_minutes)
                ),
                error_messages={"invalid_choice": _("Bitte wählen Sie eine Anzahl aus der Liste.")},
            )
        self.base_fields = super_fields
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if not self.errors and not any(v for v in data.values()):
            raise forms.ValidationError(_("Bitte wählen Sie mindestens eine Leistung aus."))
        return data

    def demand(self) -> dict[int, int]:
        return {
            int(name.removeprefix("leistung_")): count
            for name, count in self.cleaned_data.items()
            if count
        }


class AltchaMixin:
    """Hidden ALTCHA field, verified in clean() (German non-field error)."""

    def clean(self):
        data = super().clean()
        if self.errors:
            return data  # keep the proof of work unused until the other fields are fine
        try:
            proof_of_work.verify(self.data.get("altcha"))
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        return data


class BookingForm(AltchaMixin, KernForm):
    name = forms.CharField(
        label=gettext_lazy("Vor- und Nachname"),
        max_length=200,
        validators=[validate_one_line],
        error_messages={"required": gettext_lazy("Bitte geben Sie Ihren Namen an.")},
    )
    email = forms.EmailField(
        label=gettext_lazy("E-Mail-Adresse"),
        max_length=254,
        help_text=gettext_lazy(
            "An diese Adresse senden wir den Bestätigungslink. Erst nach der Bestätigung "
            "ist der Termin verbindlich gebucht."
        ),
        error_messages={
            "required": gettext_lazy("Bitte geben Sie Ihre E-Mail-Adresse an."),
            "invalid": gettext_lazy(
                "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de."
            ),
        },
    )
    phone = forms.CharField(
        label=gettext_lazy("Telefonnummer"),
        max_length=40,
        validators=[validate_one_line],
        required=False,
        help_text=gettext_lazy("Nur für Rückfragen bei kurzfristigen Änderungen."),
    )
    consent = forms.BooleanField(
        label=gettext_lazy(
            "Ich bin einverstanden, dass meine Angaben zur Terminvergabe gespeichert und "
            "nach dem Termin gelöscht werden."
        ),
        error_messages={
            "required": gettext_lazy(
                "Bitte stimmen Sie der Verarbeitung Ihrer Angaben zu, sonst können wir "
                "den Termin nicht vergeben."
            )
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"


class WaitingListForm(AltchaMixin, KernForm):
    locations = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Standorte"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Bitte wählen Sie mindestens einen Standort.")},
    )
    date_from = BoundedDateField(
        label=gettext_lazy("Frühestens am"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": gettext_lazy("Bitte geben Sie ein Datum an."),
            "invalid": gettext_lazy("Bitte geben Sie ein gültiges Datum an."),
        },
    )
    date_to = BoundedDateField(
        label=gettext_lazy("Spätestens am"),
        widget=forms.DateInput(attrs={"type": "date"}),
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
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={
            "required": gettext_lazy("Bitte geben Sie eine Uhrzeit an."),
            "invalid": gettext_lazy("Bitte geben Sie eine Uhrzeit wie 08:00 an."),
        },
    )
    time_to = forms.TimeField(
        label=gettext_lazy("Uhrzeit bis"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={
            "required": gettext_lazy("Bitte geben Sie eine Uhrzeit an."),
            "invalid": gettext_lazy("Bitte geben Sie eine Uhrzeit wie 12:00 an."),
        },
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

    def __init__(self, *args, locations_qs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locations"].queryset = locations_qs

    def clean(self):
        data = self.cleaned_data
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("Das Enddatum darf nicht vor dem Anfangsdatum liegen."))
        if data.get("time_from") and data.get("time_to") and data["time_from"] >= data["time_to"]:
            self.add_error("time_to", _("Die Uhrzeit „bis“ muss nach der Uhrzeit „ab“ liegen."))
        return super().clean()
