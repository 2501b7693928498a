"""Master data of the citizen office in the admin (scoped to the admin's municipality)."""

from django.contrib import admin

from rathaus.appointments.models import (
    BookingPolicy,
    Counter,
    DateException,
    OpeningHours,
    Service,
    ServiceDuration,
)
from rathaus.core.admin import TenantAdmin, site


class ServiceDurationInline(admin.TabularInline):
    model = ServiceDuration
    extra = 0
    fields = ("location", "duration_minutes", "municipality")


@admin.register(Service, site=site)
class ServiceAdmin(TenantAdmin):
    list_display = ("name", "leika_key", "default_duration_minutes", "active")
    list_filter = ("active",)
    search_fields = ("name", "leika_key")
    inlines = [ServiceDurationInline]


@admin.register(Counter, site=site)
class CounterAdmin(TenantAdmin):
    list_display = ("name", "location", "active")
    list_filter = ("location", "active")
    filter_horizontal = ("services",)


@admin.register(OpeningHours, site=site)
class OpeningHoursAdmin(TenantAdmin):
    list_display = ("location", "counter", "weekday", "start", "end")
    list_filter = ("location", "weekday")


@admin.register(DateException, site=site)
class DateExceptionAdmin(TenantAdmin):
    list_display = ("date", "location", "counter", "closed", "start", "end", "reason")
    list_filter = ("location", "closed")
    date_hierarchy = "date"


@admin.register(BookingPolicy, site=site)
class BookingPolicyAdmin(TenantAdmin):
    list_display = ("location", "granularity_minutes", "max_days_ahead", "hold_minutes")
    readonly_fields = ("display_token",)
