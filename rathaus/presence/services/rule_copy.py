"""Copying the rules of an earlier period into another one (e.g. a new period that starts
without shift types and would be "Kein Plan möglich"): shift types, their coverage, shift
teams, team days and per-person exceptions. What the target already has stays; rules that
do not fit the target (org units or people it does not plan) are left out and counted."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.problems import DomainError
from rathaus.presence.models import (
    Cohort,
    CoverageRequirement,
    EmployeeRule,
    PlanningPeriod,
    ShiftType,
    TeamDay,
)
from rathaus.presence.selectors.staff import period_employees
from rathaus.presence.services.rules import _locked_unless_solving


@dataclass
class CopyResult:
    shift_types: int = 0
    coverage: int = 0
    cohorts: int = 0
    team_days: int = 0
    overrides: int = 0
    skipped: int = 0  # already there, or not fitting the target (other units, other people)

    @property
    def copied(self) -> int:
        return self.shift_types + self.coverage + self.cohorts + self.team_days + self.overrides


@transaction.atomic
def rules_copy(*, actor, period: PlanningPeriod, source: PlanningPeriod) -> CopyResult:
    """Copies the rules of `source` (a period of the same municipality) into `period`."""
    if source.pk == period.pk or source.municipality_id != period.municipality_id:
        raise DomainError(
            "copy_source", _("Regeln können nur aus einem anderen Zeitraum der Kommune kommen.")
        )
    target = _locked_unless_solving(period)
    result = CopyResult()
    shift_map = _copy_shift_types(target, source, result)
    _copy_coverage(target, source, shift_map, result)
    staff = set(period_employees(target).values_list("pk", flat=True))
    _copy_cohorts(target, source, staff, result)
    _copy_team_days(target, source, result)
    _copy_overrides(target, source, staff, result)
    audit.record(
        actor=actor,
        instance=target,
        action="action",
        summary=_(
            "Regeln aus „%(source)s“ übernommen: %(shift_types)s Schichtarten, "
            "%(coverage)s Besetzungsvorgaben, %(cohorts)s Schichtteams, "
            "%(team_days)s Teamtage, %(overrides)s Ausnahmen "
            "(%(skipped)s ausgelassen)"
        )
        % {
            "source": source.name,
            "shift_types": result.shift_types,
            "coverage": result.coverage,
            "cohorts": result.cohorts,
            "team_days": result.team_days,
            "overrides": result.overrides,
            "skipped": result.skipped,
        },
    )
    return result


def _new(model, target: PlanningPeriod, **fields):
    return model.objects.create(municipality_id=target.municipality_id, period=target, **fields)


def _copy_shift_types(target, source, result: CopyResult) -> dict[int, ShiftType]:
    """Source shift type pk -> the target's shift type with the same code (new or existing)."""
    existing = {s.code: s for s in ShiftType.objects.filter(period=target)}
    out: dict[int, ShiftType] = {}
    for s in ShiftType.objects.filter(period=source):
        if s.code in existing:
            result.skipped += 1
            out[s.pk] = existing[s.code]
            continue
        out[s.pk] = existing[s.code] = _new(
            ShiftType,
            target,
            code=s.code,
            name=s.name,
            start_time=s.start_time,
            end_time=s.end_time,
            location_id=s.location_id,
        )
        result.shift_types += 1
    return out


def _copy_coverage(target, source, shift_map: dict[int, ShiftType], result: CopyResult) -> None:
    have = set(
        CoverageRequirement.objects.filter(period=target).values_list(
            "shift_type_id", "weekday", "qualification_id"
        )
    )
    for c in CoverageRequirement.objects.filter(period=source):
        shift = shift_map[c.shift_type_id]
        key = (shift.pk, c.weekday, c.qualification_id)
        if key in have:
            result.skipped += 1
            continue
        have.add(key)
        _new(
            CoverageRequirement,
            target,
            shift_type=shift,
            weekday=c.weekday,
            required=c.required,
            qualification_id=c.qualification_id,
        )
        result.coverage += 1


def _copy_cohorts(target, source, staff: set[int], result: CopyResult) -> None:
    """Shift teams by name; members the target plans and no other team of it has."""
    names = set(Cohort.objects.filter(period=target).values_list("name", flat=True))
    taken = set(
        Cohort.members.through.objects.filter(cohort__period=target).values_list(
            "employee_id", flat=True
        )
    )
    for k in Cohort.objects.filter(period=source).prefetch_related("members"):
        members = [e.pk for e in k.members.all() if e.pk in staff and e.pk not in taken]
        if k.name in names or not members:
            result.skipped += 1
            continue
        cohort = _new(Cohort, target, name=k.name)
        cohort.members.set(members)
        taken.update(members)
        result.cohorts += 1


def _copy_team_days(target, source, result: CopyResult) -> None:
    units = set(target.org_units.values_list("pk", flat=True))
    have = set(TeamDay.objects.filter(period=target).values_list("org_unit_id", "weekday"))
    for t in TeamDay.objects.filter(period=source):
        if t.org_unit_id not in units or (t.org_unit_id, t.weekday) in have:
            result.skipped += 1
            continue
        have.add((t.org_unit_id, t.weekday))
        _new(TeamDay, target, org_unit_id=t.org_unit_id, weekday=t.weekday, weight=t.weight)
        result.team_days += 1


def _copy_overrides(target, source, staff: set[int], result: CopyResult) -> None:
    have = set(EmployeeRule.objects.filter(period=target).values_list("employee_id", flat=True))
    for o in EmployeeRule.objects.filter(period=source):
        if o.employee_id not in staff or o.employee_id in have:
            result.skipped += 1
            continue
        _new(
            EmployeeRule,
            target,
            employee_id=o.employee_id,
            min_onsite_per_week=o.min_onsite_per_week,
            max_onsite_per_week=o.max_onsite_per_week,
            note=o.note,
        )
        result.overrides += 1
