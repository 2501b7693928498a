from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.core.text import has_control_characters
from rathaus.standards.models import Promise
from rathaus.standards.services.imports import MAX_BYTES

ONE_LINE = ("code", "title", "leika_key", "agreed_by")


class PromiseForm(forms.ModelForm):
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


class MonthForm(forms.Form):
    monat = forms.RegexField(
        label=_("Monat"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"invalid": _("Bitte einen Monat im Format JJJJ-MM angeben.")},
    )


class ImportForm(forms.Form):
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
