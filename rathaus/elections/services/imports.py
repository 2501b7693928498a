"""Importing results from a votemanager open-data CSV (checked first, written on commit)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.core import audit
from rathaus.elections.models import District, Election, Result
from rathaus.elections.services.results import check_figures, normalise, result_enter
from rathaus.engines.counting import CsvImportError, CsvMeta, DistrictResult, read_csv
from rathaus.engines.counting.german import fmt_date

ENTERED = "entered"
ELIGIBLE_TAKEN = "eligible_taken"
# what a line does, as the preview shows it
CHANGE_LABELS = {
    ENTERED: gettext_lazy("erfasst"),
    ELIGIBLE_TAKEN: gettext_lazy("Wahlberechtigte übernommen"),
}


@dataclass
class ImportOutcome:
    ok: bool
    errors: list[tuple[int, str]] = field(default_factory=list)
    changes: list[tuple[int, str, str]] = field(default_factory=list)  # line, district, what
    committed: bool = False
    n_entered: int = 0


def _line_numbers(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=";")
    try:
        for row in reader:
            if len(row) > 3 and row[3] not in lines:
                lines[row[3]] = reader.line_num
    except csv.Error:
        pass
    return lines


def _meta_errors(election: Election, meta: CsvMeta) -> list[tuple[int, str]]:
    """The file must be of this municipality (AGS) and this election day (line 2)."""
    errors: list[tuple[int, str]] = []
    town = election.municipality
    if meta.ags != town.ags:
        errors.append(
            (
                2,
                _("ags: %(ags)s ist nicht der Gemeindeschlüssel von %(town)s (%(town_ags)s)")
                % {"ags": meta.ags, "town": town.name, "town_ags": town.ags},
            )
        )
    if meta.date != election.date:
        errors.append(
            (
                2,
                _("datum: %(date)s ist nicht der Wahltag dieser Wahl (%(election_date)s)")
                % {"date": fmt_date(meta.date), "election_date": fmt_date(election.date)},
            )
        )
    return errors


def _figures_of(r: DistrictResult) -> dict:
    return {
        "a1": r.A1,
        "a2": r.A2,
        "a3": r.A3,
        "a": r.A,
        "b": r.B,
        "b1": r.B1,
        "c": r.C,
        "d": r.D,
        "votes": list(r.votes),
    }


def _plan_line(
    district: District, figures: dict, reported: bool, n: int
) -> tuple[str | None, list[str]]:
    """What one CSV line does to its district: (what, problems); what is None = nothing."""
    result = district.result
    current = result.figures()
    if not reported:
        if any(figures[f] is not None for f in ("b", "b1", "c", "d")) or any(
            v is not None for v in figures["votes"]
        ):
            return None, [p.message for p in check_figures(district, figures, n)]
        eligible_same = all(figures[f] == current[f] for f in ("a1", "a2", "a3", "a"))
        if result.state == Result.State.EMPTY and not eligible_same:
            return ELIGIBLE_TAKEN, []
        return None, []
    problems = check_figures(district, figures, n)
    if problems:
        return None, [p.message for p in problems]
    if figures == current and result.state != Result.State.EMPTY:
        return None, []  # unchanged
    if result.state == Result.State.APPROVED:
        return None, [
            _(
                "%(district)s: ist bereits freigegeben; Korrekturen nach der Freigabe bitte "
                "einzeln mit Begründung erfassen."
            )
            % {"district": district}
        ]
    return ENTERED, []


def _write(*, election: Election, plan: list, actor, n_entered: int) -> None:
    with transaction.atomic():
        for _line, district, figures, what in plan:
            if what == ENTERED:
                result_enter(result=district.result, actor=actor, figures=figures)
            else:
                Result.objects.filter(pk=district.result.pk, state=Result.State.EMPTY).update(
                    **{f: figures[f] for f in ("a1", "a2", "a3", "a")}
                )
        audit.record(
            actor=actor,
            instance=election,
            action="action",
            summary=f"CSV-Import: {n_entered} Meldungen erfasst",
        )


def results_import_csv(*, election: Election, data: bytes, actor, commit: bool) -> ImportOutcome:
    """Import a votemanager open-data CSV: all lines or none.

    Refused as a whole, with line numbers, for a wrong column layout, another encoding than
    UTF-8, unknown districts, negative or non-numeric figures, another AGS or election date,
    implausible figures, or changes of already approved districts (those need a correction with
    a reason). Reported districts are entered by ``actor`` and wait for another's approval.
    """
    districts = {
        d.number: d for d in District.objects.filter(election=election).select_related("result")
    }
    n = election.candidates.count()
    try:
        meta, results = read_csv(
            data, expected_districts={k: d.kind for k, d in districts.items()}, n_candidates=n
        )
    except CsvImportError as exc:
        return ImportOutcome(False, errors=sorted(exc.problems))
    lines = _line_numbers(data.decode("utf-8-sig"))
    errors = _meta_errors(election, meta)
    plan: list[tuple[int, District, dict, str]] = []
    for r in results:
        line = lines.get(r.number, 0)
        district = districts[r.number]
        figures = normalise(district, _figures_of(r), n)
        what, problems = _plan_line(district, figures, r.reported, n)
        errors.extend((line, message) for message in problems)
        if what is not None and not problems:
            plan.append((line, district, figures, what))
    if errors:
        return ImportOutcome(False, errors=sorted(errors))
    outcome = ImportOutcome(
        True,
        changes=[(line, str(d), str(CHANGE_LABELS[what])) for line, d, _f, what in plan],
        n_entered=sum(1 for *_rest, what in plan if what == ENTERED),
    )
    if commit:
        _write(election=election, plan=plan, actor=actor, n_entered=outcome.n_entered)
        outcome.committed = True
    return outcome
