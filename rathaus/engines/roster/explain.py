"""Explain infeasible roster problems in planners' words (German), with rule codes.

Two stages: cheap pre-checks that give exact numbers (room, kit pool, coverage, cohorts,
calendar), then, if none fires, CP-SAT with one enforcement literal per rule group and
`sufficient_assumptions_for_infeasibility`, shrunk by deletion when small.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from ortools.sat.python import cp_model

from rathaus.engines.roster.clock import WALL, Clock
from rathaus.engines.roster.cpmodel import HOME, build, options_for
from rathaus.engines.roster.model import (
    Cohort,
    CohortSeparation,
    Coverage,
    Employee,
    Kind,
    Problem,
    Reason,
)

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


def fmt_day(d: date) -> str:
    return f"{WEEKDAYS[d.weekday()]}, {d:%d.%m.}"


def _names(emps: list[Employee], limit: int = 6) -> str:
    names = [e.name for e in emps[:limit]]
    more = len(emps) - limit
    return ", ".join(names) + (f" und {more} weitere" if more > 0 else "")


def _working(problem: Problem, emp: Employee, d: date) -> bool:
    return problem.base_kind(emp, d) not in (Kind.ABSENT, Kind.OFF)


def _day_options(problem: Problem, emp: Employee, d: date) -> list[str]:
    fixed = problem.fixed_by_key.get((emp.id, d)) if problem.fixed else None
    opts = _cache(problem)[1][emp.id]
    if fixed is not None and fixed.kind not in (Kind.ABSENT, Kind.OFF):
        want = {Kind.HOME: HOME, Kind.ON_SITE: f"room:{fixed.room_id}"}.get(
            fixed.kind, f"shift:{fixed.shift_id}"
        )
        return [want] if want in opts else []
    return opts


def precheck(problem: Problem) -> list[Reason]:
    """Exact, cheap conflicts; an empty list does not prove feasibility."""
    out: list[Reason] = []
    for emp in problem.employees:
        for d in problem.days:
            if _working(problem, emp, d) and not _day_options(problem, emp, d):
                out.append(
                    Reason(
                        "NO_ACTIVITY",
                        f"{emp.name}: am {fmt_day(d)} ist keine Tätigkeit möglich "
                        "(kein Homeoffice, kein Raum mit Platz, keine Schicht)",
                        day=d,
                        employees=(emp.id,),
                    )
                )
    if out:
        return out
    out += _run_check(problem)
    for d in problem.days:
        out += _seat_and_kit_check(problem, d)
    out += _coverage_check(problem)
    return out


def _run_check(problem: Problem) -> list[Reason]:
    limit = problem.max_consecutive_working_days
    out: list[Reason] = []
    if limit is None:
        return out
    for emp in problem.employees:
        run = 0
        prev: date | None = None
        for d in problem.days:
            works = _working(problem, emp, d)
            contiguous = prev is not None and d - prev == timedelta(days=1)
            run = (run + 1 if contiguous else 1) if works else 0
            prev = d
            if run == limit + 1:
                out.append(
                    Reason(
                        "CONSECUTIVE_WORKING_DAYS",
                        f"{emp.name}: {run} Arbeitstage in Folge bis {fmt_day(d)}, "
                        f"erlaubt sind höchstens {limit}",
                        day=d,
                        employees=(emp.id,),
                        required=limit,
                        available=run,
                    )
                )
    return out


def seat_plan(problem: Problem, d: date) -> tuple[list[Employee], list[Employee], int]:
    """(people without home office who find no seat, kit users, least kits needed) on day d.

    A bipartite matching of people to room seats: those without home office are placed
    first, then as many kit users as possible; shift-capable people need no seat here.
    """
    cap = {r.id: r.seats(problem.capacity_mode) for r in problem.rooms}
    must: list[tuple[Employee, list[str]]] = []
    kit: list[tuple[Employee, list[str]]] = []
    for emp in problem.employees:
        if not _working(problem, emp, d):
            continue
        opts = _day_options(problem, emp, d)
        if any(o.startswith("shift:") for o in opts):
            continue
        seats = [o[5:] for o in opts if o.startswith("room:")]
        if HOME not in opts:
            must.append((emp, seats))
        elif emp.needs_kit:
            kit.append((emp, seats))
    assigned: dict[str, list[int]] = defaultdict(list)
    people = must + kit

    def place(i: int, seen: set[str]) -> bool:
        for r in people[i][1]:
            if r in seen:
                continue
            seen.add(r)
            if len(assigned[r]) < cap[r]:
                assigned[r].append(i)
                return True
            for j in list(assigned[r]):
                if place(j, seen):
                    assigned[r].remove(j)
                    assigned[r].append(i)
                    return True
        return False

    unseated = [people[i][0] for i in range(len(must)) if not place(i, set())]
    seated = sum(1 for i in range(len(must), len(people)) if place(i, set()))
    return unseated, [e for e, _ in kit], len(kit) - seated


def _seat_and_kit_check(problem: Problem, d: date) -> list[Reason]:
    """Per day: people who must sit in a room vs. seats; kit need = those who find no seat."""
    rooms = problem.rooms_by_id
    out: list[Reason] = []
    by_room: dict[str, list[Employee]] = defaultdict(list)
    for emp in problem.employees:
        if _working(problem, emp, d):
            opts = _day_options(problem, emp, d)
            if HOME not in opts and len(opts) == 1 and opts[0].startswith("room:"):
                by_room[opts[0][5:]].append(emp)
    for rid, emps in sorted(by_room.items()):
        cap = rooms[rid].seats(problem.capacity_mode)
        if len(emps) > cap:
            out.append(
                Reason(
                    "ROOM_CAPACITY",
                    f"{rooms[rid].name}: {_persons(len(emps))} müssen am {fmt_day(d)} vor Ort sein, "
                    f"Kapazität {cap} ({_names(emps)})",
                    day=d,
                    employees=tuple(e.id for e in emps),
                    subject=rid,
                    required=len(emps),
                    available=cap,
                )
            )
    if out:
        return out
    unseated, homers, need = seat_plan(problem, d)
    if unseated:
        out.append(
            Reason(
                "ROOM_CAPACITY",
                f"Räume: am {fmt_day(d)} finden {_persons(len(unseated))} ohne Homeoffice keinen "
                f"Platz ({_names(unseated)})",
                day=d,
                employees=tuple(e.id for e in unseated),
            )
        )
        return out
    stock = problem.kit_pool.available(d)
    if need > stock:
        out.append(
            Reason(
                "KIT_POOL",
                f"Homeoffice-Ausstattung: am {fmt_day(d)} {'braucht' if need == 1 else 'brauchen'} "
                f"{_persons(need)} ein Homeoffice-Set, verfügbar {'ist' if stock == 1 else 'sind'} "
                f"{stock}",
                day=d,
                employees=tuple(e.id for e in homers),
                required=need,
                available=stock,
            )
        )
    return out


def _persons(n: int) -> str:
    return "1 Person" if n == 1 else f"{n} Personen"


def _eligible(problem: Problem, d: date, shift_id: str, qual: str | None) -> list[Employee]:
    return [
        e
        for e in _shift_staff(problem).get(shift_id, ())
        if _working(problem, e, d)
        and f"shift:{shift_id}" in _day_options(problem, e, d)
        and (qual is None or qual in e.qualifications)
    ]


_CACHE: dict[int, tuple[Problem, dict[str, list[Employee]], dict[str, list[str]]]] = {}


def _shift_staff(problem: Problem) -> dict[str, list[Employee]]:
    return _cache(problem)[0]


def _cache(problem: Problem) -> tuple[dict[str, list[Employee]], dict[str, list[str]]]:
    """Employees per shift type and options per employee, kept for the last problem only
    (pre-checks ask for them per day and per coverage row)."""
    hit = _CACHE.get(id(problem))
    if hit is not None and hit[0] is problem:
        return hit[1], hit[2]
    index: dict[str, list[Employee]] = defaultdict(list)
    for e in problem.employees:
        for sid in e.shifts:
            index[sid].append(e)
    opts = {e.id: options_for(problem, e) for e in problem.employees}
    _CACHE.clear()
    _CACHE[id(problem)] = (problem, index, opts)
    return index, opts


def _coverage_check(problem: Problem) -> list[Reason]:
    return _shift_coverage(problem) or _cohort_coverage(problem)


def _shift_coverage(problem: Problem) -> list[Reason]:
    """Coverage rows with fewer eligible people than required."""
    out: list[Reason] = []
    shifts = problem.shifts_by_id
    days = set(problem.days)
    for c in problem.coverage:
        if c.day not in days or c.required <= 0:
            continue
        elig = _eligible(problem, c.day, c.shift_id, c.qualification)
        if len(elig) < c.required:
            name = shifts[c.shift_id].name if c.shift_id in shifts else c.shift_id
            qual = f" mit Qualifikation „{c.qualification}“" if c.qualification else ""
            out.append(
                Reason(
                    "COVERAGE",
                    f"Schicht {name} am {fmt_day(c.day)}: {c.required} Personen{qual} nötig, "
                    f"verfügbar {len(elig)}",
                    day=c.day,
                    employees=tuple(e.id for e in elig),
                    subject=c.shift_id,
                    required=c.required,
                    available=len(elig),
                )
            )
    return out


def _cohort_coverage(problem: Problem) -> list[Reason]:
    """Cohorts: on each day (or shift) one cohort plus non-members must cover everything."""
    out: list[Reason] = []
    groups: dict[str, list[Cohort]] = defaultdict(list)
    for k in problem.cohorts:
        groups[k.group].append(k)
    by_shift = problem.cohort_separation is CohortSeparation.SHIFT
    for cohorts in groups.values():
        if len(cohorts) < 2:
            continue
        member_of = {eid: k.id for k in cohorts for eid in k.members}
        their_shifts = {s for e in problem.employees if e.id in member_of for s in e.shifts}
        for d in sorted(set(problem.days)):
            todays = [
                c
                for c in problem.coverage
                if c.day == d and c.required > 0 and c.shift_id in their_shifts
            ]
            slots = [[c] for c in todays] if by_shift else ([todays] if todays else [])
            for slot in slots:
                failures = [
                    f for k in cohorts if (f := _cohort_failure(problem, d, slot, k, member_of))
                ]
                if len(failures) == len(cohorts):
                    names = ", ".join(k.name for k in cohorts)
                    out.append(
                        Reason(
                            "COHORT_COVERAGE",
                            f"Schichtteams: am {fmt_day(d)} kann keines der Schichtteams ({names}) "
                            "die Besetzung allein stellen, und sie dürfen sich nicht begegnen – "
                            + "; ".join(failures),
                            day=d,
                            subject=slot[0].shift_id if by_shift else cohorts[0].group,
                            employees=tuple(sorted(member_of)),
                        )
                    )
    return out


def _cohort_failure(
    problem: Problem, d: date, slot: list[Coverage], k: Cohort, member_of: dict[str, str]
) -> str | None:
    """Why cohort `k` (with the non-members) cannot cover `slot` alone, or None if it can."""
    shifts = problem.shifts_by_id
    people: set[str] = set()
    need: dict[str, int] = defaultdict(int)
    for c in slot:
        elig = [
            e
            for e in _eligible(problem, d, c.shift_id, c.qualification)
            if member_of.get(e.id) in (None, k.id)
        ]
        people |= {e.id for e in elig}
        need[c.shift_id] = max(need[c.shift_id], c.required)
        if len(elig) < c.required:
            return (
                f"{k.name}: {shifts[c.shift_id].name} braucht {c.required}, verfügbar {len(elig)}"
            )
    if sum(need.values()) > len(people):  # each person works one shift a day
        return f"{k.name}: {sum(need.values())} Schichtplätze, verfügbar {len(people)}"
    return None


def _guard_reason(problem: Problem, key: tuple[object, ...]) -> Reason:
    """The reason for one guarded rule group (see `cpmodel.Built.guard`)."""
    if key[0] in ("room", "kit", "coverage", "cohort"):
        return _resource_reason(problem, key)
    return _employee_reason(problem, key)


def _resource_reason(problem: Problem, key: tuple[object, ...]) -> Reason:
    """Room capacity, kit pool, coverage or cohort separation on one day."""
    kind = key[0]
    if kind == "room":
        rid, d = str(key[1]), key[2]
        assert isinstance(d, date)
        room = problem.rooms_by_id[rid]
        cap = room.seats(problem.capacity_mode)
        users = [e.id for e in problem.employees if rid in e.rooms]
        return Reason(
            "ROOM_CAPACITY",
            f"{room.name}: Kapazität {cap} am {fmt_day(d)}",
            day=d,
            subject=rid,
            employees=tuple(users),
            available=cap,
        )
    if kind == "kit":
        d = key[1]
        assert isinstance(d, date)
        n = problem.kit_pool.available(d)
        return Reason(
            "KIT_POOL",
            f"Homeoffice-Ausstattung: am {fmt_day(d)} sind nur {n} Homeoffice-Sets verfügbar",
            day=d,
            available=n,
        )
    if kind == "coverage":
        d, sid, qual = key[1], str(key[2]), key[3]
        assert isinstance(d, date)
        req = sum(
            c.required
            for c in problem.coverage
            if (c.day, c.shift_id, c.qualification) == (d, sid, qual)
        )
        q = f" mit Qualifikation „{qual}“" if qual else ""
        return Reason(
            "COVERAGE",
            f"Schicht {problem.shifts_by_id[sid].name} am {fmt_day(d)}: {req} Personen{q} nötig",
            day=d,
            subject=sid,
            required=req,
        )
    d = key[1]  # "cohort"
    assert isinstance(d, date)
    names = ", ".join(k.name for k in problem.cohorts if k.group == key[3])
    return Reason(
        "COHORT_SEPARATION",
        f"Schichtteams ({names}) dürfen sich am {fmt_day(d)} nicht begegnen",
        day=d,
    )


def _employee_reason(problem: Problem, key: tuple[object, ...]) -> Reason:
    """An employee's weekly bounds, rest time, consecutive days or fixed day."""
    kind = key[0]
    eid = str(key[1])
    emp = problem.employees_by_id[eid]
    if kind in ("week_min", "week_max"):
        wk = key[2]
        assert isinstance(wk, tuple)
        if kind == "week_min":
            return Reason(
                "WEEK_MIN_ONSITE",
                f"{emp.name}: mindestens {emp.min_onsite_per_week} Tage vor Ort in KW {wk[1]}",
                employees=(eid,),
                required=emp.min_onsite_per_week,
            )
        return Reason(
            "WEEK_MAX_ONSITE",
            f"{emp.name}: höchstens {emp.max_onsite_per_week} Tage vor Ort in KW {wk[1]}",
            employees=(eid,),
            available=emp.max_onsite_per_week,
        )
    if kind == "rest":
        hours = problem.min_rest_minutes / 60
        return Reason(
            "REST_TIME",
            f"{emp.name}: {hours:g} Stunden Ruhezeit zwischen zwei Schichten",
            employees=(eid,),
        )
    if kind == "consecutive":
        return Reason(
            "CONSECUTIVE_ONSITE",
            f"{emp.name}: höchstens {problem.max_consecutive_onsite_days} Tage in Folge vor Ort",
            employees=(eid,),
        )
    d = key[2]
    assert isinstance(d, date)
    return Reason(
        "FIXED",
        f"{emp.name}: Festlegung am {fmt_day(d)} (bereits geplant)",
        day=d,
        employees=(eid,),
    )


