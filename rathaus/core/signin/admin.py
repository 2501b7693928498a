"""Admin pages for the sign-in settings, scoped like all master data to the admin's towns."""

from django import forms
from django.contrib import admin
from django.db.models import BLANK_CHOICE_DASH
from django.utils.translation import gettext

from rathaus.core import audit
from rathaus.core.admin import TenantAdmin, is_master_admin, site
from rathaus.core.models import OrgUnit
from rathaus.core.rules import grantable_roles
from rathaus.core.signin.models import (
    DirectoryConnection,
    DirectoryGroupRole,
    OidcClaimRole,
    OidcProvider,
)
from rathaus.core.tenancy import municipality_ids_for

SECRET_FIELDS = ("bind_password", "client_secret")


class MappingInline(admin.TabularInline):
    extra = 1

    # The parent row is already scoped to the admin's municipalities (TenantAdmin); the
    # mapping rows are edited with it, by the same master-data administrators.
    def has_view_permission(self, request, obj=None):
        return is_master_admin(request.user)

    has_change_permission = has_view_permission
    has_add_permission = has_view_permission
    has_delete_permission = has_view_permission

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "org_unit" and not request.user.is_superuser:
            kwargs["queryset"] = OrgUnit.objects.filter(
                municipality_id__in=municipality_ids_for(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        # An admin maps groups only to roles they could give a person by hand.
        if db_field.name == "role":
            allowed = grantable_roles(request.user)
            kwargs["choices"] = BLANK_CHOICE_DASH + [c for c in db_field.choices if c[0] in allowed]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class DirectoryGroupRoleInline(MappingInline):
    model = DirectoryGroupRole


class OidcClaimRoleInline(MappingInline):
    model = OidcClaimRole


class SecretKeepingForm(forms.ModelForm):
    """Secrets are never shown again; an empty field keeps the stored one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECRET_FIELDS:
            if name in self.fields:
                self.fields[name].widget = forms.PasswordInput(render_value=False)
                self.fields[name].required = False
                if self.instance.pk:
                    self.fields[name].help_text = gettext("Leer lassen, um es beizubehalten.")

    def clean(self):
        cleaned = super().clean()
        for name in SECRET_FIELDS:
            if name in self.fields and not cleaned.get(name) and self.instance.pk:
                cleaned[name] = getattr(type(self.instance).objects.get(pk=self.instance.pk), name)
        return cleaned


def _without_secrets(snapshot: dict | None) -> dict | None:
    if snapshot is None:
        return None
    return {
        key: (audit.REDACTED if key in SECRET_FIELDS else value) for key, value in snapshot.items()
    }


class SignInSettingsAdmin(TenantAdmin):
    form = SecretKeepingForm

    def save_model(self, request, obj, form, change):
        before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        admin.ModelAdmin.save_model(self, request, obj, form, change)
        audit.record(
            actor=request.user,
            instance=obj,
            action="update" if change else "create",
            before=_without_secrets(before),
            after=_without_secrets(audit.snapshot(obj)),
            summary=gettext("Anmeldung über Verzeichnis eingerichtet"),
        )


@admin.register(DirectoryConnection, site=site)
class DirectoryConnectionAdmin(SignInSettingsAdmin):
    list_display = ("municipality", "login_domain", "server_uri", "active")
    inlines = [DirectoryGroupRoleInline]


@admin.register(OidcProvider, site=site)
class OidcProviderAdmin(SignInSettingsAdmin):
    list_display = ("municipality", "label", "client_id", "active")
    inlines = [OidcClaimRoleInline]
