"""Engine answers back to plan rows, and the checker's verdict in planners' words.

Also the reverse mapping (stored rows -> engine assignments) that replanning and manual
edits need to check a plan against the rules.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import date

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.engines.roster import model as m
from rathaus.engines.roster.checker import check
from rathaus.engines.roster.explain import fmt_day
from rathaus.presence.models import (
    Activity,
    PlanAssignment,
    PlanningPeriod,
)
from rathaus.presence.roster_adapter.problem import (
    Context,
    emp_id,
    room_id,
    shift_id,
    working_weekdays,
)


def row_to_assignment(row: PlanAssignment) -> m.Assignment:
    eid = emp_id(row.employee_id)
    if row.activity == Activity.OFFICE:
        return m.Assignment(eid, row.day, m.Kind.ON_SITE, room_id=room_id(row.room_id))
    if row.activity == Activity.SHIFT:
        return m.Assignment(eid, row.day, m.Kind.SHIFT, shift_id=shift_id(row.shift_type_id))
    if row.activity == Activity.HOME:
        return m.Assignment(eid, row.day, m.Kind.HOME)
    if row.activity == Activity.ABSENT:
        return m.Assignment(eid, row.day, m.Kind.ABSENT)
    return m.Assignment(eid, row.day, m.Kind.OFF)


def current_assignments(period: PlanningPeriod) -> list[m.Assignment]:
    return [row_to_assignment(r) for r in PlanAssignment.objects.filter(period=period)]


def assignment_to_row(a: m.Assignment, ctx: Context) -> PlanAssignment:
    period = ctx.period
    row = PlanAssignment(
        municipality_id=period.municipality_id,
        period=period,
        employee_id=int(a.employee_id),
        day=a.day,
    )
    if a.kind is m.Kind.ON_SITE:
        row.activity = Activity.OFFICE
        row.room_id = int((a.room_id or "r0")[1:])
    elif a.kind is m.Kind.SHIFT:
        row.activity = Activity.SHIFT
        row.shift_type_id = int((a.shift_id or "s0")[1:])
    elif a.kind is m.Kind.HOME:
        row.activity = Activity.HOME
    elif a.kind is m.Kind.ABSENT and (a.employee_id, a.day) in ctx.absences:
        row.activity = Activity.ABSENT
    else:  # weekends, part-time days, public holidays
        row.activity = Activity.OFF
    return row


def engine_calendar_kind(a: m.Assignment, ctx: Context) -> m.Assignment:
    """Rows store holidays as OFF; the engine sees them as ABSENT (input). Map back for checks."""
    if a.kind is m.Kind.OFF and a.day in ctx.holidays and a.day.weekday() < 5:
        emp = ctx.employees.get(a.employee_id)
        if emp is not None and a.day.weekday() in working_weekdays(emp):
            return replace(a, kind=m.Kind.ABSENT)
    return a


def to_engine(rows: list[m.Assignment], ctx: Context) -> tuple[m.Assignment, ...]:
    return tuple(engine_calendar_kind(a, ctx) for a in rows)


# --- hard-rule messages in planners' words ------------------------------------------------

VIOLATION_TEXT = {
    "CALENDAR": gettext_lazy(
        "%(name)s: am %(day)s ist sie/er nicht im Dienst (Abwesenheit, Feiertag oder freier Tag)."
    ),
    "NOT_WORKING": gettext_lazy(
        "%(name)s: am %(day)s muss eine Tätigkeit (Büro, Homeoffice oder Schicht) geplant sein."
    ),
    "HOME_NOT_ALLOWED": gettext_lazy(
        "%(name)s hat keinen Homeoffice-Arbeitsplatz (Ausstattung „kein Homeoffice“)."
    ),
    "ROOM_NOT_ALLOWED": gettext_lazy(
        "%(name)s: dieser Raum gehört nicht zu den Räumen der eigenen Organisationseinheit "
        "oder hat keinen Platz."
    ),
    "SHIFT_NOT_ALLOWED": gettext_lazy("%(name)s kann diese Schicht nicht übernehmen."),
    "ROOM_CAPACITY": gettext_lazy(
        "%(room)s: am %(day)s sind mehr Personen eingeplant als Plätze vorhanden sind."
    ),
    "KIT_POOL": gettext_lazy(
        "Am %(day)s sind mehr Personen im Homeoffice als Homeoffice-Sets verfügbar."
    ),
    "COVERAGE": gettext_lazy(
        "Am %(day)s ist die Mindestbesetzung der Schicht %(shift)s nicht erreicht."
    ),
    "COHORTS_MEET": gettext_lazy(
        "Am %(day)s würden sich Mitglieder verschiedener Schichtteams vor Ort begegnen."
    ),
    "WEEK_MIN": gettext_lazy(
        "%(name)s: in dieser Woche wären es weniger Tage vor Ort als die Mindestzahl."
    ),
    "WEEK_MAX": gettext_lazy("%(name)s: in dieser Woche wären es mehr Tage vor Ort als erlaubt."),
    "REST": gettext_lazy("%(name)s: die Ruhezeit zwischen zwei Schichten ab %(day)s wäre zu kurz."),
    "CONSECUTIVE_ONSITE": gettext_lazy("%(name)s: zu viele Tage in Folge vor Ort (bis %(day)s)."),
    "CONSECUTIVE_WORKING": gettext_lazy("%(name)s: zu viele Arbeitstage in Folge (bis %(day)s)."),
    "FIXED_CHANGED": gettext_lazy(
        "%(name)s: der Tag %(day)s liegt in der Vergangenheit und bleibt unverändert."
    ),
}


def describe_violation(problem: m.Problem, text: str) -> str:
    """Message in the active language (German by default) for one line of the checker's output."""
    code, _sep, rest = text.partition(" ")
    parts = rest.replace(":", " ").split()
    emps = problem.employees_by_id
    name = room = shift = ""
    day = ""
    for p in parts:
        p = p.strip("(),'")
        if p in emps and not name:
            name = emps[p].name
        elif p in problem.rooms_by_id:
            room = problem.rooms_by_id[p].name
        elif p in problem.shifts_by_id:
            shift = problem.shifts_by_id[p].name
        else:
            with contextlib.suppress(ValueError):
                day = fmt_day(date.fromisoformat(p))
    template = VIOLATION_TEXT.get(code) or _("Eine Regel des Plans wäre verletzt (%(code)s).")
    values = {
        # Translators: fill-in when the checker's line names no person ("%(name)s: …").
        "name": name or _("Eine Person"),
        # Translators: fill-in when the checker's line names no day ("am %(day)s").
        "day": day or _("diesem Tag"),
        # Translators: fill-in when the checker's line names no room ("%(room)s: am …").
        "room": room or _("Ein Raum"),
        "shift": shift or "",
        "code": code,
    }
    return (str(template) % values).replace("  ", " ")


