"""Filters of the page shell."""

from django import template

register = template.Library()

SEPARATOR = " – "


@register.filter(is_safe=True)
def page_title(value: str) -> str:
    """Join the title's parts once: no empty part, no part twice in a row.

    A page titled "Leistungen wählen – Rathaus" (a location called Rathaus) under the site's
    suffix "Rathaus" would otherwise read "… – Rathaus – Rathaus". The input is the rendered
    (escaped) title, so the result is as safe as it was.
    """
    parts = []
    for part in (p.strip() for p in str(value).split(SEPARATOR)):
        if part and (not parts or parts[-1] != part):
            parts.append(part)
    return SEPARATOR.join(parts)
