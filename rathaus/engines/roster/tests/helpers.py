"""Small instance builders for the municipal roster tests."""

from __future__ import annotations

from datetime import date, timedelta

from rathaus.engines.roster import Employee, KitPool, Plan, Problem, Room, Status, check
from rathaus.engines.roster.solver import solve

MON = date(2026, 3, 2)  # a Monday


def week(n: int = 5, start: date = MON) -> tuple[date, ...]:
    return tuple(start + timedelta(days=i) for i in range(n))


def emp(eid: str, **kw: object) -> Employee:
    kw.setdefault("team", "T")
    kw.setdefault("working_weekdays", frozenset(range(7)))
    return Employee(eid, kw.pop("name", eid.upper()), **kw)  # type: ignore[arg-type]


def room(rid: str = "r1", cap: int = 1, name: str = "Raum 2.14") -> Room:
    return Room(rid, name, cap)


def kits(n: int) -> KitPool:
    return KitPool(((MON - timedelta(days=30), n),))


def solved(problem: Problem, time_limit: float = 5.0, **kw: object) -> Plan:
    """Solve, and insist that every returned plan passes the independent checker."""
    plan = solve(problem, time_limit=time_limit, **kw)  # type: ignore[arg-type]
    if plan.status in (Status.OPTIMAL, Status.FEASIBLE):
        result = check(problem, plan)
        assert result.ok, result.violations
        assert result.objective == plan.objective
        assert dict(result.penalties) == dict(plan.penalties)
    return plan
