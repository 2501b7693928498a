from rathaus.core.admin import TenantAdmin, site
from rathaus.steering.models import (
    ActionField,
    BudgetLine,
    Goal,
    Indicator,
    IndicatorTarget,
    Milestone,
    Project,
    SteeringCase,
    StrategyPlan,
)


class StrategyPlanAdmin(TenantAdmin):
    list_display = ("title", "term_start", "term_end", "is_current")


class ActionFieldAdmin(TenantAdmin):
    list_display = ("title", "plan", "position", "public")


class GoalAdmin(TenantAdmin):
    list_display = ("title", "action_field", "position")


class ProjectAdmin(TenantAdmin):
    list_display = ("title", "action_field", "status", "owner_unit", "start", "end", "public")
    list_filter = ("status",)
    raw_id_fields = ("owner",)
    filter_horizontal = ("depends_on",)


class IndicatorAdmin(TenantAdmin):
    list_display = ("name", "unit", "area", "polarity", "status", "public")
    readonly_fields = ("analysis", "status")


class IndicatorTargetAdmin(TenantAdmin):
    list_display = ("indicator", "year", "target", "lower", "upper")


class SteeringCaseAdmin(TenantAdmin):
    list_display = ("title", "kind", "status", "opened_at", "decision")
    list_filter = ("status", "kind")
    readonly_fields = ("trigger", "changes")


class MilestoneAdmin(TenantAdmin):
    list_display = ("title", "project", "due", "done_on")


class BudgetLineAdmin(TenantAdmin):
    list_display = ("project", "year", "product", "cost_centre", "planned", "committed", "actual")
    list_filter = ("year", "source")


site.register(StrategyPlan, StrategyPlanAdmin)
site.register(Milestone, MilestoneAdmin)
site.register(BudgetLine, BudgetLineAdmin)
site.register(ActionField, ActionFieldAdmin)
site.register(Goal, GoalAdmin)
site.register(Project, ProjectAdmin)
site.register(Indicator, IndicatorAdmin)
site.register(IndicatorTarget, IndicatorTargetAdmin)
site.register(SteeringCase, SteeringCaseAdmin)
