"""Writes of district results: entry (and correction) with four eyes, approval.

A result is entered by one officer and approved by another; a change after approval needs a
reason, is logged as a ``Correction`` and withdraws the approval.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.problems import Conflict, DomainError
from rathaus.elections import caching
from rathaus.elections.models import (
    COLUMN_LABELS,
    FIGURE_FIELDS,
    Correction,
    District,
    Election,
    Result,
)
from rathaus.elections.services.elections import result_ensure
from rathaus.engines.counting import DistrictResult, Problem, check_district, vote_columns

MAX_FIGURE = 999_999_999
# The engine's plausibility problems, worded in the active language from their figures.
PROBLEM_TEXTS = {
    "kind": gettext_lazy("unbekannte Art %(kind)s (erlaubt: urne, brief)"),
    "number": gettext_lazy("Bezirksnummer fehlt"),
    "vote_columns": gettext_lazy("hat %(got)s Stimmenspalten, erwartet %(expected)s"),
    "negative": gettext_lazy("%(value)s ist negativ"),
    "incomplete": gettext_lazy("fehlt; unvollständige Meldung (%(missing)s)"),
    "valid_sum": gettext_lazy(
        "%(value)s ist nicht die Summe der Einzelstimmen D1…D%(last)s (%(total)s)"
    ),
    "voters_sum": gettext_lazy(
        "%(value)s ist nicht die Summe aus ungültigen (C) und gültigen (D) Stimmen (%(total)s)"
    ),
    "card_voters": gettext_lazy("%(value)s ist größer als B (Wähler) %(other)s"),
    "postal_eligible": gettext_lazy("%(value)s muss im Briefwahlbezirk 0 sein"),
    "postal_card_voters": gettext_lazy(
        "%(value)s muss im Briefwahlbezirk gleich B (Wähler) %(other)s sein"
    ),
    "eligible_sum": gettext_lazy("%(value)s ist nicht die Summe A1 + A2 + A3 (%(total)s)"),
    "voters_exceed_eligible": gettext_lazy(
        "%(value)s ist größer als A (Wahlberechtigte insgesamt) %(other)s"
    ),
}


def column_label(column: str, n_candidates: int) -> str:
    """A votemanager column as staff read it, in the active language."""
    if column in COLUMN_LABELS:
        return str(COLUMN_LABELS[column])
    if n_candidates == 1 and column in ("D1", "D2"):
        return _("Ja-Stimmen") if column == "D1" else _("Nein-Stimmen")
    return _("Stimmen für Wahlvorschlag %(number)s") % {"number": column[1:]}


def district_label(engine: DistrictResult) -> str:
    """ "Wahlbezirk 0101 (Altstadt Nord)" in the active language."""
    text = _("Briefwahlbezirk %(number)s (%(name)s)") if engine.kind == "brief" else None
    text = text or _("Wahlbezirk %(number)s (%(name)s)")
    return text % {"number": engine.number, "name": engine.name}


def _worded(problem: Problem, label: str, n_candidates: int) -> Problem:
    """The engine's German message, worded again in the active language."""
    text = PROBLEM_TEXTS.get(problem.code)
    if text is None:
        return problem
    values = {
        k: number_format(v, force_grouping=True) if isinstance(v, int) else v
        for k, v in problem.params.items()
    }
    column = problem.column
    where = f"{column} ({column_label(column, n_candidates)}) " if column else ""
    message = f"{label}: {where}{text % values}"
    return Problem(problem.code, column, problem.district, message, problem.params)


class PlausibilityError(DomainError):
    """Figures failed the engine's plausibility rules; ``problems`` name district and column."""

    status = 422

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__(
            "implausible",
            _("Die Meldung ist nicht plausibel: %(problems)s")
            % {"problems": " ".join(p.message for p in self.problems)},
            errors=[{"field": p.column or None, "message": p.message} for p in self.problems],
        )


# --- entry with four eyes -------------------------------------------------------------------


def _engine_result(district: District, figures: dict, n_candidates: int) -> DistrictResult:
    votes = tuple(figures.get("votes") or ())
    return DistrictResult(
        district.number,
        district.name,
        district.kind,
        figures.get("a1"),
        figures.get("a2"),
        figures.get("a3"),
        figures.get("a"),
        figures.get("b"),
        figures.get("b1"),
        figures.get("c"),
        figures.get("d"),
        votes,
    )