def check_rows(problem: m.Problem, ctx: Context, rows: list[m.Assignment]) -> list[str]:
    return list(check(problem, to_engine(rows, ctx)).violations)


# --- the engine's reasons why there is no plan, in the active language ---------------------

REASON_TEXT = {
    "NO_ACTIVITY": gettext_lazy(
        "%(name)s: am %(day)s ist keine Tätigkeit möglich (kein Homeoffice, kein Raum mit "
        "Platz, keine Schicht)."
    ),
    "CONSECUTIVE_WORKING_DAYS": gettext_lazy(
        "%(name)s: zu viele Arbeitstage in Folge bis %(day)s, erlaubt sind höchstens %(required)s."
    ),
    "ROOM_CAPACITY": gettext_lazy(
        "%(room)s: am %(day)s haben nicht alle Personen einen Platz, die vor Ort sein müssen."
    ),
    "KIT_POOL": gettext_lazy(
        "Homeoffice-Ausstattung: am %(day)s gibt es nicht genug Homeoffice-Sets."
    ),
    "COVERAGE": gettext_lazy(
        "Schicht %(shift)s am %(day)s: es gibt zu wenige geeignete Personen für die "
        "Mindestbesetzung (%(required)s)."
    ),
    "COHORT_COVERAGE": gettext_lazy(
        "Schichtteams: am %(day)s kann keines der Schichtteams die Besetzung allein stellen, "
        "und sie dürfen sich nicht begegnen."
    ),
    "COHORT_SEPARATION": gettext_lazy("Schichtteams dürfen sich am %(day)s nicht begegnen."),
    "WEEK_MIN_ONSITE": gettext_lazy(
        "%(name)s: die Mindestzahl der Tage vor Ort je Woche (%(required)s) ist nicht erreichbar."
    ),
    "WEEK_MAX_ONSITE": gettext_lazy("%(name)s: Höchstzahl der Tage vor Ort je Woche."),
    "REST_TIME": gettext_lazy("%(name)s: Ruhezeit zwischen zwei Schichten."),
    "CONSECUTIVE_ONSITE": gettext_lazy("%(name)s: Höchstzahl der Tage in Folge vor Ort."),
    "FIXED": gettext_lazy("%(name)s: Festlegung am %(day)s (bereits geplant)."),
    "UNEXPLAINED": gettext_lazy("Es gibt keinen Plan, der alle Regeln erfüllt."),
    "NO_PLAN_IN_TIME": gettext_lazy(
        "In der Rechenzeit wurde kein gültiger Plan gefunden, und die einfache Startlösung "
        "verletzt eine Regel. Mehr Rechenzeit geben oder Regeln prüfen."
    ),
}


def describe_reason(problem: m.Problem, reason: m.Reason) -> str:
    """The engine's reason in the active language: German keeps the engine's own detailed
    words; other languages get the translated sentence of the reason's code."""
    template = REASON_TEXT.get(reason.code)
    if template is None or (translation.get_language() or "de").startswith("de"):
        return reason.message
    emps = problem.employees_by_id
    name = next((emps[e].name for e in reason.employees if e in emps), "")
    subject = reason.subject or ""
    values = {
        "name": name or _("Eine Person"),
        "day": f"{reason.day:%d.%m.%Y}" if reason.day else _("diesem Tag"),
        "room": problem.rooms_by_id[subject].name
        if subject in problem.rooms_by_id
        else _("Ein Raum"),
        "shift": problem.shifts_by_id[subject].name if subject in problem.shifts_by_id else "",
        "required": reason.required if reason.required is not None else "",
    }
    return (str(template) % values).replace("  ", " ")
