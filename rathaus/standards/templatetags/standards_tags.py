from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()

BAR_WIDTH = 140


@register.filter
def de_pct(value) -> str:
    """0.834 -> "83,4 %"; None -> "–"."""
    if value is None:
        return "–"
    return f"{value * 100:.1f} %".replace(".", ",")


@register.simple_tag
def share_bar(share, target):
    """A small bar for a share with a mark at the target (decorative: the table has the
    numbers). Built in Python rather than an inclusion template: it runs once per cell."""
    width = BAR_WIDTH
    value = round(width * (share or 0))
    mark = round(width * (target or 0))
    fill = (
        ""
        if share is None
        else format_html('<rect x="0" y="2" width="{}" height="10" fill="#0a2f8c"></rect>', value)
    )
    return format_html(
        '<svg class="std-bar" aria-hidden="true" focusable="false" width="{w}" height="14" '
        'viewBox="0 0 {w} 14" xmlns="http://www.w3.org/2000/svg">'
        '<rect x="0" y="2" width="{w}" height="10" fill="#e8eaf0"></rect>{fill}'
        '<rect x="{mark}" y="0" width="2" height="14" fill="#b3003b"></rect></svg>',
        w=width,
        fill=fill,
        mark=mark,
    )


@register.filter
def css_pct(value) -> str:
    """0.834 -> "83.4" (a CSS percentage; None -> "0")."""
    if value is None:
        return "0"
    return f"{max(0.0, min(1.0, value)) * 100:.1f}"


@register.simple_tag
def interval_width(verdict) -> str:
    """Width of a verdict's confidence interval as a CSS percentage."""
    return f"{max(0.0, min(1.0, verdict.upper) - max(0.0, verdict.lower)) * 100:.1f}"