def normalise(district: District, figures: dict, n_candidates: int) -> dict:
    """Figures as stored: ints or None, votes padded to the number of vote columns; postal
    districts have 0 eligible voters (votemanager writes 0)."""
    out = {f: figures.get(f) for f in FIGURE_FIELDS}
    votes = list(figures.get("votes") or [])
    n = vote_columns(n_candidates)
    votes = (votes + [None] * n)[:n] if len(votes) < n else votes
    out["votes"] = votes
    if district.kind == District.Kind.POSTAL:
        for f in ("a1", "a2", "a3", "a"):
            if out[f] is None:
                out[f] = 0
    return out


def check_figures(district: District, figures: dict, n_candidates: int) -> list[Problem]:
    """Engine plausibility plus: a report must be complete to be entered."""
    engine = _engine_result(district, figures, n_candidates)
    label = district_label(engine)
    problems = [_worded(p, label, n_candidates) for p in check_district(engine, n_candidates)]
    values = [(f.upper(), figures.get(f)) for f in FIGURE_FIELDS] + [
        (f"D{i}", v) for i, v in enumerate(figures.get("votes") or [], start=1)
    ]
    for col, v in values:
        if v is not None and v > MAX_FIGURE:
            message = _("%(district)s: %(column)s ist zu groß.") % {
                "district": label,
                "column": col,
            }
            problems.append(Problem("too_large", col, district.number, message))
    if not problems and not engine.reported:
        missing = [
            c
            for c, v in (
                ("B", engine.B),
                ("B1", engine.B1),
                ("C", engine.C),
                ("D", engine.D),
                *((f"D{i}", v) for i, v in enumerate(engine.votes, start=1)),
            )
            if v is None
        ] or ["A"]
        col = missing[0]
        problems.append(
            Problem(
                "incomplete",
                col,
                district.number,
                _(
                    "%(district)s: %(column)s (%(title)s) fehlt; bitte die vollständige "
                    "Meldung erfassen."
                )
                % {
                    "district": label,
                    "column": col,
                    "title": column_label(col, n_candidates),
                },
            )
        )
    return problems


def _lock_result(result: Result) -> Result:
    return (
        Result.objects.select_for_update().select_related("district", "election").get(pk=result.pk)
    )


def _refuse_without_candidates(n_candidates: int) -> None:
    if n_candidates == 0:
        raise Conflict(
            "no_candidates",
            _(
                "Diese Wahl hat noch keine Bewerber; ohne Stimmzettel können keine Zahlen "
                "erfasst werden."
            ),
        )


def _refuse_if_final_or_stale(result: Result, expected_revision: int | None) -> None:
    if result.election.status == Election.Status.FINAL:
        raise Conflict(
            "election_final",
            _("Das endgültige Ergebnis ist festgestellt; Änderungen sind nicht mehr möglich."),
        )
    if expected_revision is not None and expected_revision != result.revision:
        raise Conflict(
            "stale",
            _(
                "%(district)s: Die Meldung wurde inzwischen geändert. Bitte neu laden und "
                "erneut prüfen."
            )
            % {"district": result.district},
        )


def _record_correction(
    *, result: Result, actor, old: dict, new: dict, stage: str, reason: str
) -> None:
    """A change after approval: refused when unchanged or without a reason, else logged."""
    if old == new and result.stage == stage:
        raise DomainError(
            "unchanged",
            _("%(district)s: Die Zahlen sind unverändert.") % {"district": result.district},
            status=422,
        )
    if old == new:
        return  # the final report confirms the approved quick report: approved again, no log
    if not reason:
        raise DomainError(
            "reason_required",
            _(
                "%(district)s: Für eine Korrektur nach der Freigabe ist eine Begründung "
                "erforderlich."
            )
            % {"district": result.district},
            status=422,
            errors=[{"field": "reason", "message": _("Bitte eine Begründung angeben.")}],
        )
    Correction.objects.create(
        municipality_id=result.municipality_id,
        result=result,
        actor=actor,
        before=old,
        after=new,
        reason=reason[:2000],
    )


