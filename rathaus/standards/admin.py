from django.contrib import admin

from rathaus.core.admin import TenantAdmin, site
from rathaus.core.tenancy import municipality_ids_for
from rathaus.standards.models import (
    DailyFigure,
    ManualEntry,
    MunicipalityProfile,
    Promise,
    PromiseMembership,
)


@admin.register(MunicipalityProfile, site=site)
class MunicipalityProfileAdmin(TenantAdmin):
    list_display = ("municipality", "population", "population_date")


@admin.register(PromiseMembership, site=site)
class PromiseMembershipAdmin(TenantAdmin):
    list_display = ("promise", "municipality", "joined_on")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "promise":
            # promises of the user's own region only
            kwargs["queryset"] = Promise.objects.filter(
                region__municipalities__id__in=municipality_ids_for(request.user)
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdmin(TenantAdmin):
    """Figures are measured, imported or confirmed by a second person (four eyes); the admin
    shows them but is no side door to add or change them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DailyFigure, site=site)
class DailyFigureAdmin(ReadOnlyAdmin):
    list_display = ("promise", "municipality", "location", "day", "cases", "successes", "source")
    list_filter = ("promise", "source")


@admin.register(ManualEntry, site=site)
class ManualEntryAdmin(ReadOnlyAdmin):
    list_display = ("promise", "municipality", "day", "cases", "successes", "status", "entered_by")
    list_filter = ("status",)
