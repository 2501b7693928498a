"""Independent validator for NRP schedules.

Deliberately shares no code with ``solver.py`` and uses no OR-Tools: plain loops over the
schedule, following the benchmark's published definition (Curtois & Qu 2014). If the solver's
model and this file ever disagree, one of them misreads the benchmark.

Min-consecutive rules (shifts and days off) apply only to blocks bounded on both sides inside
the horizon, as in the published integer model; a block touching day 0 or the last day is
never too short. Reaching the proven optima of Instances 1–3 with this reading confirms it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rathaus.engines.roster.nrp.parser import NrpInstance, Staff

Schedule = Mapping[str, Sequence[str | None]]

PENALTY_KINDS = ("shift_on_requests", "shift_off_requests", "cover_under", "cover_over")


@dataclass(frozen=True)
class CheckReport:
    violations: tuple[str, ...]  # hard-constraint violations, readable
    penalty: int
    breakdown: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations


def _blocks(worked: list[bool], value: bool) -> list[tuple[int, int]]:
    """Maximal runs of ``value`` as (start, length)."""
    runs: list[tuple[int, int]] = []
    start = None
    for day, flag in enumerate([*worked, not value]):
        if flag == value and start is None:
            start = day
        elif flag != value and start is not None:
            runs.append((start, day - start))
            start = None
    return runs


def _check_staff_row(inst: NrpInstance, sid: str, row: Sequence[str | None]) -> list[str]:
    staff = next(s for s in inst.staff if s.id == sid)
    worked = [row[d] is not None for d in range(inst.horizon)]
    out = _sequence(inst, sid, row)
    out += _totals(inst, staff, row)
    out += _runs(staff, worked)
    out += _weekends_and_days_off(inst, staff, row, worked)
    return out


def _sequence(inst: NrpInstance, sid: str, row: Sequence[str | None]) -> list[str]:
    """Shifts that may not follow the one of the day before."""
    shifts = {s.id: s for s in inst.shifts}
    out: list[str] = []
    for d in range(inst.horizon - 1):
        a, b = row[d], row[d + 1]
        if a is not None and b is not None and b in shifts[a].cannot_follow:
            out.append(f"{sid}: shift {b} on day {d + 1} may not follow {a} on day {d}")
    return out


def _totals(inst: NrpInstance, staff: Staff, row: Sequence[str | None]) -> list[str]:
    """Shifts per type and minutes over the horizon."""
    sid = staff.id
    shifts = {s.id: s for s in inst.shifts}
    out: list[str] = []
    counts: dict[str, int] = {}
    minutes = 0
    for d in range(inst.horizon):
        s = row[d]
        if s is not None:
            counts[s] = counts.get(s, 0) + 1
            minutes += shifts[s].minutes
    limits = dict(staff.max_shifts)
    for s, n in counts.items():
        if n > limits.get(s, 0):
            out.append(f"{sid}: {n} shifts of type {s}, max {limits.get(s, 0)}")
    if minutes > staff.max_total_minutes:
        out.append(f"{sid}: works {minutes} min, max {staff.max_total_minutes}")
    if minutes < staff.min_total_minutes:
        out.append(f"{sid}: works {minutes} min, min {staff.min_total_minutes}")
    return out


def _runs(staff: Staff, worked: list[bool]) -> list[str]:
    """Consecutive shifts and days off; runs touching the horizon's ends have no minimum."""
    sid, h = staff.id, len(worked)
    out: list[str] = []
    for start, length in _blocks(worked, True):
        if length > staff.max_consecutive_shifts:
            out.append(
                f"{sid}: {length} consecutive shifts from day {start}, "
                f"max {staff.max_consecutive_shifts}"
            )
        inside = start > 0 and start + length < h
        if inside and length < staff.min_consecutive_shifts:
            out.append(
                f"{sid}: only {length} consecutive shifts from day {start}, "
                f"min {staff.min_consecutive_shifts}"
            )
    for start, length in _blocks(worked, False):
        inside = start > 0 and start + length < h
        if inside and length < staff.min_consecutive_days_off:
            out.append(
                f"{sid}: only {length} consecutive days off from day {start}, "
                f"min {staff.min_consecutive_days_off}"
            )
    return out


def _weekends_and_days_off(
    inst: NrpInstance, staff: Staff, row: Sequence[str | None], worked: list[bool]
) -> list[str]:
    sid = staff.id
    out: list[str] = []
    weekends = 0
    for w in range(inst.horizon // 7):
        if worked[7 * w + 5] or worked[7 * w + 6]:
            weekends += 1
    if weekends > staff.max_weekends:
        out.append(f"{sid}: works {weekends} weekends, max {staff.max_weekends}")
    for d in inst.days_off_of(sid):
        if row[d] is not None:
            out.append(f"{sid}: works {row[d]} on day {d}, which is a day off")
    return out


def check(inst: NrpInstance, schedule: Schedule) -> CheckReport:
    """Validate every hard constraint and recompute the benchmark penalty."""
    violations = [
        f"unknown staff id {sid!r} in schedule" for sid in schedule if sid not in inst.staff_ids
    ]
    rows: dict[str, list[str | None]] = {}
    for sid in inst.staff_ids:
        rows[sid] = _row(inst, sid, schedule.get(sid), violations)
        if schedule.get(sid) is not None:
            violations.extend(_check_staff_row(inst, sid, rows[sid]))
    breakdown = _penalty(inst, rows)
    return CheckReport(tuple(violations), sum(breakdown.values()), breakdown)


def _row(
    inst: NrpInstance, sid: str, raw: Sequence[str | None] | None, violations: list[str]
) -> list[str | None]:
    """The schedule's row for ``sid`` fitted to the horizon (unknown shifts dropped)."""
    if raw is None:
        violations.append(f"{sid}: missing from schedule")
        return [None] * inst.horizon
    shift_ids = set(inst.shift_ids)
    row = list(raw)
    if len(row) != inst.horizon:
        violations.append(f"{sid}: {len(row)} days in schedule, horizon is {inst.horizon}")
        row = (row + [None] * inst.horizon)[: inst.horizon]
    for d, s in enumerate(row):
        if s is not None and s not in shift_ids:
            violations.append(f"{sid}: unknown shift {s!r} on day {d}")
            row[d] = None
    return row


def _penalty(inst: NrpInstance, rows: dict[str, list[str | None]]) -> dict[str, int]:
    """The benchmark penalty by kind: requests and cover."""
    breakdown = dict.fromkeys(PENALTY_KINDS, 0)
    for req in inst.on_requests:
        if rows[req.staff][req.day] != req.shift:
            breakdown["shift_on_requests"] += req.weight
    for req in inst.off_requests:
        if rows[req.staff][req.day] == req.shift:
            breakdown["shift_off_requests"] += req.weight
    for cov in inst.cover:
        assigned = sum(1 for sid in inst.staff_ids if rows[sid][cov.day] == cov.shift)
        if assigned < cov.requirement:
            breakdown["cover_under"] += (cov.requirement - assigned) * cov.weight_under
        else:
            breakdown["cover_over"] += (assigned - cov.requirement) * cov.weight_over
    return breakdown
