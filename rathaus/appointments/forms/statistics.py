"""Form of the statistics page (German messages at the field).

Used by :mod:`rathaus.appointments.views.statistics`.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.appointments.selectors import counter as counter_selectors
from rathaus.core.forms import BoundedDateField, KernForm
from rathaus.core.models import Location


class StatisticsForm(KernForm):
    standort = forms.ModelChoiceField(
        label=gettext_lazy("Standort"),
        required=False,
        queryset=Location.objects.none(),
        empty_label=gettext_lazy("alle Standorte"),
        error_messages={
            "invalid_choice": gettext_lazy("Bitte wählen Sie einen Standort aus der Liste.")
        },
    )
    von = BoundedDateField(
        label=gettext_lazy("von"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Bitte ein gültiges Datum eingeben (TT.MM.JJJJ).")},
    )
    bis = BoundedDateField(
        label=gettext_lazy("bis"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Bitte ein gültiges Datum eingeben (TT.MM.JJJJ).")},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standort"].queryset = counter_selectors.staff_locations(user)

    def clean(self):
        data = super().clean()
        von, bis = data.get("von"), data.get("bis")
        if von and bis:
            if von > bis:
                self.add_error("bis", _("„bis“ darf nicht vor „von“ liegen."))
            elif (bis - von).days > 366:
                self.add_error("bis", _("Der Zeitraum darf höchstens ein Jahr umfassen."))
        return data
