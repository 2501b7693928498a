"""Infeasibility is explained in planners' words, with rule codes and numbers."""

from __future__ import annotations

from rathaus.engines.roster import Cohort, Coverage, Problem, ShiftType, Status
from rathaus.engines.roster.explain import explain_infeasible
from rathaus.engines.roster.tests.helpers import MON, emp, kits, room, solved, week


def test_room_contradiction_names_room_day_required_and_capacity() -> None:
    people = tuple(emp(e, rooms=("r1",), home_office=False) for e in "abc")
    plan = solved(Problem(week(1), people, (room(cap=1),), kits(5)))
    assert plan.status is Status.INFEASIBLE
    r = plan.explanation[0]
    assert r.code == "ROOM_CAPACITY" and r.subject == "r1"
    assert (r.required, r.available, r.day) == (3, 1, MON)
    assert "Raum 2.14: 3 Personen müssen am Montag, 02.03. vor Ort sein, Kapazität 1" in r.message


def test_kit_shortage_names_day_and_numbers() -> None:
    people = tuple(emp(f"e{i}", rooms=("r1",)) for i in range(5))
    plan = solved(Problem(week(1), people, (room(cap=1),), kits(3)))
    assert plan.status is Status.INFEASIBLE
    r = plan.explanation[0]
    assert r.code == "KIT_POOL" and (r.required, r.available) == (4, 3)
    assert (
        "Homeoffice-Ausstattung: am Montag, 02.03. brauchen 4 Personen ein "
        "Homeoffice-Set, verfügbar sind 3"
    ) in r.message


def test_cohort_and_coverage_contradiction() -> None:
    early = ShiftType("early", "Früh", 420, 810)
    people = (emp("a", shifts=frozenset({"early"})), emp("b", shifts=frozenset({"early"})))
    p = Problem(
        week(1),
        people,
        (),
        kits(5),
        shifts=(early,),
        coverage=(Coverage(MON, "early", 2),),
        cohorts=(
            Cohort("A", "Schichtteam A", frozenset({"a"})),
            Cohort("B", "Schichtteam B", frozenset({"b"})),
        ),
    )
    plan = solved(p)
    assert plan.status is Status.INFEASIBLE
    r = plan.explanation[0]
    assert r.code == "COHORT_COVERAGE" and r.day == MON
    assert "Schichtteam A" in r.message and "Früh braucht 2, verfügbar 1" in r.message


def test_coverage_shortage() -> None:
    early = ShiftType("early", "Früh", 420, 810)
    p = Problem(
        week(1),
        (emp("a", shifts=frozenset({"early"})),),
        (),
        kits(5),
        shifts=(early,),
        coverage=(Coverage(MON, "early", 2, "Kasse"),),
    )
    r = solved(p).explanation[0]
    assert r.code == "COVERAGE" and (r.required, r.available) == (2, 0)
    assert "Qualifikation „Kasse“" in r.message


def test_core_from_cp_sat_names_week_minimum_and_room() -> None:
    # Both need two office days in two days, one seat: only the solver can see this.
    people = (
        emp("a", rooms=("r1",), min_onsite_per_week=2),
        emp("b", rooms=("r1",), min_onsite_per_week=2),
    )
    p = Problem(week(2), people, (room(cap=1),), kits(5))
    plan = solved(p)
    assert plan.status is Status.INFEASIBLE
    codes = {r.code for r in plan.explanation}
    assert "WEEK_MIN_ONSITE" in codes and "ROOM_CAPACITY" in codes
    assert any("Raum 2.14" in r.message for r in plan.explanation)


def test_explanation_never_empty() -> None:
    people = (
        emp("a", rooms=("r1",), min_onsite_per_week=2),
        emp("b", rooms=("r1",), min_onsite_per_week=2),
    )
    assert explain_infeasible(Problem(week(2), people, (room(cap=1),), kits(5)))
