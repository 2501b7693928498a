"""Reads of the steering app, scoped to the acting user (council members: public rows only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.http import Http404

from rathaus.core.tenancy import get_scoped_or_404, municipality_ids_for, scoped
from rathaus.engines.indicators.periods import previous_period
from rathaus.steering.models import (
    LIGHT_ORDER,
    ActionField,
    BodyDecision,
    BudgetLine,
    Indicator,
    IndicatorValue,
    Light,
    Milestone,
    MilestoneRevision,
    Programme,
    Project,
    StatusReport,
    SteeringCase,
    SteeringSettings,
    StrategyPlan,
    period_name,
)
from rathaus.steering.rules import sees_public_only


def public_only(user) -> bool:
    """Council members (and nobody who reads more) see only what is marked public: everyone
    who may not work on steering cases (``rules.sees_public_only``, the one source of the
    role set, also behind the menu's cases link)."""
    return sees_public_only(user)


def _latest_report(field_name: str) -> Subquery:
    reports = StatusReport.objects.filter(project=OuterRef("pk")).order_by(
        "-period", "-submitted_at"
    )
    return Subquery(reports.values(field_name)[:1])


def projects_for(user) -> QuerySet[Project]:
    qs = (
        scoped(Project, user)
        .select_related("owner_unit", "action_field", "goal", "owner", "programme")
        .annotate(
            last_period=_latest_report("period"),
            last_time=_latest_report("time"),
            last_budget=_latest_report("budget"),
            last_scope=_latest_report("scope"),
            last_risk=_latest_report("risk"),
        )
    )
    if public_only(user):
        qs = qs.filter(public=True)
    return qs


def light_of(project) -> str | None:
    lights = [getattr(project, f"last_{f}", None) for f in ("time", "budget", "scope", "risk")]
    lights = [light for light in lights if light]
    if not lights:
        return None
    return max(lights, key=LIGHT_ORDER.__getitem__)


def indicators_for(user) -> QuerySet[Indicator]:
    qs = scoped(Indicator, user).select_related("responsible_unit", "proxy_for")
    if public_only(user):
        qs = qs.filter(public=True)
    return qs


def cases_for(user, *, status: str | None = None) -> QuerySet[SteeringCase]:
    qs = scoped(SteeringCase, user).select_related(
        "assigned_unit", "project", "indicator", "decided_by"
    )
    if public_only(user):
        raise Http404
    if status:
        qs = qs.filter(status=status)
    return qs


def current_plan(user) -> StrategyPlan | None:
    return scoped(StrategyPlan, user).filter(is_current=True).order_by("-term_start").first()


@dataclass
class FieldView:
    field: ActionField
    projects: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    more: int = 0

    def count(self, light: str) -> int:
        return sum(1 for p in self.projects if light_of(p) == light)


@dataclass
class ProgrammeView:
    """A programme with its visible projects and the action fields they belong to."""

    programme: Programme
    fields: list = field(default_factory=list)
    projects: list = field(default_factory=list)

    def count(self, light: str) -> int:
        return sum(1 for p in self.projects if light_of(p) == light)


def programmes_of(user, plan: StrategyPlan | None, fields: list[FieldView]) -> list[ProgrammeView]:
    """The plan's programmes, their projects gathered across the action fields (in the
    fields' order), so a programme spans exactly the fields its projects lie in."""
    if plan is None:
        return []
    programmes = scoped(Programme, user).filter(plan=plan)
    if public_only(user):
        programmes = programmes.filter(public=True)
    views = {p.pk: ProgrammeView(p) for p in programmes}
    for fv in fields:
        for project in fv.projects:
            view = views.get(project.programme_id)
            if view is None:
                continue
            view.projects.append(project)
            if fv.field not in view.fields:
                view.fields.append(fv.field)
    return list(views.values())


def programme_get(user, pk: int) -> ProgrammeView:
    """A programme with its visible projects, grouped by action field (its drill-down)."""
    qs = scoped(Programme, user).select_related("plan")
    if public_only(user):
        qs = qs.filter(public=True)
    programme = get_scoped_or_404(qs, user, pk=pk)
    view = ProgrammeView(programme)
    projects = projects_for(user).filter(programme=programme)
    for project in projects.order_by("action_field__position", "action_field__title", "title"):
        view.projects.append(project)
        if project.action_field not in view.fields:
            view.fields.append(project.action_field)
    return view


def tree(
    user,
    plan: StrategyPlan | None = None,
    *,
    with_indicators: bool = True,
    with_goals: bool = True,
) -> list[FieldView]:
    """Action fields of the current plan with goals, projects (with lights) and indicators."""
    plan = plan or current_plan(user)
    if plan is None:
        return []
    fields = scoped(ActionField, user).filter(plan=plan)
    if with_goals:
        fields = fields.prefetch_related("goals")
    if public_only(user):
        fields = fields.filter(public=True)
    views = {f.pk: FieldView(f) for f in fields}
    for project in projects_for(user).filter(action_field__plan=plan).order_by("title"):
        if project.action_field_id in views:
            views[project.action_field_id].projects.append(project)
    indicators = indicators_for(user).filter(action_field__plan=plan) if with_indicators else []
    for indicator in indicators:
        if indicator.action_field_id in views:
            views[indicator.action_field_id].indicators.append(indicator)
    return list(views.values())


def reporting_rhythm(user) -> str:
    """The reporting rhythm of the user's (first) municipality: how the pages name periods."""
    ids = sorted(municipality_ids_for(user))
    return SteeringSettings.rhythm_of(ids[0]) if ids else SteeringSettings.Rhythm.MONTHLY


def overdue_reports(user, today: date, projects: list[Project] | None = None) -> list[Project]:
    """Running projects without a report for the last ended period — the previous month or
    quarter, as each project's municipality reports."""
    if projects is None:
        projects = list(projects_for(user))
    rhythms = SteeringSettings.rhythms({p.municipality_id for p in projects})
    due = {town: previous_period(today, rhythm) for town, rhythm in rhythms.items()}
    return [
        p
        for p in projects
        if p.status == Project.Status.RUNNING
        and p.start < due[p.municipality_id]
        and (p.last_period is None or p.last_period < due[p.municipality_id])
    ]


@dataclass(frozen=True)
class BudgetRow:
    project: Project
    planned: Decimal
    committed: Decimal
    actual: Decimal

    @property
    def used(self) -> Decimal:
        return self.committed + self.actual

    @property
    def deviation(self) -> Decimal | None:
        return (self.used - self.planned) / self.planned if self.planned else None

    @property
    def percent(self) -> int | None:
        return None if self.deviation is None else round(self.deviation * 100)

    @property
    def over_threshold(self) -> bool:
        return self.percent is not None and self.percent > self.project.budget_threshold


def budget_rows(user, year: int, projects: list[Project] | None = None) -> list[BudgetRow]:
    visible = {p.pk: p for p in (projects if projects is not None else projects_for(user))}
    sums = (
        scoped(BudgetLine, user)
        .filter(year=year, project_id__in=list(visible))
        .values("project_id")
        .annotate(planned=Sum("planned"), committed=Sum("committed"), actual=Sum("actual"))
    )
    rows = [
        BudgetRow(visible[s["project_id"]], s["planned"], s["committed"], s["actual"]) for s in sums
    ]
    return sorted(rows, key=lambda r: -(r.deviation or Decimal(-99)))


@dataclass(frozen=True)
class IndicatorRow:
    """What the cockpit shows of an indicator: read from the stored analysis, key by key."""

    pk: int
    name: str
    area: str
    unit: str
    source: str
    status: str
    proxy_name: str | None
    explanation: str
    spark: list
    latest: list | None


SEVERITY = {Light.RED: 0, Light.AMBER: 1, Light.GREEN: 2}
COCKPIT_ROWS = 100  # the cockpit shows the worst 100 indicators; the rest are a click away
FIELD_PROJECTS = 12


_SEVERITY_SQL = Case(
    When(status=Light.RED, then=Value(0)),
    When(status=Light.AMBER, then=Value(1)),
    When(status=Light.GREEN, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def indicator_rows_for(user, *, limit: int | None = None) -> list[IndicatorRow]:
    """Indicators worst first (red, amber, green, then by name); with ``limit`` the order is
    found on plain columns first, so only the shown rows' stored analyses are read."""
    qs = indicators_for(user)
    if limit is not None:
        ids = list(
            qs.annotate(severity=_SEVERITY_SQL)
            .order_by("severity", "name", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        qs = qs.filter(pk__in=ids)
    rows = qs.values_list(
        "pk",
        "name",
        "area",
        "unit",
        "source",
        "status",
        "proxy_for__name",
        "analysis__explanation",
        "analysis__spark",
        "analysis__latest",
    )
    found = [IndicatorRow(*row[:7], row[7] or "", row[8] or [], row[9]) for row in rows]
    return sorted(found, key=lambda i: (SEVERITY.get(i.status, 3), i.name, i.pk))


def indicator_counts(user) -> tuple[int, int]:
    """(all indicators, those with a warning) in one query."""
    counts = indicators_for(user).aggregate(
        total=Count("pk"), warned=Count("pk", filter=~Q(status=Light.GREEN))
    )
    return counts["total"], counts["warned"]


@dataclass
class Cockpit:
    plan: StrategyPlan | None
    fields: list[FieldView]
    indicators: list[IndicatorRow]
    indicator_count: int
    warnings: list[IndicatorRow]
    warning_count: int
    open_cases: list[SteeringCase]
    overdue: list[Project]
    budgets: list[BudgetRow]
    year: int
    programmes: list[ProgrammeView] = field(default_factory=list)
    rhythm: str = SteeringSettings.Rhythm.MONTHLY
    due: date | None = None


def _worst_first(fields: list[FieldView]) -> None:
    for fv in fields:
        fv.projects.sort(key=lambda p: (SEVERITY.get(light_of(p), 3), p.title))
        fv.more = max(0, len(fv.projects) - FIELD_PROJECTS)


@dataclass(frozen=True)
class UnitName:
    name: str


@dataclass(frozen=True)
class ProjectRow:
    """What the cockpit and its export show of a project (plain values, no model instances:
    500 projects with their relations cost more to build as objects than to query)."""

    pk: int
    title: str
    action_field_id: int
    status: str
    start: date
    end: date
    owner_unit: UnitName
    budget_threshold: int
    last_period: date | None
    last_time: str | None
    last_budget: str | None
    last_scope: str | None
    last_risk: str | None
    programme_id: int | None = None
    municipality_id: int | None = None

    def get_status_display(self) -> str:
        return str(Project.Status(self.status).label)


_PROJECT_ROW = (
    "pk",
    "title",
    "action_field_id",
    "status",
    "start",
    "end",
    "owner_unit__name",
    "budget_threshold",
    "last_period",
    "last_time",
    "last_budget",
    "last_scope",
    "last_risk",
)


def _latest_lights(project_ids: list[int]) -> dict[int, tuple]:
    """(period, time, budget, scope, risk) of each project's latest report: one subquery for
    its id instead of one per light, then one query for the lights."""
    newest = StatusReport.objects.filter(project=OuterRef("pk")).order_by(
        "-period", "-submitted_at", "-pk"
    )
    ids = (
        Project.objects.filter(pk__in=project_ids)
        .annotate(report=Subquery(newest.values("pk")[:1]))
        .values_list("report", flat=True)
    )
    rows = StatusReport.objects.filter(pk__in=[i for i in ids if i]).values_list(
        "project_id", "period", "time", "budget", "scope", "risk"
    )
    return {row[0]: row[1:] for row in rows}


def _cockpit_fields(user, plan: StrategyPlan | None) -> list[FieldView]:
    if plan is None:
        return []
    fields = scoped(ActionField, user).filter(plan=plan)
    if public_only(user):
        fields = fields.filter(public=True)
    views = {f.pk: FieldView(f) for f in fields}
    projects = scoped(Project, user).filter(action_field__plan=plan).order_by("title")
    if public_only(user):
        projects = projects.filter(public=True)
    rows = list(projects.values_list(*_PROJECT_ROW[:8], "programme_id", "municipality_id"))
    lights = _latest_lights([row[0] for row in rows])
    for row in rows:
        last = lights.get(row[0], (None,) * 5)
        project = ProjectRow(
            *row[:6], UnitName(row[6]), row[7], *last, programme_id=row[8], municipality_id=row[9]
        )
        if project.action_field_id in views:
            views[project.action_field_id].projects.append(project)
    return list(views.values())


def cockpit(user, today: date) -> Cockpit:
    plan = current_plan(user)
    fields = _cockpit_fields(user, plan)
    projects = [p for f in fields for p in f.projects]
    _worst_first(fields)
    programmes = programmes_of(user, plan, fields)
    rhythm = reporting_rhythm(user)
    indicators = indicator_rows_for(user, limit=COCKPIT_ROWS)
    total, warned = indicator_counts(user)
    return Cockpit(
        plan=plan,
        fields=fields,
        indicators=indicators,
        indicator_count=total,
        # the warnings are the first rows of the worst-first list
        warnings=[i for i in indicators if i.status != Light.GREEN],
        warning_count=warned,
        open_cases=[] if public_only(user) else list(cases_for(user, status="open")[:50]),
        overdue=overdue_reports(user, today, projects),
        budgets=[r for r in budget_rows(user, today.year, projects) if (r.percent or 0) > 0],
        year=today.year,
        programmes=programmes,
        rhythm=rhythm,
        due=previous_period(today, rhythm),
    )


def project_get(user, pk: int) -> Project:
    return get_scoped_or_404(
        projects_for(user).prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("due"))
        ),
        user,
        pk=pk,
    )


@dataclass(frozen=True)
class HistoryEntry:
    at: object
    kind: str
    title: str
    text: str
    light: str | None = None
    case: SteeringCase | None = None


def project_history(project: Project) -> list[HistoryEntry]:
    """Every report, decision and versioned milestone change, newest first."""
    rhythm = SteeringSettings.rhythm_of(project.municipality_id)
    entries = [
        HistoryEntry(r.submitted_at, "report", period_name(r.period, rhythm), r.summary, r.overall)
        for r in project.reports.all()
    ]
    decided = project.cases.filter(status=SteeringCase.Status.DECIDED)
    # A body's decision shows as itself (body, meeting day, text), also beside a decision the
    # leadership took before.
    for row in BodyDecision.objects.filter(case__project=project).select_related("case"):
        entries.append(
            HistoryEntry(
                row.recorded_at,
                "decision",
                f"{SteeringCase.Decision.BODY.label} ({row.body}, "
                f"{row.meeting_date:%d.%m.%Y}): {row.case.title}",
                row.text,
                case=row.case,
            )
        )
    for case in decided.exclude(decision=SteeringCase.Decision.BODY):
        entries.append(
            HistoryEntry(
                case.decided_at,
                "decision",
                f"{case.get_decision_display()}: {case.title}",
                case.decision_reason,
                case=case,
            )
        )
    for rev in MilestoneRevision.objects.filter(milestone__project=project).select_related(
        "milestone"
    ):
        entries.append(
            HistoryEntry(
                rev.at,
                "milestone",
                rev.milestone.title,
                f"{rev.old_due:%d.%m.%Y} → {rev.new_due:%d.%m.%Y}: {rev.reason}",
            )
        )
    return sorted(entries, key=lambda e: e.at, reverse=True)


def indicator_get(user, pk: int) -> Indicator:
    return get_scoped_or_404(indicators_for(user), user, pk=pk)


def indicator_rows(indicator: Indicator) -> list[IndicatorValue]:
    """Every stored version, oldest first (revisions visible)."""
    return list(indicator.values.select_related("entered_by").order_by("ref_date", "version"))


def pending_values(indicator: Indicator) -> list[IndicatorValue]:
    return list(indicator.values.filter(confirmed=False).select_related("entered_by"))


def case_get(user, pk: int) -> SteeringCase:
    return get_scoped_or_404(cases_for(user), user, pk=pk)


def previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def decisions_in(user, start: date, end: date | None = None) -> list[SteeringCase]:
    """Cases decided from ``start`` (a first of the month) up to ``end`` (exclusive; default:
    the end of ``start``'s month) — a month's or a quarter's decisions."""
    if end is None:
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return list(
        cases_for(user, status=SteeringCase.Status.DECIDED)
        .filter(decided_at__date__gte=start, decided_at__date__lt=end)
        .order_by("decided_at")
    )
