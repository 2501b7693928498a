"""Texts of a result and its bar chart (drawn by ``rathaus.core.charts``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from rathaus.core.charts import BarChart
from rathaus.core.charts import bar_chart as core_bar_chart
from rathaus.elections.selectors.elections import runoff_date_for
from rathaus.elections.selectors.results import Report
from rathaus.engines.counting import Outcome
from rathaus.engines.counting.german import fmt_date, fmt_int, fmt_pct, percent


def _names(names) -> str:
    names = list(names)
    if len(names) == 1:
        return names[0]
    # Translators: joins candidate names, e.g. "Anna Beispiel und Bernd Muster".
    return _("%(first)s und %(second)s") % {"first": ", ".join(names[:-1]), "second": names[-1]}


def headline(rep: Report) -> tuple[str, str]:
    """(css modifier, headline in the active language) of the § 46c decision."""
    if rep.referendum is not None:
        return ("info" if rep.referendum.provisional else "success"), referendum_headline(rep)
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


def bar_chart(rep: Report, *, title: str, caption: str = "") -> BarChart:
    """Share of valid votes per candidate (core bar chart): name and figure as text on every
    bar, a dashed line at half of the valid votes, and the previous election's share as a
    second, hatched bar when there is one."""
    rows = rep.candidate_rows
    labels = [row.label if rep.yes_no else f"{row.label} ({row.party})" for row in rows]
    if rep.referendum is not None:
        labels = [_("Ja"), _("Nein")][: len(rows)]
    series: tuple[str, ...] = ()
    data: list = [(label, row.share) for label, row in zip(labels, rows, strict=True)]
    if rep.previous is not None:
        series = (f"{rep.election.date:%Y}", f"{rep.previous.election.date:%Y}")
        data = [
            (label, (row.share, row.previous_share))
            for label, row in zip(labels, rows, strict=True)
        ]
    return core_bar_chart(
        title=title,
        data=data,
        series=series,
        unit="%",
        value_format=fmt_pct,
        threshold=(50, _("Hälfte der gültigen Stimmen")),
        distinct=True,
        caption=caption,
        category_label=_("Stimmen") if rep.yes_no else _("Bewerber/in"),
        id=f"wahl-{rep.election.pk}",
    )


# --- the reasons under the headline, in the active language --------------------------------
# The engine states its reasons in German for its own callers; the pages and the API say
# them again here through gettext, so that an English page shows no German sentence.

RULE_MAJORITY = "§ 46c Abs. 2 Satz 2 KWahlG NRW"
RULE_SINGLE = "§ 46c Abs. 2 Satz 3 KWahlG NRW"
RULE_RUNOFF = "§ 46c Abs. 3 Satz 1 KWahlG NRW"
RULE_LOT = "§ 46c Abs. 3 Satz 4 KWahlG NRW"
RULE_RUNOFF_WIN = "§ 46c Abs. 3 Satz 5 KWahlG NRW"
RULE_RUNOFF_LOT = "§ 46c Abs. 3 Satz 6 KWahlG NRW"
RULE_REFERENDUM = "§ 26 Abs. 7 GO NRW"


def _progress(rep: Report) -> str:
    return _("Vorläufiges Ergebnis: %(reported)s von %(total)s Bezirken gemeldet.") % {
        "reported": fmt_int(rep.totals.districts_reported),
        "total": fmt_int(rep.totals.districts_total),
    }


def _votes(rep: Report, name: str) -> str:
    t = rep.totals
    votes = t.votes[t.candidates.index(name)]
    return _("%(name)s mit %(votes)s von %(valid)s gültigen Stimmen (%(share)s)") % {
        "name": name,
        "votes": fmt_int(votes),
        "valid": fmt_int(t.valid),
        "share": fmt_pct(percent(votes, t.valid)),
    }


def _leader(rep: Report) -> str:
    t = rep.totals
    return t.candidates[max(range(len(t.votes)), key=lambda i: (t.votes[i], -i))]


def _elected_reason(rep: Report, d) -> str:
    name = d.elected
    if d.is_runoff_ballot:
        return _("Gewählt ist in der Stichwahl %(votes)s: die höchste Stimmenzahl (%(rule)s).") % {
            "votes": _votes(rep, name),
            "rule": RULE_RUNOFF_WIN,
        }
    if len(rep.labels) == 1:
        return _(
            "Gewählt ist %(name)s als einziger Bewerber: Mehrheit der gültigen Stimmen mit Ja "
            "und mindestens 25 %% der Wahlberechtigten (%(rule)s)."
        ) % {"name": name, "rule": RULE_SINGLE}
    return _("Gewählt ist %(votes)s: mehr als die Hälfte der gültigen Stimmen (%(rule)s).") % {
        "votes": _votes(rep, name),
        "rule": RULE_MAJORITY,
    }


def _runoff_reasons(rep: Report, d, outcome: Outcome) -> list[str]:
    if d.is_runoff_ballot:
        return [
            _(
                "%(names)s haben in der Stichwahl gleich viele Stimmen; es entscheidet das vom "
                "Wahlleiter zu ziehende Los (%(rule)s)."
            )
            % {"names": _names(d.lot_candidates), "rule": RULE_RUNOFF_LOT}
        ]
    out = [
        _(
            "Kein Bewerber hat mehr als die Hälfte der gültigen Stimmen erhalten; die höchste "
            "Stimmenzahl hat %(votes)s (%(rule)s)."
        )
        % {"votes": _votes(rep, _leader(rep)), "rule": RULE_MAJORITY}
    ]
    if outcome is Outcome.RUNOFF:
        out.append(
            _("Stichwahl zwischen %(names)s (%(rule)s).")
            % {"names": _names(d.runoff_candidates), "rule": RULE_RUNOFF}
        )
    else:
        out.append(
            _(
                "%(names)s haben gleich viele Stimmen; über die offenen Plätze in der Stichwahl "
                "entscheidet das vom Wahlleiter zu ziehende Los (%(rule)s)."
            )
            % {"names": _names(d.lot_candidates), "rule": RULE_LOT}
        )
    return out


def _referendum_reasons(rep: Report) -> list[str]:
    r = rep.referendum
    out = [_progress(rep)] if r.provisional else []
    if r.outcome == "no_votes":
        return out
    texts = {
        "yes": _("Die Mehrheit der gültigen Stimmen lautet auf Ja und erreicht das Quorum."),
        "no": _(
            "Die Mehrheit der gültigen Stimmen lautet auf Nein (bei Stimmengleichheit gilt die "
            "Frage als mit Nein beantwortet) und erreicht das Quorum."
        ),
        "quorum_missed": _(
            "Die Mehrheit erreicht nicht das Quorum; die Angelegenheit entscheidet der Rat."
        ),
    }
    t = rep.totals
    quorum = rep.election.quorum_percent
    out.append(f"{texts[r.outcome]} ({RULE_REFERENDUM})")
    out.append(
        _(
            "Ja %(yes)s, Nein %(no)s; erforderlich sind mindestens %(quorum)s %% von "
            "%(eligible)s Stimmberechtigten = %(needed)s Stimmen für die Mehrheit."
        )
        % {
            "yes": fmt_int(t.votes[0]),
            "no": fmt_int(t.votes[1]),
            "quorum": quorum,
            "eligible": fmt_int(t.eligible),
            "needed": fmt_int(-(-t.eligible * quorum // 100)),
        }
    )
    return out


def referendum_headline(rep: Report) -> str:
    r = rep.referendum
    text = {
        "yes": _("Der Bürgerentscheid ist mit Ja entschieden"),
        "no": _("Der Bürgerentscheid ist mit Nein entschieden"),
        "quorum_missed": _("Quorum nicht erreicht – der Rat entscheidet"),
        "no_votes": _("Noch keine Ergebnisse"),
    }[r.outcome]
    if r.provisional and r.outcome != "no_votes":
        return _("Vorläufig: %(headline)s") % {"headline": text}
    return text


def reasons(rep: Report) -> list[str]:
    """Why the headline says what it says, in the active language."""
    if rep.referendum is not None:
        return _referendum_reasons(rep)
    d = rep.decision
    if d is None:
        return []
    out = [_progress(rep)] if d.outcome is Outcome.INCOMPLETE else []
    outcome = d.effective
    if rep.totals.valid <= 0:
        if outcome is Outcome.NOT_ELECTED:
            out.append(_("Es wurden keine gültigen Stimmen abgegeben; niemand ist gewählt."))
        else:
            out.append(_("Noch keine gültigen Stimmen gemeldet."))
        return out
    if outcome is Outcome.ELECTED:
        out.append(_elected_reason(rep, d))
    elif outcome in (Outcome.RUNOFF, Outcome.LOT_NEEDED):
        out.extend(_runoff_reasons(rep, d, outcome))
    elif outcome is Outcome.NOT_ELECTED:
        out.append(
            _(
                "%(name)s ist nicht gewählt: Die Ja-Stimmen sind nicht die Mehrheit der gültigen "
                "Stimmen oder erreichen nicht 25 %% der Wahlberechtigten (%(rule)s)."
            )
            % {"name": rep.labels[0], "rule": RULE_SINGLE}
        )
    drawn = [n for n in (*d.runoff_candidates, d.elected or "") if n in d.lot_candidates]
    if d.lot_candidates and outcome is not Outcome.LOT_NEEDED and drawn:
        out.append(_("Durch Los bestimmt: %(names)s.") % {"names": _names(drawn)})
    return out
