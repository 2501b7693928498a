from __future__ import annotations

from django import template

register = template.Library()

BAR_WIDTH = 140


@register.filter
def de_pct(value) -> str:
    """0.834 -> "83,4 %"; None -> "–"."""
    if value is None:
        return "–"
    return f"{value * 100:.1f} %".replace(".", ",")


@register.inclusion_tag("standards/_bar.html")
def share_bar(share, target):
    """A small bar for a share with a mark at the target (decorative: the table has the
    numbers)."""
    width = BAR_WIDTH
    return {
        "width": width,
        "value": round(width * (share or 0)),
        "mark": round(width * (target or 0)),
        "empty": share is None,
    }
