"""Forms of the pages on which a clerk books, finds, moves and cancels an appointment for a
caller (:mod:`rathaus.appointments.views.caller`); German messages at the field."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.appointments.forms.counter import ServiceCountsForm
from rathaus.core.forms import BoundedDateField, KernForm, apply_kern_classes
from rathaus.core.text import validate_one_line

DAY_FIELD = {
    "label": gettext_lazy("Tag"),
    "widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    "error_messages": {
        "required": gettext_lazy("Bitte wählen Sie einen Tag."),
        "invalid": gettext_lazy("Bitte ein gültiges Datum eingeben (TT.MM.JJJJ)."),
    },
}


class CallerSearchForm(ServiceCountsForm):
    """Step 1 of a booking for a caller: which services, which day."""

    tag = BoundedDateField(**DAY_FIELD)


class DayForm(KernForm):
    """The day whose free times a move offers."""

    tag = BoundedDateField(**DAY_FIELD)


class SlotForm(KernForm):
    """Step 2: one of the free start times of the day (choices: ISO datetimes)."""

    start = forms.ChoiceField(
        label=gettext_lazy("Uhrzeit"),
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Bitte wählen Sie eine Uhrzeit."),
            "invalid_choice": gettext_lazy(
                "Diese Uhrzeit ist nicht mehr frei – bitte wählen Sie eine andere."
            ),
        },
    )

    def __init__(self, *args, slots=(), tz=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"].choices = [
            (slot.start.isoformat(), f"{slot.start.astimezone(tz):%H:%M}") for slot in slots
        ]
        apply_kern_classes(self)

    def start_time(self) -> datetime:
        return datetime.fromisoformat(self.cleaned_data["start"])


class CallerForm(SlotForm):
    """Step 2 of a booking: the time and the caller's details (e-mail optional)."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=200,
        validators=[validate_one_line],
        error_messages={
            "required": gettext_lazy("Bitte geben Sie den Namen der anrufenden Person an."),
            "max_length": gettext_lazy("Der Name ist zu lang (höchstens 200 Zeichen)."),
        },
    )
    phone = forms.CharField(
        label=gettext_lazy("Telefon"),
        max_length=40,
        required=False,
        validators=[validate_one_line],
        help_text=gettext_lazy("für Rückfragen"),
        error_messages={"max_length": gettext_lazy("Die Telefonnummer ist zu lang.")},
    )
    email = forms.EmailField(
        label=gettext_lazy("E-Mail"),
        max_length=254,
        required=False,
        help_text=gettext_lazy("nur dann erhält die Person eine Bestätigung"),
        error_messages={
            "invalid": gettext_lazy("Bitte geben Sie eine gültige E-Mail-Adresse an."),
            "max_length": gettext_lazy("Die E-Mail-Adresse ist zu lang."),
        },
    )


class FindForm(KernForm):
    q = forms.CharField(
        label=gettext_lazy("Name oder Nummer"),
        max_length=100,
        validators=[validate_one_line],
        help_text=gettext_lazy("Teil des Namens, Terminnummer oder Wartenummer"),
        error_messages={
            "required": gettext_lazy("Bitte geben Sie einen Namen oder eine Nummer ein."),
            "max_length": gettext_lazy("Höchstens 100 Zeichen."),
        },
    )

    def clean_q(self):
        value = self.cleaned_data["q"].strip()
        if len(value) < 2:
            raise forms.ValidationError(_("Bitte mindestens zwei Zeichen eingeben."))
        return value
