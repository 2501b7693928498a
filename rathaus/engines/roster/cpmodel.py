"""CP-SAT formulation of a (sub-)problem: one Boolean per employee, day and option.

Options are "home", "room:<id>" and "shift:<id>"; ABSENT and OFF days get no variables.
With `guarded=True` every hard rule group is switched by an enforcement literal so that
`explain.py` can ask CP-SAT for a sufficient set of conflicting rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import cast

from ortools.sat.python import cp_model

from rathaus.engines.roster.model import (
    Assignment,
    CohortSeparation,
    Employee,
    Kind,
    Problem,
    WishKind,
)

Key = tuple[str, date]
GuardKey = tuple[object, ...]
HOME = "home"


def option_of(a: Assignment) -> str | None:
    if a.kind is Kind.HOME:
        return HOME
    if a.kind is Kind.ON_SITE:
        return f"room:{a.room_id}"
    if a.kind is Kind.SHIFT:
        return f"shift:{a.shift_id}"
    return None


def assignment_of(emp_id: str, day: date, option: str) -> Assignment:
    if option == HOME:
        return Assignment(emp_id, day, Kind.HOME)
    kind, _, ref = option.partition(":")
    if kind == "room":
        return Assignment(emp_id, day, Kind.ON_SITE, room_id=ref)
    return Assignment(emp_id, day, Kind.SHIFT, shift_id=ref)


def week_of(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return (iso[0], iso[1])


@dataclass
class Built:
    model: cp_model.CpModel
    x: dict[Key, dict[str, cp_model.IntVar]]  # (employee, day) -> option -> literal
    base: dict[Key, Kind]  # ABSENT / OFF / fixed-kind days without a decision
    rules: dict[str, list[tuple[cp_model.LinearExprT, int]]] = field(default_factory=dict)
    guards: dict[GuardKey, cp_model.IntVar] = field(default_factory=dict)
    guarded: bool = False

    def rule_expr(self, rule: str) -> cp_model.LinearExprT:
        terms = self.rules.get(rule, [])
        return sum((e * c for e, c in terms), cp_model.LinearExpr.constant(0))

    def objective_expr(self) -> cp_model.LinearExprT:
        return sum((self.rule_expr(r) for r in self.rules), cp_model.LinearExpr.constant(0))

    def guard(self, key: GuardKey) -> list[cp_model.IntVar]:
        """The enforcement literal of a hard rule group (none unless `guarded`)."""
        if not self.guarded:
            return []
        if key not in self.guards:
            self.guards[key] = self.model.new_bool_var(f"g{len(self.guards)}")
        return [self.guards[key]]

    def onsite(self, key: Key) -> list[cp_model.IntVar]:
        return [v for o, v in self.x.get(key, {}).items() if o != HOME]

    def home_of(self, key: Key) -> cp_model.LinearExprT | int:
        lits = self.x.get(key)
        if lits is None:
            return 1 if self.base.get(key) is Kind.HOME else 0
        return lits.get(HOME, 0)

    def onsite_of(self, key: Key) -> cp_model.LinearExprT | int:
        lits = self.x.get(key)
        if lits is None:
            return 1 if self.base.get(key) in (Kind.ON_SITE, Kind.SHIFT) else 0
        return sum(v for o, v in lits.items() if o != HOME)

    def works(self, key: Key) -> bool:
        return key in self.x or self.base.get(key) in (Kind.HOME, Kind.ON_SITE, Kind.SHIFT)


def options_for(problem: Problem, emp: Employee) -> list[str]:
    opts: list[str] = []
    if emp.home_office:
        opts.append(HOME)
    rooms = problem.rooms_by_id
    mode = problem.capacity_mode
    opts += [f"room:{r}" for r in emp.rooms if r in rooms and rooms[r].seats(mode) > 0]
    opts += [f"shift:{s}" for s in sorted(emp.shifts) if s in problem.shifts_by_id]
    return opts


def build(
    problem: Problem,
    *,
    kit_budget: Mapping[date, int] | None = None,
    kit_soft: bool = False,
    guarded: bool = False,
    hint: Mapping[Key, Assignment] | None = None,
) -> Built:
    """The model, built in phases; their order fixes the variable order (and so CP-SAT's
    search) and must not change."""
    b = Built(cp_model.CpModel(), {}, {}, guarded=guarded)
    _decisions(problem, b)
    if hint:
        _hints(b, hint)
    _rooms_and_kits(problem, b, kit_budget, kit_soft)
    _coverage(problem, b)
    if problem.cohorts:
        _cohorts(problem, b)
    _onsite_per_week(problem, b)
    _working_time(problem, b)
    _soft_rules(problem, b)
    return b


def _decisions(problem: Problem, b: Built) -> None:
    """One activity per day; fixed assignments stay exactly as they are."""
    m = b.model
    for emp in problem.employees:
        opts = options_for(problem, emp)
        for d in problem.days:
            kind = problem.base_kind(emp, d)
            fixed = problem.fixed_by_key.get((emp.id, d))
            if kind in (Kind.ABSENT, Kind.OFF):
                b.base[(emp.id, d)] = kind
                continue
            lits = {o: m.new_bool_var(f"x{emp.id}_{d:%m%d}_{o}") for o in opts}
            b.x[(emp.id, d)] = lits
            m.add_exactly_one(lits.values())
            if fixed is not None:
                want = option_of(fixed)
                if want in lits:
                    m.add(lits[want] == 1).only_enforce_if(b.guard(("fixed", emp.id, d)))
                else:
                    m.add_bool_or([]).only_enforce_if(b.guard(("fixed", emp.id, d)))


def _hints(b: Built, hint: Mapping[Key, Assignment]) -> None:
    for key, lits in b.x.items():
        a = hint.get(key)
        if a is not None:
            want = option_of(a)
            for o, lit in lits.items():
                b.model.add_hint(lit, o == want)


def _rooms_and_kits(
    problem: Problem, b: Built, kit_budget: Mapping[date, int] | None, kit_soft: bool
) -> None:
    """Room capacity per day; the kit pool per day (dated stock, or a budget from the
    decomposition master)."""
    m = b.model
    per_room: dict[tuple[str, date], list[cp_model.IntVar]] = defaultdict(list)
    home_kit: dict[date, list[cp_model.IntVar]] = defaultdict(list)
    emps = problem.employees_by_id
    for (eid, d), lits in b.x.items():
        for o, v in lits.items():
            if o.startswith("room:"):
                per_room[(o[5:], d)].append(v)
            elif o == HOME and emps[eid].needs_kit:
                home_kit[d].append(v)
    for (rid, d), vs in per_room.items():
        cap = problem.rooms_by_id[rid].seats(problem.capacity_mode)
        if len(vs) > cap:
            m.add(sum(vs) <= cap).only_enforce_if(b.guard(("room", rid, d)))
    for d, vs in home_kit.items():
        stock = kit_budget[d] if kit_budget is not None else problem.kit_pool.available(d)
        if len(vs) > stock and kit_soft and kit_budget is not None:
            # A budget from the decomposition may be too small: overflow is very expensive
            # ("kit_overflow" is no planner rule; the caller checks the pool afterwards).
            over = m.new_int_var(0, len(vs) - stock, f"over_{d:%m%d}")
            m.add(sum(vs) <= stock + over)
            b.rules.setdefault("kit_overflow", []).append((over, 1000))
        elif len(vs) > stock:
            m.add(sum(vs) <= stock).only_enforce_if(b.guard(("kit", d)))


def _coverage(problem: Problem, b: Built) -> None:
    """Shift coverage with qualifications."""
    day_set = set(problem.days)
    for c in problem.coverage:
        if c.day not in day_set or c.required <= 0:
            continue
        opt = f"shift:{c.shift_id}"
        vs = [
            day_lits[opt]
            for emp in problem.employees
            if (day_lits := b.x.get((emp.id, c.day))) is not None
            and opt in day_lits
            and (c.qualification is None or c.qualification in emp.qualifications)
        ]
        b.model.add(sum(vs) >= c.required).only_enforce_if(
            b.guard(("coverage", c.day, c.shift_id, c.qualification))
        )


def _cohorts(problem: Problem, b: Built) -> None:
    """Cohorts never meet on site (per day, or per shift with the office as one slot)."""
    m = b.model
    by_slot = problem.cohort_separation is CohortSeparation.SHIFT
    for d in problem.days:
        active: dict[tuple[str, str], list[cp_model.IntVar]] = defaultdict(list)
        for k in problem.cohorts:
            slot_lits: dict[str, list[cp_model.IntVar]] = defaultdict(list)
            for eid in sorted(k.members):
                for o, v in b.x.get((eid, d), {}).items():
                    if o != HOME:
                        slot = (o if o.startswith("shift:") else "office") if by_slot else "day"
                        slot_lits[slot].append(v)
            for slot, vs in slot_lits.items():
                act = m.new_bool_var(f"c{k.id}_{d:%m%d}_{slot}")
                for v in vs:
                    m.add_implication(v, act)
                active[(k.group, slot)].append(act)
        for (group, slot), acts in active.items():
            if len(acts) > 1:
                m.add_at_most_one(acts).only_enforce_if(b.guard(("cohort", d, slot, group)))


def _onsite_per_week(problem: Problem, b: Built) -> None:
    """Minimum and maximum on-site days per ISO week (minimum pro rata of the days worked)."""
    m = b.model
    for emp in problem.employees:
        weeks: dict[tuple[int, int], list[date]] = defaultdict(list)
        for d in problem.days:
            weeks[week_of(d)].append(d)
        for wk, ds in weeks.items():
            worked = [
                d
                for d in ds
                if (emp.id, d) in b.x
                or b.base.get((emp.id, d)) in (Kind.HOME, Kind.ON_SITE, Kind.SHIFT)
            ]
            week_lits = [v for d in ds for v in b.onsite((emp.id, d))]
            fixed_on = sum(1 for d in ds if b.base.get((emp.id, d)) in (Kind.ON_SITE, Kind.SHIFT))
            # Pro rata for weeks with absences: min * worked / scheduled days, rounded down.
            scheduled = sum(1 for d in ds if b.base.get((emp.id, d)) is not Kind.OFF)
            low = min(len(worked), emp.min_onsite_per_week * len(worked) // max(1, scheduled))
            if low > 0:
                m.add(sum(week_lits) + fixed_on >= low).only_enforce_if(
                    b.guard(("week_min", emp.id, wk))
                )
            if emp.max_onsite_per_week < len(worked):
                m.add(sum(week_lits) + fixed_on <= emp.max_onsite_per_week).only_enforce_if(
                    b.guard(("week_max", emp.id, wk))
                )


def _working_time(problem: Problem, b: Built) -> None:
    """Working-time rules for shifts: rest between consecutive days, on-site runs."""
    for emp in problem.employees:
        _rest(problem, b, emp)
        if problem.max_consecutive_onsite_days is not None:
            _consecutive(problem, b, emp, problem.max_consecutive_onsite_days)


def _rest(problem: Problem, b: Built, emp: Employee) -> None:
    shifts = problem.shifts_by_id
    for d in problem.days:
        nxt = d + timedelta(days=1)
        today, tomorrow = b.x.get((emp.id, d), {}), b.x.get((emp.id, nxt), {})
        for o1, v1 in today.items():
            if not o1.startswith("shift:"):
                continue
            s1 = shifts[o1[6:]]
            for o2, v2 in tomorrow.items():
                if o2.startswith("shift:"):
                    s2 = shifts[o2[6:]]
                    if 1440 + s2.start - s1.end_abs < problem.min_rest_minutes:
                        b.model.add_bool_or([v1.Not(), v2.Not()]).only_enforce_if(
                            b.guard(("rest", emp.id))
                        )


def _consecutive(problem: Problem, b: Built, emp: Employee, limit: int) -> None:
    day_set = set(problem.days)
    for d in problem.days:
        window = [d + timedelta(days=i) for i in range(limit + 1)]
        if not all(w in day_set for w in window):
            continue
        run_lits = [v for w in window for v in b.onsite((emp.id, w))]
        if len(run_lits) > limit:
            b.model.add(sum(run_lits) <= limit).only_enforce_if(b.guard(("consecutive", emp.id)))


def _soft_rules(problem: Problem, b: Built) -> None:
    """The objective's terms, rule by rule (the order of `b.rules` is part of the model)."""
    _wishes(problem, b)
    _team_days(problem, b)
    _stability(problem, b)
    fair = b.rules.setdefault("fairness", [])
    if problem.weights.fairness > 0:
        _fairness(problem, b, fair)


