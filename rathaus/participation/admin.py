"""Admin: master data of participation (districts, experts, processes with phases, polls,
guiding-vision chapters, conferences and forums). Day-to-day work happens in the app's staff pages."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.core.admin import TenantAdmin, TenantInline, site
from rathaus.participation import caching
from rathaus.participation.models import (
    Conference,
    ConsentText,
    District,
    Expert,
    ModuleAudience,
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


class PhaseInline(TenantInline):
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


class PollOptionInline(TenantInline):
    model = PollOption
    extra = 2
    exclude = ("municipality",)


@admin.register(Poll, site=site)
class PollAdmin(InlineTenantMixin, TenantAdmin):
    list_display = ("question", "process", "kind")
    inlines = [PollOptionInline]


class ParagraphInline(TenantInline):
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


class ModuleAudienceForm(forms.ModelForm):
    class Meta:
        model = ModuleAudience
        fields = ("process", "module", "audience", "districts", "groups")

    def clean(self):
        data = super().clean()
        process = data.get("process")
        if process is None:
            return data
        if any(g.process_id != process.pk for g in data.get("groups") or []):
            self.add_error("groups", _("Nur Gruppen, die zu diesem Verfahren eingeladen sind."))
        if any(d.municipality_id != process.municipality_id for d in data.get("districts") or []):
            self.add_error("districts", _("Nur Stadtteile der Kommune des Verfahrens."))
        if data.get("audience") == "districts" and not (
            data.get("districts") or process.districts.exists()
        ):
            raise ValidationError(
                _("Bitte Stadtteile wählen: das Verfahren nennt keine betroffenen Stadtteile.")
            )
        return data


@admin.register(ModuleAudience, site=site)
class ModuleAudienceAdmin(TenantAdmin):
    """A module's own audience (ideas, comments, support, polls, draft text, event questions);
    without a row the phase's or the process's audience applies."""

    form = ModuleAudienceForm
    list_display = ("process", "module", "audience")
    list_filter = ("module", "audience")
    filter_horizontal = ("districts", "groups")

    def save_model(self, request, obj, form, change):
        obj.municipality_id = obj.process.municipality_id
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        caching.bump(form.instance.process_id)


@admin.register(ConsentText, site=site)
class ConsentTextAdmin(TenantAdmin):
    """Versioned consent texts of a municipality: a new version (a new row with a higher
    number) asks every participant again on their next contribution."""

    list_display = ("kind", "version", "title", "published_at", "municipality")
    list_filter = ("kind",)
