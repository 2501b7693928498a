from rathaus.core.admin import TenantAdmin, site
from rathaus.staffpool.models import CaseOffer, PoolMember, StaffingFloor, StaffRequest


class PoolMemberAdmin(TenantAdmin):
    list_display = ("pseudonym", "status", "available_from", "available_until")
    list_filter = ("status",)
    raw_id_fields = ("employee",)
    readonly_fields = ("pseudonym",)


class StaffRequestAdmin(TenantAdmin):
    list_display = ("title", "start", "end", "slots", "status")
    list_filter = ("status", "urgency")


class StaffingFloorAdmin(TenantAdmin):
    list_display = ("org_unit", "minimum")


site.register(PoolMember, PoolMemberAdmin)
site.register(StaffRequest, StaffRequestAdmin)
site.register(StaffingFloor, StaffingFloorAdmin)


class CaseOfferAdmin(TenantAdmin):
    list_display = ("skill", "hours_per_week", "start", "end", "status")
    list_filter = ("status", "skill")


site.register(CaseOffer, CaseOfferAdmin)
