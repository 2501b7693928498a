"""Admin: bodies with their members, series, papers (meetings and minutes are kept in the app)."""

from django import forms
from django.contrib import admin

from rathaus.core.admin import TenantAdmin, site
from rathaus.core.problems import DomainError
from rathaus.core.tenancy import municipality_ids_for
from rathaus.meetings import caching
from rathaus.meetings.models import (
    Body,
    Consultation,
    LegislativeTerm,
    Meeting,
    Membership,
    Paper,
    Series,
)
from rathaus.meetings.services.bodies import term_check
from rathaus.meetings.services.tombstones import delete_objects, hiding


class DeletesThroughService:
    """Deleting in the admin leaves OParl tombstones like every deletion (services.tombstones)."""

    def delete_model(self, request, obj):
        delete_objects(actor=request.user, objects=[obj])

    def delete_queryset(self, request, queryset):
        delete_objects(actor=request.user, objects=list(queryset))


class HidesThroughService:
    """A body or paper taken out of OParl in the admin (``public`` unticked) leaves tombstones
    for what OParl showed of it, like a deletion (services.tombstones.hiding)."""

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            caching.bump_town(obj.municipality_id)
            return
        with hiding([obj]):
            super().save_model(request, obj, form, change)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = (
        "employee",
        "external_name",
        "external_email",
        "external_organisation",
        "role",
        "function",
        "rank",
        "voting",
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "employee":
            kwargs["queryset"] = db_field.related_model.objects.filter(
                municipality_id__in=municipality_ids_for(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Body, site=site)
class BodyAdmin(HidesThroughService, DeletesThroughService, TenantAdmin):
    list_display = ("name", "kind", "public", "municipality")
    list_filter = ("kind", "public")
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:  # the name is in every page and feed of the body
            caching.bump(obj.pk, obj.municipality_id)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in instances:
            obj.municipality_id = form.instance.municipality_id
            obj.save()
        delete_objects(actor=request.user, objects=list(formset.deleted_objects))
        formset.save_m2m()


@admin.register(Series, site=site)
class SeriesAdmin(DeletesThroughService, TenantAdmin):
    list_display = ("title", "body", "rule", "active")
    readonly_fields = ("rule", "first_start")

    def has_add_permission(self, request):
        return False  # series are planned in the app (the rule is validated there)


@admin.register(Meeting, site=site)
class MeetingAdmin(DeletesThroughService, TenantAdmin):
    list_display = ("title", "body", "start", "mode", "cancelled", "minutes_status")
    list_filter = ("mode", "cancelled", "minutes_status")
    readonly_fields = ("body", "series", "start", "end", "minutes_status", "minutes_approved_at")

    def has_add_permission(self, request):
        return False  # meetings are created in the app (room double bookings are checked there)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # the body's cached pages and its stored feed show the meeting (title, cancellation)
        caching.bump(obj.body_id, obj.municipality_id)


class ConsultationInline(admin.TabularInline):
    model = Consultation
    extra = 0
    fields = ("meeting", "role", "position", "deadline", "result")
    readonly_fields = ("meeting", "deadline")

    def has_add_permission(self, request, obj=None):
        return False  # deadlines are checked by the service (consultation_add)


@admin.register(Paper, site=site)
class PaperAdmin(HidesThroughService, DeletesThroughService, TenantAdmin):
    list_display = ("reference", "title", "status", "date")
    list_filter = ("status", "kind")
    inlines = [ConsultationInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:  # the name is in every page and feed of the body
            caching.bump(obj.pk, obj.municipality_id)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in instances:
            obj.municipality_id = form.instance.municipality_id
            obj.save()
        delete_objects(actor=request.user, objects=list(formset.deleted_objects))
        formset.save_m2m()


class LegislativeTermForm(forms.ModelForm):
    class Meta:
        model = LegislativeTerm
        fields = ("municipality", "name", "start", "end")

    def clean(self):
        data = super().clean()
        town = data.get("municipality") or getattr(self.instance, "municipality", None)
        if town and data.get("name") and data.get("start") and data.get("end"):
            try:
                data["name"] = term_check(
                    municipality_id=town.pk,
                    name=data["name"],
                    start=data["start"],
                    end=data["end"],
                    term_id=self.instance.pk,
                )
            except DomainError as exc:
                exc.show_in(self)
        return data


@admin.register(LegislativeTerm, site=site)
class LegislativeTermAdmin(DeletesThroughService, TenantAdmin):
    """Wahlperioden: OParl ``LegislativeTerm`` of the municipality (OParl ``Body``)."""

    form = LegislativeTermForm
    list_display = ("name", "start", "end", "municipality")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        caching.bump_town(obj.municipality_id)
