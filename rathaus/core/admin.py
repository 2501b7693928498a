"""Django admin for master data, limited to the admin's own municipality (region admins: their region)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rathaus.core import audit
from rathaus.core.api.tokens import api_token_issue, api_token_revoke, may_manage_tokens_of
from rathaus.core.models import (
    ApiToken,
    AuditEntry,
    Employee,
    KitPool,
    KitStockChange,
    LegalTexts,
    Location,
    Municipality,
    OrgUnit,
    Qualification,
    Region,
    Role,
    Room,
    User,
)
from rathaus.core.problems import DomainError
from rathaus.core.rules import grantable_roles, outranks
from rathaus.core.tenancy import chosen_municipality, home_municipality, municipality_ids_for
from rathaus.core.text import validate_one_line
from rathaus.core.twofactor.selectors import passed_second_factor
from rathaus.core.twofactor.services import second_factor_reset


def is_master_admin(user) -> bool:
    return user.is_active and (
        user.is_superuser
        or user.has_role(Role.MUNICIPALITY_ADMIN)
        or user.has_role(Role.REGION_ADMIN)
    )


class RathausAdminSite(admin.AdminSite):
    site_header = _("Rathaus – Stammdaten")
    site_title = "Rathaus"
    index_title = _("Stammdatenverwaltung")

    def has_permission(self, request):
        # As django-otp's OTPAdminSite: only a session that passed the second factor (the
        # middleware sends it to the code before it gets here; this is the second lock).
        return is_master_admin(request.user) and passed_second_factor(request.user)

    def login(self, request, extra_context=None):
        """The site's own login for visitors; the 403 page for staff without the right.

        The admin's login form would tell a logged-in election officer only that they are
        "not authorized", in English, and offer to log in again.
        """
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied
        if not request.user.is_authenticated:
            return redirect_to_login(
                request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index"),
                reverse("login"),
            )
        return super().login(request, extra_context)


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """A raw-id widget that names only rows the user may see (ids are sequential)."""

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.queryset = queryset

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            visible = self.queryset.filter(**{key: value}).exists()
        except (ValueError, TypeError, ValidationError):
            return "", ""
        return super().label_and_url_for_value(value) if visible else ("", "")


def _unnamed_relation(model, name):
    """The foreign key ``name`` of ``model`` when it has no name of its own: Django would head
    its column, filter and form field with the English field name ("municipality"); such a
    relation is named by the model it points to ("Kommune"), whose name is translated."""
    if not isinstance(name, str) or "__" in name:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if (field.many_to_one or field.one_to_one) and field.verbose_name == name.replace("_", " "):
        return field
    return None


def _relation_heading(field) -> str:
    return capfirst(field.related_model._meta.verbose_name)


def _relation_column(field):
    """A list column showing the related row, headed by the related model's name."""

    def column(obj):
        return getattr(obj, field.name)

    column.__name__ = field.name  # keeps the column's CSS class ("column-municipality")
    return admin.display(description=_relation_heading(field), ordering=field.name)(column)


class _RelatedOnlyFilter(admin.RelatedOnlyFieldListFilter):
    def __init__(self, field, *args, **kwargs):
        super().__init__(field, *args, **kwargs)
        if _unnamed_relation(field.model, field.name) is not None:
            self.title = _relation_heading(field)


def administers(user, obj=None) -> bool:
    """Whether ``user`` administers the master data ``obj`` (any, when None) of its municipality."""
    return is_master_admin(user) and (
        obj is None or user.is_superuser or obj.municipality_id in municipality_ids_for(user)
    )