def _store_entry(*, result: Result, actor, new: dict, stage: str, now: datetime) -> None:
    for f in FIGURE_FIELDS:
        setattr(result, f, new[f])
    result.votes = new["votes"]
    result.state = Result.State.ENTERED
    result.stage = stage if stage in Result.Stage.values else Result.Stage.QUICK
    result.entered_by = actor
    result.entered_at = now
    result.approved_by = None
    result.approved_at = None
    result.revision += 1
    result.save()


@transaction.atomic
def result_enter(
    *,
    result: Result,
    actor,
    figures: dict,
    reason: str = "",
    stage: str = Result.Stage.QUICK,
    expected_revision: int | None = None,
    now: datetime | None = None,
) -> Result:
    """Enter (or correct) a district's figures; the result then waits for another's approval.

    A change after approval needs a reason, is logged as a ``Correction`` and withdraws the
    approval (the figures vanish from the public page until someone else approves again).
    """
    if result.pk is None:
        result = result_ensure(district=result.district)
    result = _lock_result(result)
    election = result.election
    _refuse_if_final_or_stale(result, expected_revision)
    n = election.candidates.count()
    _refuse_without_candidates(n)
    new = normalise(result.district, figures, n)
    problems = check_figures(result.district, new, n)
    if problems:
        raise PlausibilityError(problems)
    old = result.figures()
    was_approved = result.state == Result.State.APPROVED
    reason = (reason or "").strip()
    if was_approved:
        _record_correction(result=result, actor=actor, old=old, new=new, stage=stage, reason=reason)
    before = audit.snapshot(result)
    _store_entry(result=result, actor=actor, new=new, stage=stage, now=now_or(now))
    audit.record(
        actor=actor,
        instance=result,
        action="update",
        before=before,
        after=audit.snapshot(result),
        summary=(
            f"Korrektur {result.district}: {reason}"
            if was_approved
            else f"Meldung erfasst: {result.district}"
        ),
    )
    if election.status == Election.Status.PREPARATION:
        Election.objects.filter(pk=election.pk).update(status=Election.Status.COUNTING)
        caching.bump(election.pk)
        caching.bump(election.first_round_id)  # the first round now links to its runoff
    if was_approved:
        caching.bump(election.pk)
    return result


@transaction.atomic
def result_approve(
    *, result: Result, actor, expected_revision: int | None = None, now: datetime | None = None
) -> Result:
    """Approve a result entered by someone else (four eyes)."""
    if result.pk is None:
        raise Conflict(
            "not_pending",
            _("%(district)s: Es liegt keine Meldung zur Freigabe vor (Stand: %(state)s).")
            % {"district": result.district, "state": result.get_state_display()},
        )
    result = _lock_result(result)
    if result.state != Result.State.ENTERED:
        raise Conflict(
            "not_pending",
            _("%(district)s: Es liegt keine Meldung zur Freigabe vor (Stand: %(state)s).")
            % {"district": result.district, "state": result.get_state_display()},
        )
    if expected_revision is not None and expected_revision != result.revision:
        raise Conflict(
            "stale",
            _("%(district)s: Die Meldung wurde inzwischen geändert. Bitte neu prüfen.")
            % {"district": result.district},
        )
    if actor is None or result.entered_by_id == actor.pk:
        raise DomainError(
            "four_eyes",
            _(
                "%(district)s: Vier-Augen-Prinzip – Sie haben diese Meldung selbst erfasst; "
                "freigeben muss eine andere Person des Wahlamts."
            )
            % {"district": result.district},
            status=403,
        )
    before = audit.snapshot(result)
    result.state = Result.State.APPROVED
    result.approved_by = actor
    result.approved_at = now_or(now)
    result.approved_figures = {**result.figures(), "stage": result.stage}
    result.save(update_fields=["state", "approved_by", "approved_at", "approved_figures"])
    audit.record(
        actor=actor,
        instance=result,
        action="action",
        before=before,
        after=audit.snapshot(result),
        summary=f"Meldung freigegeben: {result.district}",
    )
    caching.bump(result.election_id)
    return result
