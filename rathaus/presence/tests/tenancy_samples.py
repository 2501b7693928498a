"""Rows of the presence app in a municipality, for the URL-walking tenancy test."""

from datetime import date, time

from rathaus.core.models import Employee, Location, OrgUnit, Room
from rathaus.presence.models import (
    Absence,
    CalendarToken,
    FairnessRecord,
    PlanAssignment,
    PlanningPeriod,
    PlanVersion,
    SolverJob,
    Wish,
)
from rathaus.presence.services import rules


def create(municipality, marker: str) -> dict[str, list]:

    unit = OrgUnit.objects.create(
        municipality=municipality, code=f"P{municipality.pk}", name="Planungsamt"
    )
    hall = Location.objects.create(
        municipality=municipality,
        name=f"Planhaus {municipality.pk}",
        street="Weg 1",
        postal_code="59999",
        city="Ort",
    )
    room = Room.objects.create(
        municipality=municipality,
        location=hall,
        number=f"P-{municipality.pk}",
        capacity_normal=2,
        capacity_pandemic=1,
        org_unit=unit,
    )
    emp = Employee.objects.create(
        municipality=municipality,
        org_unit=unit,
        personnel_number=f"PP{municipality.pk}",
        first_name=marker,
        last_name=marker,
        email=f"{marker.lower()}@example.org",
        home_room=room,
    )
    start = date(2031, 3, 3)
    period = PlanningPeriod.objects.create(
        municipality=municipality,
        name=f"Plan {marker}",
        start=start,
        weeks=1,
        status="published",
        explanation=[{"code": "X", "message": marker}],
    )
    period.org_units.set([unit])

    def add(kind: str, **data):
        return rules.rule_create(actor=None, period=period, kind=kind, data=data)

    shift = add("shift", code="F", name=f"Früh {marker}", start_time=time(7), end_time=time(12))
    add("coverage", shift_type=shift, weekday=0, required=1)
    add("cohort", name=f"Team {marker}", members=[emp])
    add("teamday", org_unit=unit, weekday=1)
    add("override", employee=emp, min_onsite_per_week=1, note=marker)
    absence = Absence.objects.create(
        municipality=municipality, employee=emp, start=start, end=start, kind="sick", note=marker
    )
    wish = Wish.objects.create(
        municipality=municipality, employee=emp, day=start, kind="prefer_home", note=marker
    )
    PlanAssignment.objects.create(
        municipality=municipality,
        period=period,
        employee=emp,
        day=start,
        activity="office",
        room=room,
    )
    job = SolverJob.objects.create(
        municipality=municipality,
        period=period,
        message=marker,
        result={"reasons": [{"message": marker}]},
    )
    PlanVersion.objects.create(
        municipality=municipality,
        period=period,
        number=1,
        assignments=[
            {
                "employee": emp.pk,
                "day": start.isoformat(),
                "activity": "office",
                "room": room.pk,
                "shift": None,
            }
        ],
    )
    FairnessRecord.objects.create(
        municipality=municipality,
        period=period,
        employee=emp,
        period_end=start,
        home_days=1,
        office_days=1,
    )
    token = CalendarToken.objects.create(municipality=municipality, employee=emp)
    return {
        "pk": [period.pk, absence.pk, wish.pk],
        "period_id": [period.pk],
        "absence_id": [absence.pk],
        "job_id": [job.pk],
        "employee_id": [emp.pk],
        "day": [start.isoformat()],
        "token": [token.token],
    }
