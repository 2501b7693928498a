"""German figures as votemanager shows them: "12.345", "45,23 %", "+3,21 Pp."."""

from decimal import Decimal

from django import template

from rathaus.engines.counting.german import fmt_date, fmt_int, fmt_pct

register = template.Library()


@register.filter
def de_int(value) -> str:
    if value is None or value == "":
        return "–"
    try:
        return fmt_int(int(value))
    except (TypeError, ValueError):
        return str(value)


@register.filter
def de_pct(value) -> str:
    if value is None:
        return "–"
    return fmt_pct(Decimal(value))


@register.filter
def de_pp(value) -> str:
    """Difference in percentage points with sign."""
    if value is None:
        return "–"
    value = Decimal(value)
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return sign + fmt_pct(abs(value)).replace(" %", " Pp.")


@register.filter
def de_date(value) -> str:
    return fmt_date(value) if value else "–"
