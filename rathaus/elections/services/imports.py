"""Importing results from a votemanager open-data CSV (checked first, written on commit)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.core import audit, text
from rathaus.core.imports import ImportResult
from rathaus.core.tabular import TabularError, read_table
from rathaus.elections.models import District, Election, Result
from rathaus.elections.services.elections import DistrictSpec, districts_add
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
        # every result row first, in id order: then the cache version's row lock (taken by
        # the first entry) is never held while waiting for a result an approver holds
        ids = sorted(district.result.pk for _line, district, _f, _what in plan)
        list(Result.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
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


# --- the district list of an election in preparation (CSV or Excel) ------------------------

DISTRICT_COLUMNS = ["nummer", "name"]
DISTRICT_OPTIONAL = ["art", "a1", "a2", "a3"]
DISTRICT_KINDS = {
    "": District.Kind.POLLING,
    "urne": District.Kind.POLLING,
    "wahlbezirk": District.Kind.POLLING,
    "brief": District.Kind.POSTAL,
    "briefwahl": District.Kind.POSTAL,
    "briefwahlbezirk": District.Kind.POSTAL,
}


def _district_text(values: dict, column: str, label: str, max_length: int) -> tuple[str, list]:
    value = values.get(column, "")
    if not value:
        return value, [_("%(column)s fehlt") % {"column": label}]
    if text.has_control_characters(value):
        return value, [f"{label}: {text.MESSAGE}"]
    if len(value) > max_length:
        return value, [
            _("%(column)s: höchstens %(max)s Zeichen") % {"column": label, "max": max_length}
        ]
    return value, []


def _district_eligible(values: dict, kind: str) -> tuple[list[int | None], list[str]]:
    cells = [values.get(c, "") for c in ("a1", "a2", "a3")]
    if not any(cells):
        return [None, None, None], []
    if kind == District.Kind.POSTAL:
        return [None, None, None], [_("Briefwahlbezirke haben keine Wahlberechtigten (A1–A3)")]
    try:
        numbers = [int(c) for c in cells]
        if any(n < 0 or n > 9_999_999 for n in numbers):
            raise ValueError
    except ValueError:
        return [None, None, None], [
            _("A1, A2 und A3 müssen ganze Zahlen ab 0 sein (alle drei oder keine)")
        ]
    return numbers, []


def _district_row(values: dict, line: int, seen: dict, existing: set) -> tuple:
    """The district of one row (a spec dict) and its problems."""
    number, problems = _district_text(values, "nummer", _("Nummer"), 20)
    name, name_problems = _district_text(values, "name", _("Name"), 200)
    problems += name_problems
    if number in existing:
        problems.append(
            _("Wahlbezirk %(number)s gibt es in dieser Wahl schon") % {"number": number}
        )
    elif number and number in seen:
        problems.append(
            _("Nummer %(number)s doppelt (schon in Zeile %(line)s)")
            % {"number": number, "line": seen[number]}
        )
    seen.setdefault(number, line)
    kind = DISTRICT_KINDS.get(values.get("art", "").lower())
    if kind is None:
        problems.append(_("Art muss „urne“ oder „brief“ sein"))
        kind = District.Kind.POLLING
    eligible, eligible_problems = _district_eligible(values, kind)
    problems += eligible_problems
    total = sum(eligible) if eligible[0] is not None else None
    return (number, name, kind, *eligible, total), problems


def districts_import_csv(
    *, election: Election, data: bytes, filename: str, actor, commit: bool
) -> ImportResult:
    """Import the district list of an election in preparation: every row or none.

    Refused as a whole, with line numbers and German messages, for a missing or unknown
    column, an unreadable file, a missing number or name, a number twice (in the file or in
    the election), an unknown kind, or eligible voters that are not whole numbers.
    """
    result = ImportResult(kind="districts")
    try:
        rows = read_table(data, filename, required=DISTRICT_COLUMNS, optional=DISTRICT_OPTIONAL)
    except TabularError as exc:
        result.errors.append((1, str(exc)))
        return result
    if not rows:
        result.errors.append((1, _("Die Datei enthält keine Datenzeilen.")))
        return result
    existing = set(District.objects.filter(election=election).values_list("number", flat=True))
    seen: dict[str, int] = {}
    for row in rows:
        if "__error__" in row.values:
            result.errors.append((row.line, row.values["__error__"]))
            continue
        values, problems = _district_row(row.values, row.line, seen, existing)
        result.errors.extend((row.line, p) for p in problems)
        if not problems:
            result.rows.append(
                dict(zip(("number", "name", "kind", "a1", "a2", "a3", "a"), values, strict=True))
            )
    if commit and result.ok:
        specs = [DistrictSpec(**values) for values in result.rows]
        districts_add(election=election, specs=specs, actor=actor)
        result.created = len(specs)
    return result
