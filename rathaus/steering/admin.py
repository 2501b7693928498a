from rathaus.core.admin import TenantAdmin, site
from rathaus.steering import caching
from rathaus.steering.models import (
    ActionField,
    BudgetLine,
    Goal,
    Indicator,
    IndicatorTarget,
    Milestone,
    Programme,
    Project,
    SteeringCase,
    SteeringSettings,
    StrategyPlan,
)


class SteeringAdmin(TenantAdmin):
    """Changes made here reach the cached cockpit at once (a new cockpit version)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        caching.bump(obj.municipality_id)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        caching.bump(obj.municipality_id)

    def delete_queryset(self, request, queryset):
        ids = set(queryset.values_list("municipality_id", flat=True))
        super().delete_queryset(request, queryset)
        for municipality_id in ids:
            caching.bump(municipality_id)


class StrategyPlanAdmin(SteeringAdmin):
    list_display = ("title", "term_start", "term_end", "is_current")


class ActionFieldAdmin(SteeringAdmin):
    list_display = ("title", "plan", "position", "public")


class GoalAdmin(SteeringAdmin):
    list_display = ("title", "action_field", "position")


class ProgrammeAdmin(SteeringAdmin):
    list_display = ("title", "plan", "position", "public")


class ProjectAdmin(SteeringAdmin):
    list_display = (
        "title",
        "action_field",
        "programme",
        "status",
        "owner_unit",
        "start",
        "end",
        "public",
    )
    list_filter = ("status",)
    raw_id_fields = ("owner",)
    filter_horizontal = ("depends_on",)


class IndicatorAdmin(SteeringAdmin):
    list_display = ("name", "unit", "area", "polarity", "status", "public")
    readonly_fields = ("analysis", "status")


class IndicatorTargetAdmin(SteeringAdmin):
    list_display = ("indicator", "year", "target", "lower", "upper")


class SteeringCaseAdmin(SteeringAdmin):
    list_display = ("title", "kind", "status", "opened_at", "decision")
    list_filter = ("status", "kind")
    readonly_fields = ("trigger", "changes")


class MilestoneAdmin(SteeringAdmin):
    list_display = ("title", "project", "due", "done_on")


class BudgetLineAdmin(SteeringAdmin):
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
site.register(Programme, ProgrammeAdmin)


class SteeringSettingsAdmin(SteeringAdmin):
    list_display = ("municipality", "reporting_period")


site.register(SteeringSettings, SteeringSettingsAdmin)
