"""Django admin for master data, limited to the admin's own municipality (region admins: their region)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from rathaus.core import audit
from rathaus.core.models import (
    AuditEntry,
    Employee,
    KitPool,
    KitStockChange,
    Location,
    Municipality,
    OrgUnit,
    Qualification,
    Region,
    Role,
    Room,
    User,
)
from rathaus.core.tenancy import municipality_ids_for


def is_master_admin(user) -> bool:
    return user.is_active and (
        user.is_superuser
        or user.has_role(Role.MUNICIPALITY_ADMIN)
        or user.has_role(Role.REGION_ADMIN)
    )


class RathausAdminSite(admin.AdminSite):
    site_header = "Rathaus – Stammdaten"
    site_title = "Rathaus"

    def has_permission(self, request):
        return is_master_admin(request.user)


class TenantAdmin(admin.ModelAdmin):
    """Scopes lists, lookups and foreign-key choices to the user's municipalities; audits writes."""

    def _ids(self, request):
        return municipality_ids_for(request.user)

    def get_list_filter(self, request):
        # Relation filters list only values used by visible rows; the default lists every
        # row of the related table, which would show other municipalities' names.
        filters = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and "__" not in entry:
                field = self.model._meta.get_field(entry)
                if field.is_relation:
                    entry = (entry, admin.RelatedOnlyFieldListFilter)
            filters.append(entry)
        return filters

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(municipality_id__in=self._ids(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        model = db_field.related_model
        if not request.user.is_superuser:
            if model is Municipality:
                kwargs["queryset"] = Municipality.objects.filter(id__in=self._ids(request))
            elif any(f.name == "municipality" for f in model._meta.fields):
                kwargs["queryset"] = model.objects.filter(municipality_id__in=self._ids(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        model = db_field.related_model
        if not request.user.is_superuser and any(
            f.name == "municipality" for f in model._meta.fields
        ):
            kwargs["queryset"] = model.objects.filter(municipality_id__in=self._ids(request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return is_master_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_master_admin(request.user) and (
            obj is None or request.user.is_superuser or obj.municipality_id in self._ids(request)
        )

    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission

    def has_add_permission(self, request):
        return is_master_admin(request.user)

    def save_model(self, request, obj, form, change):
        before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            instance=obj,
            action="update" if change else "create",
            before=before,
            after=audit.snapshot(obj),
            summary="Admin",
        )

    def delete_model(self, request, obj):
        audit.record(
            actor=request.user,
            instance=obj,
            action="delete",
            before=audit.snapshot(obj),
            summary="Admin",
        )
        super().delete_model(request, obj)


site = RathausAdminSite(name="admin")


@admin.register(OrgUnit, site=site)
class OrgUnitAdmin(TenantAdmin):
    list_display = ("code", "name", "kind", "parent")
    search_fields = ("code", "name")


@admin.register(Qualification, site=site)
class QualificationAdmin(TenantAdmin):
    list_display = ("code", "name")


@admin.register(Location, site=site)
class LocationAdmin(TenantAdmin):
    list_display = ("name", "street", "city")


@admin.register(Room, site=site)
class RoomAdmin(TenantAdmin):
    list_display = (
        "number",
        "location",
        "floor",
        "capacity_normal",
        "capacity_pandemic",
        "org_unit",
    )
    list_filter = ("location", "floor")


@admin.register(Employee, site=site)
class EmployeeAdmin(TenantAdmin):
    list_display = (
        "personnel_number",
        "last_name",
        "first_name",
        "org_unit",
        "working_time_share",
        "equipment_need",
    )
    search_fields = ("personnel_number", "last_name")
    list_filter = ("org_unit", "equipment_need", "job_role")
    filter_horizontal = ("qualifications",)


class KitStockInline(admin.TabularInline):
    model = KitStockChange
    extra = 1


@admin.register(KitPool, site=site)
class KitPoolAdmin(TenantAdmin):
    inlines = [KitStockInline]


@admin.register(AuditEntry, site=site)
class AuditEntryAdmin(TenantAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_id", "summary")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Municipality, site=site)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "ags", "federal_state", "region")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return (
            qs
            if request.user.is_superuser
            else qs.filter(id__in=municipality_ids_for(request.user))
        )

    def has_module_permission(self, request):
        return is_master_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_master_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser or request.user.has_role(Role.REGION_ADMIN)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Region, site=site)
class RegionAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_superuser


@admin.register(User, site=site)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Rathaus", {"fields": ("municipality", "region", "roles")}),
    )
    list_display = ("username", "municipality", "roles", "is_active")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return (
            qs
            if request.user.is_superuser
            else qs.filter(municipality_id__in=municipality_ids_for(request.user))
        )

    def has_module_permission(self, request):
        return is_master_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_master_admin(request.user) and (
            obj is None
            or request.user.is_superuser
            or obj.municipality_id in municipality_ids_for(request.user)
        )

    has_change_permission = has_view_permission

    def has_add_permission(self, request):
        return is_master_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ()
        return (
            "is_superuser",
            "is_staff",
            "groups",
            "user_permissions",
            "region",
            "last_login",
            "date_joined",
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "municipality" and not request.user.is_superuser:
            kwargs["queryset"] = Municipality.objects.filter(
                id__in=municipality_ids_for(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
