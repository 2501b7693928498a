"""Status reports with computed lights, and the sweep that turns deviations into cases."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.models import Municipality
from rathaus.core.problems import DomainError
from rathaus.engines.indicators.periods import period_start, previous_period
from rathaus.steering import caching
from rathaus.steering.models import (
    LIGHT_ORDER,
    BudgetLine,
    Light,
    Project,
    StatusReport,
    SteeringSettings,
    period_name,
)
from rathaus.steering.services.cases import case_open
from rathaus.steering.services.indicators import indicators_analyse_all

LATE_DAYS = 30  # a milestone overdue for longer than this turns the time light red


def computed_time_light(project: Project, today: date) -> str:
    late = [
        (today - m.due).days
        for m in project.milestones.all()
        if m.done_on is None and m.due < today
    ]
    if not late:
        return Light.GREEN
    return Light.RED if max(late) > LATE_DAYS else Light.AMBER


def budget_deviation(project: Project, year: int) -> Decimal | None:
    """(actual + committed − plan) / plan for the year, or None without a plan."""
    sums = BudgetLine.objects.filter(project=project, year=year).aggregate(
        plan=Sum("planned"), committed=Sum("committed"), actual=Sum("actual")
    )
    plan = sums["plan"] or Decimal(0)
    if plan <= 0:
        return None
    used = (sums["committed"] or Decimal(0)) + (sums["actual"] or Decimal(0))
    return (used - plan) / plan


def computed_budget_light(project: Project, today: date) -> str:
    deviation = budget_deviation(project, today.year)
    if deviation is None or deviation <= 0:
        return Light.GREEN
    return Light.RED if deviation * 100 > project.budget_threshold else Light.AMBER


LIGHT_FIELDS = {
    "time": pgettext_lazy("Ampel", "Termine"),
    "budget": gettext_lazy("Budget"),
    "scope": gettext_lazy("Umfang"),
    "risk": gettext_lazy("Risiko"),
}


@transaction.atomic
def status_report_submit(
    *,
    actor,
    project: Project,
    period: date,
    time: str,
    budget: str,
    scope: str,
    risk: str,
    summary: str,
    next_steps: str = "",
    override_reason: str = "",
    now: datetime | None = None,
) -> StatusReport:
    """Keeps every report; a light better than the computed one needs a reason.

    ``period`` is any day of the reporting period (a month or a quarter, as the municipality
    reports); the report is stored under the period's first day."""
    now = now_or(now)
    today = timezone.localdate(now)
    lights = {"time": time, "budget": budget, "scope": scope, "risk": risk}
    for field, light in lights.items():
        if light not in Light.values:
            raise DomainError(
                "light_unknown",
                _("Bitte eine Ampel wählen."),
                errors=[{"field": field, "message": _("Bitte eine Ampel wählen.")}],
            )
    summary = (summary or "").strip()
    if not summary:
        raise DomainError(
            "required",
            _("Bitte den Sachstand beschreiben."),
            errors=[{"field": "summary", "message": _("Pflichtfeld.")}],
        )
    computed = {
        "time": computed_time_light(project, today),
        "budget": computed_budget_light(project, today),
    }
    softened = [f for f, c in computed.items() if LIGHT_ORDER[lights[f]] < LIGHT_ORDER[c]]
    if softened and not override_reason.strip():
        raise DomainError(
            "override_needs_reason",
            _("Die Ampel ist besser als die berechnete (%(f)s): bitte begründen.")
            % {"f": ", ".join(str(LIGHT_FIELDS[f]) for f in softened)},
            errors=[{"field": "override_reason", "message": _("Begründung erforderlich.")}],
        )
    rhythm = SteeringSettings.rhythm_of(project.municipality_id)
    report = StatusReport.objects.create(
        municipality_id=project.municipality_id,
        project=project,
        period=period_start(period, rhythm),
        submitted_at=now,
        author=actor,
        computed=computed,
        override_reason=override_reason.strip()[:500],
        summary=summary,
        next_steps=(next_steps or "").strip(),
        **lights,
    )
    audit.record(
        actor=actor, instance=report, action="create", summary=f"Statusbericht {project.title}"
    )
    if report.overall == Light.RED:
        _open_project_case(project, report, rhythm, now=now)
    caching.bump(project.municipality_id)
    return report


def _open_project_case(
    project: Project, report: StatusReport, rhythm: str, *, now: datetime
) -> None:
    red = [str(LIGHT_FIELDS[f]) for f in LIGHT_FIELDS if getattr(report, f) == Light.RED]
    case_open(
        kind="project",
        trigger=f"project:{project.pk}:red",
        title=_("%(p)s ist rot") % {"p": project.title},
        explanation=_("Statusbericht %(m)s: rot bei %(f)s. %(s)s")
        % {"m": period_name(report.period, rhythm), "f": ", ".join(red), "s": report.summary[:300]},
        assigned_unit=project.owner_unit,
        project=project,
        now=now,
    )


def projects_sweep(*, municipality, now: datetime | None = None) -> int:
    """Opens cases for missing reports (for the last ended month or quarter, as the
    municipality reports) and budgets over their threshold; returns how many."""
    now = now_or(now)
    today = timezone.localdate(now)
    rhythm = SteeringSettings.rhythm_of(municipality.pk)
    due = previous_period(today, rhythm)
    opened = 0
    running = Project.objects.filter(municipality=municipality, status=Project.Status.RUNNING)
    for project in running.select_related("owner_unit"):
        latest = project.reports.order_by("-period").values_list("period", flat=True).first()
        if project.start < due and (latest is None or latest < due):
            _case, new = case_open(
                kind="report",
                trigger=f"project:{project.pk}:report:{due.isoformat()}",
                title=_("Statusbericht fehlt: %(p)s") % {"p": project.title},
                explanation=_("Für %(m)s liegt kein Statusbericht vor.")
                % {"m": period_name(due, rhythm)},
                assigned_unit=project.owner_unit,
                project=project,
                now=now,
            )
            opened += new
        deviation = budget_deviation(project, today.year)
        if deviation is not None and deviation * 100 > project.budget_threshold:
            _case, new = case_open(
                kind="budget",
                trigger=f"project:{project.pk}:budget:{today.year}",
                title=_("Budget überschritten: %(p)s") % {"p": project.title},
                explanation=_(
                    "Gebunden und Ist liegen %(d)s %% über dem Plan %(y)d (Schwelle %(t)d %%)."
                )
                % {"d": f"{deviation * 100:.0f}", "y": today.year, "t": project.budget_threshold},
                assigned_unit=project.owner_unit,
                project=project,
                now=now,
            )
            opened += new
    return opened


def steering_sweep_all(*, now: datetime | None = None) -> int:
    """Nightly: analyse every municipality's indicators and sweep its projects."""
    opened = 0
    for municipality in Municipality.objects.all():
        indicators_analyse_all(municipality=municipality, now=now)
        opened += projects_sweep(municipality=municipality, now=now)
    return opened
