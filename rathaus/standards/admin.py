from django.contrib import admin

from rathaus.core.admin import TenantAdmin, site
from rathaus.core.tenancy import municipality_ids_for
from rathaus.standards.models import DailyFigure, MunicipalityProfile, Promise, PromiseMembership


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


@admin.register(DailyFigure, site=site)
class DailyFigureAdmin(TenantAdmin):
    list_display = ("promise", "municipality", "location", "day", "cases", "successes")
    list_filter = ("promise",)