def explain_infeasible(
    problem: Problem, *, time_limit: float = 10.0, clock: Clock = WALL
) -> list[Reason]:
    """Reasons why no plan exists; never empty. `clock` as in `solve` (deterministic runs)."""
    found = precheck(problem)
    if found:
        return found
    t0 = clock.now()
    b = build(problem, guarded=True)
    keys = list(b.guards)
    lits = [b.guards[k] for k in keys]
    index = {lit.index: i for i, lit in enumerate(lits)}

    def run(active: list[int], limit: float) -> tuple[int, list[int]]:
        b.model.clear_assumptions()
        b.model.add_assumptions([lits[i] for i in active])
        s = cp_model.CpSolver()
        s.parameters.num_workers = 1  # cores are reliable with one worker
        clock.limit(s.parameters, max(0.1, limit))
        code = s.solve(b.model)
        clock.charge(s)
        core = []
        if code == cp_model.INFEASIBLE:
            core = [index[i] for i in s.sufficient_assumptions_for_infeasibility() if i in index]
        return int(code), core

    code, core = run(list(range(len(lits))), time_limit)
    if code != cp_model.INFEASIBLE:
        msg = (
            "Es wurde kein Widerspruch zwischen den Regeln gefunden."
            if code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
            else "Innerhalb des Zeitlimits konnte kein Plan und keine Ursache gefunden werden."
        )
        return [Reason("UNEXPLAINED", msg)]
    if not core:
        return [
            Reason(
                "UNEXPLAINED",
                "Die Regeln widersprechen sich, ohne dass eine einzelne "
                "Regelgruppe benannt werden kann (z. B. Tätigkeit je Tag).",
            )
        ]
    if len(core) <= 25:  # shrink to a minimal conflict by deletion
        for i in list(core):
            left = time_limit - (clock.now() - t0)
            if left <= 0.2:
                break
            trial = [j for j in core if j != i]
            c, _ = run(trial, min(left, 2.0))
            if c == cp_model.INFEASIBLE:
                core = trial
    return [_guard_reason(problem, keys[i]) for i in core]
