"""Template helpers: traffic lights with text (never colour alone), German numbers."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from rathaus.core.charts import german_number
from rathaus.steering.models import Light, SteeringSettings, period_name
from rathaus.steering.selectors import light_of

register = template.Library()

SYMBOL = {Light.GREEN: "●", Light.AMBER: "▲", Light.RED: "■"}


@register.simple_tag
def light(value, label=""):
    """A badge: symbol + translated word, e.g. "■ kritisch"; empty value → "kein Bericht"."""
    if not value:
        return format_html('<span class="light light--none">{}</span>', _("kein Bericht"))
    text = Light(value).label if value in Light.values else value
    prefix = f"{label}: " if label else ""
    return format_html(
        '<span class="light light--{}"><span aria-hidden="true">{} </span>{}{}</span>',
        value,
        SYMBOL.get(value, ""),
        prefix,
        text,
    )


@register.filter
def num(value):
    if value is None or value == "":
        return "–"
    try:
        return german_number(float(value))
    except (TypeError, ValueError):
        return value


@register.filter
def percent(value):
    if value is None:
        return "–"
    return f"{'+' if value > 0 else ''}{german_number(float(value) * 100)} %"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def count_light(field_view, value):
    return field_view.count(value)


@register.filter
def project_light(project):
    return light_of(project)


@register.filter
def iso_month(value):
    """ "2026-11-01" → "11/2026" (dates stored as text in the analysis)."""
    text = str(value or "")
    return f"{text[5:7]}/{text[:4]}" if len(text) >= 7 else "–"


@register.simple_tag
def light_word(value):
    """A light in plain text (symbol and word), for print: "■ kritisch"."""
    text = Light(value).label if value in Light.values else value
    return f"{SYMBOL.get(value, '')} {text}".strip()


@register.filter
def period(value, rhythm):
    """A reporting period by name (``11/2026`` or ``4. Quartal 2026``)."""
    return period_name(value, rhythm) if value else ""


@register.filter
def rhythm_name(value):
    return SteeringSettings.Rhythm(value).label
