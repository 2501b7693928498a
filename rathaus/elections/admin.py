"""Admin: preparing elections with candidates and districts.

Everything after the preparation belongs to the app, where the four-eyes rule and the
correction log hold: the status is changed only by election officers
(``services.elections.election_set_status``), figures only through entry, approval and corrections.
Here an election is editable only while it is in preparation and no district has figures;
then it is read-only, and its districts can be neither added nor deleted.
"""

from django.contrib import admin

from rathaus.core.admin import TenantAdmin, is_master_admin, site
from rathaus.core.text import validate_one_line
from rathaus.elections import caching
from rathaus.elections.models import Candidate, District, Election
from rathaus.elections.selectors.elections import is_open_for_setup
from rathaus.elections.services.elections import result_ensure


class CandidateInline(admin.TabularInline):
    model = Candidate
    extra = 0
    fields = ("position", "name", "party")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in ("name", "party"):
            field.validators.append(validate_one_line)  # names go into the open-data CSV
        return field

    def _editable(self, request, obj):
        return is_master_admin(request.user) and is_open_for_setup(obj)

    def has_view_permission(self, request, obj=None):
        # the rows are the parent's: whoever administers the election sees its candidates
        # (Django's model permissions, which municipality admins do not hold, hid them)
        return is_master_admin(request.user)

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)


@admin.register(Election, site=site)
class ElectionAdmin(TenantAdmin):
    list_display = ("title", "date", "kind", "status", "municipality")
    list_filter = ("kind", "status")
    inlines = [CandidateInline]

    def get_readonly_fields(self, request, obj=None):
        # The status is the election officers' (final needs every district approved).
        fields = ("status", "first_round")
        if not is_open_for_setup(obj):
            fields += ("municipality", "kind", "title", "date", "previous_election")
            fields += ("quorum_percent",)
        return fields

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and is_open_for_setup(obj)

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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "election" and field is not None:
            # New districts only for elections still in preparation.
            field.queryset = field.queryset.filter(status=Election.Status.PREPARATION)
        return field

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not is_open_for_setup(obj.election):
            return ("election", "number", "name", "kind")
        return ()

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or is_open_for_setup(obj.election)
        )

    def save_model(self, request, obj, form, change):
        obj.municipality_id = obj.election.municipality_id
        super().save_model(request, obj, form, change)
        if not change:
            result_ensure(district=obj)
        caching.bump(obj.election_id)

    def delete_model(self, request, obj):
        election_id = obj.election_id
        super().delete_model(request, obj)
        caching.bump(election_id)

    def delete_queryset(self, request, queryset):
        election_ids = set(queryset.values_list("election_id", flat=True))
        for obj in queryset:
            self.delete_model(request, obj)
        for election_id in election_ids:
            caching.bump(election_id)
