"""Forms of the counter pages (day view, check-in, call, walk-in, closures); German messages at the field.

Used by :mod:`rathaus.appointments.views.counter`.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.appointments.models import Appointment, Counter
from rathaus.appointments.selectors import counter as counter_selectors
from rathaus.core.forms import BoundedDateField, KernForm, apply_kern_classes
from rathaus.core.models import Location
from rathaus.core.tenancy import scoped
from rathaus.core.text import validate_one_line

S = Appointment.Status


class DayFilterForm(KernForm):
    tag = BoundedDateField(
        label=gettext_lazy("Tag"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Bitte ein gültiges Datum eingeben (TT.MM.JJJJ).")},
    )
    schalter = forms.TypedChoiceField(
        label=gettext_lazy("Schalter"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(self, *args, counters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schalter"].choices = [("", _("alle Schalter"))] + [
            (c.id, c.name) for c in counters
        ]
        self.fields["status"].choices = [("", _("alle"))] + [
            (value, label) for value, label in S.choices if value not in (S.HELD, S.EXPIRED)
        ]
        self.fields["schalter"].error_messages["invalid_choice"] = _("Bitte einen Schalter wählen.")
        self.fields["status"].error_messages["invalid_choice"] = _("Bitte einen Status wählen.")


class CheckInForm(KernForm):
    number = forms.CharField(
        label=gettext_lazy("Wartenummer oder Terminnummer"),
        max_length=20,
        help_text=gettext_lazy("z. B. A012 oder die Terminnummer aus der Bestätigung"),
        error_messages={
            "required": gettext_lazy("Bitte eine Wartenummer oder Terminnummer eingeben."),
            "max_length": gettext_lazy("Die Nummer ist zu lang."),
        },
    )


class CallForm(KernForm):
    counter = forms.TypedChoiceField(
        label=gettext_lazy("Schalter"),
        coerce=int,
        error_messages={
            "required": gettext_lazy("Bitte wählen Sie den Schalter, an den aufgerufen wird."),
            "invalid_choice": gettext_lazy("Bitte wählen Sie einen Schalter aus der Liste."),
        },
    )

    def __init__(self, *args, counters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counter"].choices = [("", _("Schalter wählen"))] + [
            (c.id, c.name) for c in counters if c.active
        ]


class ServiceCountsForm(KernForm):
    """A count per service of the location (``leistung_<id>``); at least one is needed.
    Shared by the walk-in ticket and the booking for a caller."""

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.services = list(services)
        for service in self.services:
            self.fields[f"leistung_{service.id}"] = forms.TypedChoiceField(
                label=service.name,
                choices=[
                    (i, _("keine") if i == 0 else str(i)) for i in range(service.max_count + 1)
                ],
                coerce=int,
                required=False,
                empty_value=0,
                initial=0,
                error_messages={"invalid_choice": _("Bitte eine Anzahl aus der Liste wählen.")},
            )
        apply_kern_classes(self)

    def clean(self):
        data = super().clean()
        if not self.errors and not any(v for k, v in data.items() if k.startswith("leistung_")):
            raise forms.ValidationError(_("Bitte wählen Sie mindestens eine Leistung aus."))
        return data

    def demand(self) -> dict[int, int]:
        return {
            int(k.removeprefix("leistung_")): v
            for k, v in self.cleaned_data.items()
            if k.startswith("leistung_") and v
        }


class WalkInForm(ServiceCountsForm):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        required=False,
        max_length=200,
        validators=[validate_one_line],
        help_text=gettext_lazy("optional, nur für die Sachbearbeitung"),
        error_messages={
            "max_length": gettext_lazy("Der Name ist zu lang (höchstens 200 Zeichen).")
        },
    )


class ClosureForm(KernForm):
    location = forms.ModelChoiceField(
        label=gettext_lazy("Standort"),
        queryset=Location.objects.none(),
        error_messages={
            "required": gettext_lazy("Bitte wählen Sie den Standort."),
            "invalid_choice": gettext_lazy("Bitte wählen Sie einen Standort aus der Liste."),
        },
    )
    day = BoundedDateField(
        label=gettext_lazy("Datum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Bitte geben Sie das Datum der Schließung an."),
            "invalid": gettext_lazy("Bitte ein gültiges Datum eingeben (TT.MM.JJJJ)."),
        },
    )
    counter = forms.ModelChoiceField(
        label=gettext_lazy("Schalter"),
        required=False,
        queryset=Counter.objects.none(),
        empty_label=gettext_lazy("ganzer Standort (alle Schalter)"),
        help_text=gettext_lazy("Leer lassen, um den ganzen Standort an diesem Tag zu schließen."),
        error_messages={
            "invalid_choice": gettext_lazy("Bitte wählen Sie einen Schalter aus der Liste.")
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Grund (intern)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("z. B. „Schichtteam B in Quarantäne“ – erscheint nicht in E-Mails."),
        error_messages={"max_length": gettext_lazy("Höchstens 200 Zeichen.")},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = counter_selectors.staff_locations(user)
        self.fields["counter"].queryset = (
            scoped(Counter, user).select_related("location").order_by("location__name", "position")
        )
        self.fields["counter"].label_from_instance = lambda c: f"{c.location.name}: {c.name}"

    def clean(self):
        data = super().clean()
        location, counter = data.get("location"), data.get("counter")
        if location and counter and counter.location_id != location.id:
            self.add_error("counter", _("Dieser Schalter gehört zu einem anderen Standort."))
        return data