class TenantAdmin(admin.ModelAdmin):
    """Scopes lists, lookups and foreign-key choices to the user's municipalities; audits writes.
    Relations without a name of their own are headed by their model's translated name."""

    def _ids(self, request):
        return municipality_ids_for(request.user)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        # one-line fields (names, numbers, titles) reject line breaks and control characters:
        # they reach e-mails, iCalendar files and the open-data CSV
        if field is not None and type(db_field) in (models.CharField, models.SlugField):
            field.validators.append(validate_one_line)
        return field

    def get_list_filter(self, request):
        # Relation filters list only values used by visible rows; the default lists every
        # row of the related table, which would show other municipalities' names.
        filters = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and "__" not in entry:
                field = self.model._meta.get_field(entry)
                if field.is_relation:
                    entry = (entry, _RelatedOnlyFilter)
            filters.append(entry)
        return filters

    def get_list_display(self, request):
        return [
            _relation_column(field) if (field := _unnamed_relation(self.model, entry)) else entry
            for entry in super().get_list_display(request)
        ]

    def get_list_select_related(self, request):
        chosen = super().get_list_select_related(request)
        named = super().get_list_display(request)
        if chosen is False and any(_unnamed_relation(self.model, e) for e in named):
            # Django joins the relations shown in named columns itself, not those shown by a
            # callable (``_relation_column``): join them as it would have
            return True
        return chosen

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
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and _unnamed_relation(db_field.model, db_field.name):
            field.label = _relation_heading(db_field)
        if field is not None and isinstance(field.widget, ForeignKeyRawIdWidget):
            field.widget = ScopedRawIdWidget(
                db_field.remote_field,
                self.admin_site,
                using=kwargs.get("using"),
                queryset=field.queryset,
            )
        return field

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
        return administers(request.user, obj)

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
            summary=gettext("Stammdatenverwaltung"),
        )

    def delete_model(self, request, obj):
        audit.record(
            actor=request.user,
            instance=obj,
            action="delete",
            before=audit.snapshot(obj),
            summary=gettext("Stammdatenverwaltung"),
        )
        super().delete_model(request, obj)


class TenantInline(admin.TabularInline):
    """Rows edited on their parent's page (phases of a process, options of a poll).

    The rows are the parent's: whoever administers the parent sees, adds, changes and deletes
    them. Django's default asks for its model permissions, which municipality admins do not
    hold, and so hid the rows from everyone but superusers. ``obj`` is the parent; the parent's
    admin (a ``TenantAdmin``) already answers 404 for another municipality's row.
    """

    def has_view_permission(self, request, obj=None):
        return administers(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return administers(request.user, obj)

    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission


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


@admin.register(LegalTexts, site=site)
class LegalTextsAdmin(TenantAdmin):
    list_display = ("municipality", "feedback_email", "updated_at")


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

    def get_readonly_fields(self, request, obj=None):
        # Region, AGS and slug identify the tenant (URLs, open data, region scope): moving a
        # municipality to another region is the superuser's decision.
        return () if request.user.is_superuser else ("region", "ags", "slug")

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


def _roles_field():
    return forms.MultipleChoiceField(
        label=_("Rollen"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _(
                "„%(value)s“ ist keine bekannte Rolle. Bitte wählen Sie Rollen aus der Liste."
            ),
        },
    )


class RolesFormMixin:
    """Roles as checkboxes of the known codes (by their labels); only what the actor may grant."""

    actor = None  # set per request by UserAdmin.get_form

    def clean_roles(self):
        new = set(self.cleaned_data.get("roles") or [])
        old = set(self.instance.roles) if isinstance(self.instance.roles, list) else set()
        if self.actor is not None:
            refused = (new ^ old) - grantable_roles(self.actor)
            if refused:
                labels = ", ".join(str(Role(r).label) for r in sorted(refused))
                raise ValidationError(
                    _("Diese Rollen dürfen Sie weder vergeben noch entziehen: %(roles)s"),
                    params={"roles": labels},
                    code="role_not_grantable",
                )
        return [r for r in Role.values if r in new]


class UserAdminChangeForm(RolesFormMixin, UserChangeForm):
    roles = _roles_field()


class UserAdminCreationForm(RolesFormMixin, AdminUserCreationForm):
    """A new login with its municipality and roles in one step.

    A municipality admin's new user belongs to the admin's municipality (the only choice);
    without one it would vanish from the admin's own list right after saving.
    """

    roles = _roles_field()

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "municipality")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.actor is not None and not self.actor.is_superuser:
            field = self.fields["municipality"]
            field.required = True
            field.empty_label = None
            home = chosen_municipality(self.actor) or home_municipality(self.actor)
            if home is not None:
                field.initial = home.pk


_AUDITED_USER_FIELDS = ("municipality_id", "region_id", "roles", "is_active")


def _user_rights(user) -> dict:
    """What the change log records of a login: its place and rights, never its password."""
    rights = {name: audit.snapshot(user)[name] for name in _AUDITED_USER_FIELDS}
    rights["roles"] = ", ".join(user.roles) if isinstance(user.roles, list) else ""
    return rights


