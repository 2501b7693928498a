from datetime import date

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from rathaus.core import uploads
from rathaus.core.models import LegalTexts, Municipality
from rathaus.core.text import validate_one_line

MAX_UPLOAD = uploads.MAX_UPLOAD_BYTES


INPUT_CLASSES = {
    "select": "kern-form-input__select",
    "selectmultiple": "kern-form-input__select",
    "checkbox": "kern-form-check__checkbox",
    "radioselect": "",
    "checkboxselectmultiple": "",
}


def apply_kern_classes(form: forms.BaseForm) -> None:
    """Give each widget the KERN class and an error state; call from __init__ and after validation."""
    for name, field in form.fields.items():
        widget_type = type(field.widget).__name__.lower().replace("input", "").replace("widget", "")
        css = INPUT_CLASSES.get(widget_type, "kern-form-input__input")
        if css:
            field.widget.attrs["class"] = css
        if form.is_bound and name in (getattr(form, "_errors", None) or {}):
            field.widget.attrs["aria-describedby"] = f"id_{name}_error"


# Dates users may enter anywhere: far enough for statistics and plans, near enough that
# adding a week or a month to them never overflows (9999-12-31 + 1 day is an error).
DATE_MIN = date(1990, 1, 1)
DATE_MAX = date(2199, 12, 31)


class BoundedDateField(forms.DateField):
    """A date field that refuses dates outside DATE_MIN … DATE_MAX with a German message."""

    def validate(self, value):
        super().validate(value)
        if value is not None and not DATE_MIN <= value <= DATE_MAX:
            raise forms.ValidationError(
                _("Bitte ein Datum zwischen %(min)s und %(max)s angeben."),
                code="date_out_of_range",
                params={
                    "min": date_format(DATE_MIN, "SHORT_DATE_FORMAT"),
                    "max": date_format(DATE_MAX, "SHORT_DATE_FORMAT"),
                },
            )


class KernForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_kern_classes(self)

    def full_clean(self):
        super().full_clean()
        apply_kern_classes(self)


class KernModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_kern_classes(self)

    def full_clean(self):
        super().full_clean()
        apply_kern_classes(self)


class ImportForm(KernForm):
    kind = forms.ChoiceField(
        label=_("Was wird importiert?"),
        choices=[("employees", _("Beschäftigte")), ("rooms", _("Räume"))],
    )
    file = forms.FileField(
        label=_("Datei (CSV oder Excel)"),
        help_text=_("CSV mit Semikolon oder Komma (UTF-8 oder Windows-1252) oder .xlsx"),
    )

    municipality = forms.ModelChoiceField(
        label=_("Kommune"),
        queryset=None,
        required=True,
        help_text=_("In welche Kommune wird importiert?"),
    )

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Region admins see every municipality of their region and choose; everyone else
        # imports into their own (the field is not shown).
        if municipalities is not None and municipalities.count() > 1:
            self.fields["municipality"].queryset = municipalities
        else:
            del self.fields["municipality"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            uploads.check_size(upload.size)
        except uploads.UploadRefused as exc:
            raise forms.ValidationError(str(exc)) from exc
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
            raise forms.ValidationError(
                _("Bitte eine CSV- oder Excel-Datei (.csv, .xlsx) hochladen.")
            )
        return upload


class AuditFilterForm(KernForm):
    """Filter of the change log: person, kind of object, period (all optional)."""

    person = forms.TypedChoiceField(label=_("Person"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("Objektart"), required=False)
    date_from = BoundedDateField(
        label=_("von"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = BoundedDateField(
        label=_("bis"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, people=(), kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", _("alle"))]
        self.fields["person"].choices = everyone + [(u.pk, u.display_name) for u in people]
        self.fields["kind"].choices = everyone + list(kinds)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("Das Ende liegt vor dem Anfang."))
        return data


class MunicipalityForm(KernModelForm):
    class Meta:
        model = Municipality
        fields = ["name", "slug", "ags", "federal_state"]
        labels = {"slug": _("Kurzname in Adressen")}
        help_texts = {
            "slug": _("Kleinbuchstaben, Ziffern und Bindestriche, z. B. „neustadt“."),
            "ags": _("Acht Ziffern, z. B. 05999004."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(validate_one_line)


class LegalTextsForm(KernModelForm):
    class Meta:
        model = LegalTexts
        fields = ["imprint", "privacy", "accessibility", "feedback_email", "feedback_phone"]
        widgets = {
            "imprint": forms.Textarea(attrs={"rows": 8}),
            "privacy": forms.Textarea(attrs={"rows": 12}),
            "accessibility": forms.Textarea(attrs={"rows": 12}),
        }
        help_texts = {
            "imprint": _("Leer lassen, um den Standardtext zu zeigen. Absätze durch Leerzeilen."),
            "privacy": _("Leer lassen, um den Standardtext zu zeigen."),
            "accessibility": _("Leer lassen, um den Standardtext zu zeigen."),
            "feedback_email": _("Pflichtangabe nach § 7 BITV 2.0: hierhin gehen Rückmeldungen."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["feedback_phone"].validators.append(validate_one_line)
