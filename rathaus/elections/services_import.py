"""Importing results from a votemanager open-data CSV (checked first, written on commit)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from rathaus.core import audit
from rathaus.elections.models import (
    District,
    Election,
    Result,
)
from rathaus.elections.services import (
    check_figures,
    normalise,
    result_enter,
)
from rathaus.engines.counting import (
    CsvImportError,
    read_csv,
)
from rathaus.engines.counting.german import fmt_date


@dataclass
class ImportOutcome:
    ok: bool
    errors: list[tuple[int, str]] = field(default_factory=list)
    changes: list[tuple[int, str, str]] = field(default_factory=list)  # line, district, what
    committed: bool = False

    @property
    def n_entered(self) -> int:
        return sum(1 for c in self.changes if c[2] == "erfasst")


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
    text = data.decode("utf-8-sig")
    lines = _line_numbers(text)
    errors: list[tuple[int, str]] = []
    if meta.ags != election.municipality.ags:
        errors.append(
            (
                2,
                f"ags: {meta.ags} ist nicht der Gemeindeschlüssel von {election.municipality.name} "
                f"({election.municipality.ags})",
            )
        )
    if meta.date != election.date:
        errors.append(
            (
                2,
                f"datum: {fmt_date(meta.date)} ist nicht der Wahltag dieser Wahl "
                f"({fmt_date(election.date)})",
            )
        )
    plan: list[tuple[int, District, dict, str]] = []
    for r in results:
        line = lines.get(r.number, 0)
        district = districts[r.number]
        result = district.result
        figures = normalise(
            district,
            {
                "a1": r.A1,
                "a2": r.A2,
                "a3": r.A3,
                "a": r.A,
                "b": r.B,
                "b1": r.B1,
                "c": r.C,
                "d": r.D,
                "votes": list(r.votes),
            },
            n,
        )
        current = result.figures()
        if not r.reported:
            if any(figures[f] is not None for f in ("b", "b1", "c", "d")) or any(
                v is not None for v in figures["votes"]
            ):
                for p in check_figures(district, figures, n):
                    errors.append((line, p.message))
                continue
            eligible_same = all(figures[f] == current[f] for f in ("a1", "a2", "a3", "a"))
            if result.state == Result.State.EMPTY and not eligible_same:
                plan.append((line, district, figures, "Wahlberechtigte übernommen"))
            continue
        problems = check_figures(district, figures, n)
        if problems:
            errors.extend((line, p.message) for p in problems)
            continue
        if figures == current and result.state != Result.State.EMPTY:
            continue  # unchanged
        if result.state == Result.State.APPROVED:
            errors.append(
                (
                    line,
                    f"{district}: ist bereits freigegeben; Korrekturen nach der Freigabe "
                    f"bitte einzeln mit Begründung erfassen.",
                )
            )
            continue
        plan.append((line, district, figures, "erfasst"))
    if errors:
        return ImportOutcome(False, errors=sorted(errors))
    outcome = ImportOutcome(True, changes=[(line, str(d), what) for line, d, _f, what in plan])
    if commit:
        with transaction.atomic():
            for _line, district, figures, what in plan:
                if what == "erfasst":
                    result_enter(result=district.result, actor=actor, figures=figures)
                else:
                    Result.objects.filter(pk=district.result.pk, state=Result.State.EMPTY).update(
                        **{f: figures[f] for f in ("a1", "a2", "a3", "a")}
                    )
            audit.record(
                actor=actor,
                instance=election,
                action="action",
                summary=f"CSV-Import: {outcome.n_entered} Meldungen erfasst",
            )
        outcome.committed = True
    return outcome