@admin.register(User, site=site)
class UserAdmin(BaseUserAdmin):
    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Rathaus", {"fields": ("municipality", "region", "roles")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "usable_password",
                    "password1",
                    "password2",
                    "municipality",
                    "roles",
                ),
            },
        ),
    )
    list_display = ("username", "municipality", "role_names", "is_active")
    actions = ["reset_second_factor"]

    @admin.action(description=_("Zweiten Faktor zurücksetzen"))
    def reset_second_factor(self, request, queryset):
        """The chosen people enrol again at their next sign-in (audited; one admin is enough)."""
        done, refused = 0, 0
        for user in queryset:
            try:
                second_factor_reset(actor=request.user, user=user)
                done += 1
            except DomainError:
                refused += 1
        if done:
            self.message_user(request, gettext("Zweiter Faktor zurückgesetzt: %(n)d") % {"n": done})
        if refused:
            self.message_user(
                request,
                gettext("Nicht zurückgesetzt (keine Berechtigung): %(n)d") % {"n": refused},
                messages.ERROR,
            )

    @admin.display(description=_("Rollen"))
    def role_names(self, obj):
        return ", ".join(obj.role_labels)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return (
            qs
            if request.user.is_superuser
            else qs.filter(municipality_id__in=municipality_ids_for(request.user))
        )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if issubclass(form, RolesFormMixin):
            form = type(f"Actor{form.__name__}", (form,), {"actor": request.user})
        return form

    def save_model(self, request, obj, form, change):
        before = _user_rights(User.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        after = _user_rights(obj)
        if before != after:
            audit.record(
                actor=request.user,
                instance=obj,
                action="update" if change else "create",
                before=before,
                after=after,
                summary=gettext("Benutzerverwaltung"),
            )

    def has_module_permission(self, request):
        return is_master_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_master_admin(request.user) and (
            obj is None
            or request.user.is_superuser
            or obj.municipality_id in municipality_ids_for(request.user)
        )

    def has_change_permission(self, request, obj=None):
        # Also guards the password form: no admin resets the password of someone with more
        # rights (an election officer, a region admin, a superuser) and so becomes them.
        if not self.has_view_permission(request, obj):
            return False
        return obj is None or obj.pk == request.user.pk or not outranks(obj, request.user)

    def has_add_permission(self, request):
        return is_master_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ()
        fields = (
            "is_superuser",
            "is_staff",
            "groups",
            "user_permissions",
            "region",
            "last_login",
            "date_joined",
        )
        if obj is not None and obj.pk == request.user.pk:
            # Nobody grants roles to themselves or reactivates themselves.
            fields += ("roles", "is_active", "municipality")
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "municipality" and not request.user.is_superuser:
            kwargs["queryset"] = Municipality.objects.filter(
                id__in=municipality_ids_for(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ApiTokenIssueForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("user", "name")


@admin.register(ApiToken, site=site)
class ApiTokenAdmin(admin.ModelAdmin):
    """Issue (the secret is shown once) and revoke (delete) staff API tokens."""

    form = ApiTokenIssueForm
    list_display = ("name", "user", "created", "last_used")
    readonly_fields = ("created", "last_used")

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("user")
        if request.user.is_superuser:
            return qs
        return qs.filter(user__municipality_id__in=municipality_ids_for(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            candidates = User.objects.filter(
                municipality_id__in=municipality_ids_for(request.user), is_active=True
            )
            allowed = [u.pk for u in candidates if may_manage_tokens_of(request.user, u)]
            kwargs["queryset"] = User.objects.filter(pk__in=allowed)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return is_master_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_master_admin(request.user) and (
            obj is None or may_manage_tokens_of(request.user, obj.user)
        )

    def has_add_permission(self, request):
        return is_master_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return False  # a token is issued or revoked, never edited

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def save_model(self, request, obj, form, change):
        token, raw = api_token_issue(actor=request.user, user=obj.user, name=obj.name)
        obj.pk = token.pk
        messages.warning(
            request,
            _(
                "API-Schlüssel für %(user)s: %(secret)s – jetzt kopieren, er wird nicht "
                "noch einmal angezeigt."
            )
            % {"user": token.user.username, "secret": raw},
        )

    def delete_model(self, request, obj):
        api_token_revoke(actor=request.user, token=obj)

    def delete_queryset(self, request, queryset):
        for token in queryset:
            api_token_revoke(actor=request.user, token=token)
