"""Texts and the server-rendered SVG bar chart of a result (no inline styles or scripts)."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from rathaus.elections.selectors.elections import runoff_date_for
from rathaus.elections.selectors.results import Report
from rathaus.engines.counting import Outcome
from rathaus.engines.counting.german import fmt_date, fmt_pct


def _names(names) -> str:
    names = list(names)
    if len(names) == 1:
        return names[0]
    # Translators: joins candidate names, e.g. "Anna Beispiel und Bernd Muster".
    return _("%(first)s und %(second)s") % {"first": ", ".join(names[:-1]), "second": names[-1]}


def headline(rep: Report) -> tuple[str, str]:
    """(css modifier, headline in the active language) of the § 46c decision."""
    if rep.referendum is not None:
        return ("info" if rep.referendum.provisional else "success"), rep.referendum.headline
    d = rep.decision
    if d is None:
        return "info", ""
    outcome = d.effective
    if outcome is Outcome.ELECTED:
        text = _("Gewählt: %(name)s") % {"name": d.elected}
    elif outcome is Outcome.RUNOFF:
        when = d.runoff_date or runoff_date_for(rep.election)
        text = _("Stichwahl am %(date)s zwischen %(names)s") % {
            "date": fmt_date(when),
            "names": _names(d.runoff_candidates),
        }
    elif outcome is Outcome.LOT_NEEDED:
        text = _("Losentscheid erforderlich zwischen %(names)s") % {
            "names": _names(d.lot_candidates)
        }
    elif outcome is Outcome.NOT_ELECTED:
        text = _("Niemand ist gewählt")
    else:
        text = _("Noch keine Ergebnisse")
    if d.outcome is Outcome.INCOMPLETE:
        return "info", _("Vorläufig: %(headline)s") % {"headline": text}
    return "success", text


def bar_chart(rep: Report, *, title: str) -> SafeString:
    """Horizontal bars: share of valid votes per candidate, with name and figure as text."""
    rows = rep.candidate_rows
    width, label_w, bar_w, row_h = 640, 230, 300, 36
    height = row_h * len(rows) + 10
    parts = [
        format_html(
            '<svg class="elections-chart" viewBox="0 0 {} {}" width="100%" role="img" '
            'aria-labelledby="{}" xmlns="http://www.w3.org/2000/svg">',
            width,
            height,
            f"chart-title-{rep.election.pk}",
        ),
        format_html('<title id="chart-title-{}">{}</title>', rep.election.pk, title),
    ]
    for i, row in enumerate(rows):
        y = 5 + i * row_h
        share = row.share or 0
        w = max(0.0, min(1.0, float(share) / 100.0)) * bar_w
        label = row.label if rep.yes_no else f"{row.label} ({row.party})"
        if rep.referendum is not None:
            label = _("Ja") if i == 0 else _("Nein")
        label = label if len(label) <= 30 else label[:29] + "…"
        parts.append(
            format_html(
                '<text class="elections-chart__label" x="0" y="{}">{}</text>'
                '<rect class="elections-chart__bar elections-chart__bar--{}" x="{}" y="{}" '
                'width="{}" height="{}"></rect>'
                '<text class="elections-chart__value" x="{}" y="{}">{}</text>',
                y + 22,
                label,
                (i % 8) + 1,
                label_w,
                y + 4,
                f"{w:.1f}",
                row_h - 10,
                f"{label_w + w + 8:.1f}",
                y + 22,
                fmt_pct(row.share) if row.share is not None else "–",
            )
        )
    parts.append("</svg>")
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part escaped above
