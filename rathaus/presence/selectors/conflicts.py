"""Absences that the plan does not know yet: entered after the plan was computed (typically
by the employee after publishing), on days the plan has the person working. The planner sees
them as conflicts to resolve."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rathaus.presence.models import Absence, PlanAssignment, PlanningPeriod
from rathaus.presence.selectors.absences import period_absences
from rathaus.presence.selectors.plan import WORKING


@dataclass
class AbsenceConflict:
    absence: Absence
    days: list[date] = field(default_factory=list)  # planned as work despite the absence
    onsite_days: int = 0  # of them, in the office or a shift

    @property
    def first_day(self) -> date:
        return self.days[0]


def absence_conflicts(period: PlanningPeriod) -> list[AbsenceConflict]:
    """Every absence of the period's staff with days the current plan has them working."""
    absences = list(period_absences(period))
    if not absences:
        return []
    work: dict[int, dict[date, str]] = {}
    for employee_id, day, activity in PlanAssignment.objects.filter(
        period=period,
        employee_id__in={a.employee_id for a in absences},
        activity__in=WORKING,
    ).values_list("employee_id", "day", "activity"):
        work.setdefault(employee_id, {})[day] = activity
    out = []
    for a in absences:
        planned = work.get(a.employee_id, {})
        days = sorted(d for d in planned if a.start <= d <= a.end)
        if days:
            onsite = sum(1 for d in days if planned[d] != "home")
            out.append(AbsenceConflict(a, days, onsite))
    return out


def absence_conflict(period: PlanningPeriod, absence_id: int) -> AbsenceConflict | None:
    """The conflict of one absence of the period, if it still is one."""
    for c in absence_conflicts(period):
        if c.absence.pk == absence_id:
            return c
    return None
