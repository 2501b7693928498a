from django.forms.renderers import TemplatesSetting


class KernFormRenderer(TemplatesSetting):
    """Renders every form with KERN UX markup: label, hint, error at the field."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
