"""Admin: creating elections with candidates and districts (results are entered in the app)."""

from django.contrib import admin

from rathaus.core.admin import TenantAdmin, site
from rathaus.elections import caching
from rathaus.elections.models import Candidate, District, Election, Result


class CandidateInline(admin.TabularInline):
    model = Candidate
    extra = 0
    fields = ("position", "name", "party")


@admin.register(Election, site=site)
class ElectionAdmin(TenantAdmin):
    list_display = ("title", "date", "kind", "status", "municipality")
    list_filter = ("kind", "status")
    inlines = [CandidateInline]
    readonly_fields = ("first_round",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        caching.bump(obj.pk)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in instances:
            obj.municipality_id = form.instance.municipality_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(District, site=site)
class DistrictAdmin(TenantAdmin):
    list_display = ("number", "name", "kind", "election")
    list_filter = ("kind",)
    search_fields = ("number", "name")
    exclude = ("municipality",)  # always the election's

    def save_model(self, request, obj, form, change):
        obj.municipality_id = obj.election.municipality_id
        super().save_model(request, obj, form, change)
        if not change:
            Result.objects.get_or_create(
                district=obj,
                defaults={"election": obj.election, "municipality_id": obj.municipality_id},
            )
        caching.bump(obj.election_id)
