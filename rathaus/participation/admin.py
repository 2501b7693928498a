"""Admin: master data of participation (districts, experts, processes with phases, polls,
guiding-vision chapters, conferences and forums). Day-to-day work happens in the app's staff pages."""

from django.contrib import admin
from django.db import models

from rathaus.core.admin import TenantAdmin, site
from rathaus.participation.models import (
    Conference,
    District,
    Expert,
    Phase,
    Poll,
    PollOption,
    Process,
    StreetRange,
    VisionChapter,
    VisionParagraph,
)


class InlineTenantMixin:
    """Inline rows belong to the parent's municipality."""

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in instances:
            obj.municipality_id = form.instance.municipality_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0
    exclude = ("municipality",)


@admin.register(Process, site=site)
class ProcessAdmin(InlineTenantMixin, TenantAdmin):
    list_display = ("title", "kind", "audience", "moderation", "published", "municipality")
    list_filter = ("kind", "published")
    search_fields = ("title",)
    inlines = [PhaseInline]
    readonly_fields = ("created_by",)


@admin.register(District, site=site)
class DistrictAdmin(TenantAdmin):
    list_display = ("code", "name", "municipality")
    search_fields = ("code", "name")


@admin.register(StreetRange, site=site)
class StreetRangeAdmin(TenantAdmin):
    list_display = ("street", "first", "last", "parity", "district")
    search_fields = ("street",)


@admin.register(Expert, site=site)
class ExpertAdmin(TenantAdmin):
    list_display = ("name", "field", "role", "affiliation", "district")
    list_filter = ("field",)
    search_fields = ("name", "affiliation")


class PollOptionInline(admin.TabularInline):
    model = PollOption
    extra = 2
    exclude = ("municipality",)


@admin.register(Poll, site=site)
class PollAdmin(InlineTenantMixin, TenantAdmin):
    list_display = ("question", "process", "kind")
    inlines = [PollOptionInline]


class ParagraphInline(admin.TabularInline):
    model = VisionParagraph
    extra = 1
    exclude = ("municipality", "previous")


@admin.register(VisionChapter, site=site)
class VisionChapterAdmin(InlineTenantMixin, TenantAdmin):
    list_display = ("title", "process", "district", "position")
    inlines = [ParagraphInline]


@admin.register(Conference, site=site)
class ConferenceAdmin(TenantAdmin):
    list_display = ("title", "kind", "process", "starts_at", "capacity")
    # A link typed without a scheme is a video room on the web: https, never plain http.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ("kind",)
    search_fields = ("title",)
