from django.contrib import admin

from rathaus.core.admin import TenantAdmin, site
from rathaus.standards.models import DailyFigure, MunicipalityProfile, PromiseMembership


@admin.register(MunicipalityProfile, site=site)
class MunicipalityProfileAdmin(TenantAdmin):
    list_display = ("municipality", "population", "population_date")


@admin.register(PromiseMembership, site=site)
class PromiseMembershipAdmin(TenantAdmin):
    list_display = ("promise", "municipality", "joined_on")


@admin.register(DailyFigure, site=site)
class DailyFigureAdmin(TenantAdmin):
    list_display = ("promise", "municipality", "location", "day", "cases", "successes")
    list_filter = ("promise",)
