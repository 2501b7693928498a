from rathaus.core.admin import TenantAdmin, site
from rathaus.presence.models import Absence, PlanningPeriod, SolverJob


class PlanningPeriodAdmin(TenantAdmin):
    list_display = ("name", "start", "weeks", "mode", "status")
    list_filter = ("status", "mode")
    filter_horizontal = ("org_units",)


class AbsenceAdmin(TenantAdmin):
    list_display = ("employee", "start", "end", "kind")
    list_filter = ("kind",)
    raw_id_fields = ("employee",)


class SolverJobAdmin(TenantAdmin):
    list_display = ("period", "kind", "status", "progress", "created_at")
    list_filter = ("status", "kind")
    readonly_fields = ("result",)


site.register(PlanningPeriod, PlanningPeriodAdmin)
site.register(Absence, AbsenceAdmin)
site.register(SolverJob, SolverJobAdmin)
