"""The standards report as PDF (WeasyPrint), per region or municipality, per month or quarter.

Same fair comparison as the dashboard: no ranking (rows in the dashboard's order, grouped by
size class), 95 % intervals drawn and tabulated, "zu wenige Daten" instead of a verdict on
small counts. Every chart is followed by a table with its numbers. No external resources:
the stylesheet is inlined.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from rathaus.core.pdf import html_to_pdf
from rathaus.standards.selectors.overview import SIZE_LABELS, PromiseOverview


@dataclass(frozen=True)
class Period:
    """The months a report judges together: one month or a quarter."""

    last_month: date  # first day of the period's last month
    span: int  # 1 or 3

    @property
    def label(self) -> str:
        if self.span == 3:
            quarter = (self.last_month.month - 1) // 3 + 1
            return _("%(q)s. Quartal %(year)s") % {"q": quarter, "year": self.last_month.year}
        return self.last_month.strftime("%m/%Y")

    @property
    def slug(self) -> str:
        if self.span == 3:
            return f"{self.last_month.year}-q{(self.last_month.month - 1) // 3 + 1}"
        return f"{self.last_month:%Y-%m}"


def size_groups(item: PromiseOverview) -> list[tuple[str, list]]:
    """The rows of a promise grouped by size class (smallest first), each group in the
    dashboard's order: comparisons are meant within a class, never as one league table."""
    order = list(SIZE_LABELS)
    groups: dict[str, list] = {}
    for row in item.rows:
        groups.setdefault(row.size_class, []).append(row)
    keys = sorted(groups, key=lambda k: order.index(k) if k in order else len(order))
    return [(str(SIZE_LABELS.get(k, k)), groups[k]) for k in keys]


def _css() -> str:
    with open(finders.find("standards/print.css"), encoding="utf-8") as fh:
        return fh.read()


def report_html(*, template: str, context: dict, printed: datetime) -> str:
    return render_to_string(template, {**context, "css": _css(), "printed": printed})


def render_pdf(html: str) -> bytes:
    return html_to_pdf(html)
