"""Citizen booking forms (German source strings marked for translation, KERN UX markup via KernForm)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from rathaus.appointments import proof_of_work
from rathaus.core.forms import KernForm
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
