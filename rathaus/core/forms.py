from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD = 5 * 1024 * 1024


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

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Die Datei ist größer als 5 MB."))
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
            raise forms.ValidationError(
                _("Bitte eine CSV- oder Excel-Datei (.csv, .xlsx) hochladen.")
            )
        return upload