def _wishes(problem: Problem, b: Built) -> None:
    """Wishes and no-go office days, only on days the employee works."""
    w = problem.weights
    wishes = b.rules.setdefault("wishes", [])
    for emp in problem.employees:
        for wish in emp.wishes:
            key = (emp.id, wish.day)
            if wish.day not in problem.days or not b.works(key) or wish.weight <= 0:
                continue
            if wish.kind is WishKind.PREFER_HOME:
                wishes.append((1 - b.home_of(key), w.wish * wish.weight))
            elif wish.kind is WishKind.PREFER_OFFICE:
                wishes.append((1 - b.onsite_of(key), w.wish * wish.weight))
            else:
                wishes.append((b.onsite_of(key), w.wish * wish.weight))


def _team_days(problem: Problem, b: Built) -> None:
    """Team days: each member who works that day but is not on site."""
    team_terms = b.rules.setdefault("team_days", [])
    for td in problem.team_days:
        for d in problem.days:
            if td.matches(d):
                for emp in problem.employees:
                    if emp.team == td.team and b.works((emp.id, d)):
                        weight = problem.weights.team_day * td.weight
                        team_terms.append((1 - b.onsite_of((emp.id, d)), weight))


def _stability(problem: Problem, b: Built) -> None:
    """Stability against the previous plan: each changed day counts."""
    stab = b.rules.setdefault("stability", [])
    weight = problem.weights.stability
    if not problem.previous_plan or weight <= 0:
        return
    emps = problem.employees_by_id
    days = set(problem.days)
    for a in problem.previous_plan:
        key = (a.employee_id, a.day)
        if a.employee_id not in emps or a.day not in days or key in problem.fixed_by_key:
            continue
        lits = b.x.get(key)
        if lits is None:
            stab.append((0 if b.base.get(key) is a.kind else 1, weight))
        else:
            opt = option_of(a)
            stab.append((1 - lits[opt] if opt in lits else 1, weight))


def _fairness(problem: Problem, b: Built, fair: list[tuple[cp_model.LinearExprT, int]]) -> None:
    """Fair home-office share within a team, history included. With H = home days and
    W = working days (history + plan) per member and S_H, S_W their team sums, the fair
    share of e is W_e * S_H / S_W; the penalty counts whole days of deviation,
    floor(|S_W * H_e - W_e * S_H| / S_W): rounding to a day is free, which keeps the
    model easy to prove optimal (fractional targets are not a planner's concern)."""
    m = b.model
    hist = {h.employee_id: h for h in problem.history}
    teams: dict[str, list[Employee]] = defaultdict(list)
    for emp in problem.employees:
        if emp.home_office:
            teams[emp.team].append(emp)
    for team, members in sorted(teams.items()):
        if len(members) < 2:
            continue
        home: dict[str, cp_model.LinearExprT] = {}
        work: dict[str, int] = {}
        for emp in members:
            h = hist.get(emp.id)
            home[emp.id] = sum(
                (b.home_of((emp.id, d)) for d in problem.days), cp_model.LinearExpr.constant(0)
            ) + (h.home_days if h else 0)
            work[emp.id] = sum(1 for d in problem.days if b.works((emp.id, d))) + (
                h.home_days + h.office_days if h else 0
            )
        sw = sum(work.values())
        if sw == 0:
            continue
        sh = m.new_int_var(0, sw, f"sh_{team}")
        m.add(sh == sum(home.values()))
        for emp in members:
            we = work[emp.id]
            gap = m.new_int_var(0, sw * we, f"gap_{emp.id}")
            m.add_abs_equality(gap, cast(cp_model.LinearExpr, home[emp.id]) * sw - sh * we)
            dev = m.new_int_var(0, we, f"dev_{emp.id}")
            m.add(sw * dev <= gap)
            m.add(gap <= sw * dev + sw - 1)
            fair.append((dev, problem.weights.fairness))
