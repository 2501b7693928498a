"""Per-municipality sign-in settings: an LDAP / Active Directory connection and an OpenID
Connect provider, each with its group → role (and org unit) mapping.

Every row belongs to exactly one municipality; a person signing in through it becomes (or
stays) a user of that municipality and receives only the roles its own mapping names.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import Municipality, OrgUnit, Role

# A municipal directory never makes region administrators: that role spans other towns and
# is given by the superuser together with the region (rathaus.core.rules.grantable_roles).
MAPPABLE_ROLES = [(code, label) for code, label in Role.choices if code != Role.REGION_ADMIN]

domain_validator = RegexValidator(
    r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$",
    _("Nur Kleinbuchstaben, Ziffern, Punkte und Bindestriche, z. B. musterstadt.de."),
)


class DirectoryConnection(models.Model):
    """How one municipality's staff sign in with their directory account (LDAP or AD)."""

    class GroupType(models.TextChoices):
        GROUP_OF_NAMES = "group_of_names", _("LDAP (groupOfNames, member)")
        ACTIVE_DIRECTORY = "active_directory", _("Active Directory (group, member)")

    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.CASCADE,
        related_name="directory_connection",
        verbose_name=_("Kommune"),
    )
    login_domain = models.CharField(
        _("Anmeldedomäne"),
        max_length=100,
        unique=True,
        validators=[domain_validator],
        help_text=_(
            "Beschäftigte melden sich als name@domäne an; die Domäne bestimmt die Kommune."
        ),
    )
    server_uri = models.CharField(
        _("Server-Adresse"),
        max_length=300,
        validators=[RegexValidator(r"^ldaps?://\S+$", _("Beginnt mit ldap:// oder ldaps://."))],
    )
    start_tls = models.BooleanField(_("StartTLS verwenden"), default=False)
    user_dn_template = models.CharField(
        _("DN-Vorlage für Personen"),
        max_length=300,
        blank=True,
        help_text=_("Zum direkten Anmelden, z. B. uid=%(user)s,ou=people,dc=musterstadt,dc=de."),
    )
    bind_dn = models.CharField(_("Dienstkonto (DN)"), max_length=300, blank=True)
    bind_password = models.CharField(_("Passwort des Dienstkontos"), max_length=300, blank=True)
    user_search_base = models.CharField(
        _("Suchbasis für Personen"),
        max_length=300,
        blank=True,
        help_text=_("Statt der DN-Vorlage: Personen werden mit dem Dienstkonto gesucht."),
    )
    user_search_filter = models.CharField(
        _("Suchfilter für Personen"), max_length=300, default="(uid=%(user)s)"
    )
    group_search_base = models.CharField(_("Suchbasis für Gruppen"), max_length=300)
    group_type = models.CharField(
        _("Art der Gruppen"),
        max_length=20,
        choices=GroupType.choices,
        default=GroupType.GROUP_OF_NAMES,
    )
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Verzeichnisanbindung (LDAP/AD)")
        verbose_name_plural = _("Verzeichnisanbindungen (LDAP/AD)")

    def __str__(self) -> str:
        return f"{self.municipality}: {self.login_domain}"

    def clean(self):
        if not self.user_dn_template and not self.user_search_base:
            raise ValidationError(
                _("Bitte eine DN-Vorlage oder eine Suchbasis für Personen angeben.")
            )


class OidcProvider(models.Model):
    """One municipality's OpenID Connect provider (Keycloak, the IT provider's portal, …)."""

    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.CASCADE,
        related_name="oidc_provider",
        verbose_name=_("Kommune"),
    )
    label = models.CharField(
        _("Beschriftung der Schaltfläche"),
        max_length=100,
        help_text=_("Erscheint auf der Anmeldeseite: „Anmelden mit …“."),
    )
    authorization_endpoint = models.URLField(_("Autorisierungs-Endpunkt"), max_length=300)
    token_endpoint = models.URLField(_("Token-Endpunkt"), max_length=300)
    userinfo_endpoint = models.URLField(_("UserInfo-Endpunkt"), max_length=300)
    jwks_endpoint = models.URLField(_("JWKS-Endpunkt"), max_length=300)
    client_id = models.CharField(_("Client-ID"), max_length=200)
    client_secret = models.CharField(_("Client-Geheimnis"), max_length=300)
    scopes = models.CharField(_("Scopes"), max_length=200, default="openid email profile groups")
    groups_claim = models.CharField(
        _("Claim mit den Gruppen"),
        max_length=100,
        default="groups",
        help_text=_("Name des Claims, dessen Werte den Rollen zugeordnet werden."),
    )
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("OpenID-Connect-Anbieter")
        verbose_name_plural = _("OpenID-Connect-Anbieter")

    def __str__(self) -> str:
        return f"{self.municipality}: {self.label}"


class GroupMapping(models.Model):
    """Abstract: a directory group (or claim value) gives a role and optionally an org unit."""

    role = models.CharField(_("Rolle"), max_length=30, choices=MAPPABLE_ROLES)
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Organisationseinheit"),
        help_text=_("Optional: die Personalakte der Person kommt in diese Einheit."),
    )

    class Meta:
        abstract = True

    def municipality_id_of_owner(self) -> int | None:
        raise NotImplementedError

    def clean(self):
        # An org unit of another municipality would move a person's staff record across towns.
        owner = self.municipality_id_of_owner()
        if self.org_unit_id and owner and self.org_unit.municipality_id != owner:
            raise ValidationError(
                {"org_unit": _("Die Organisationseinheit gehört zu einer anderen Kommune.")}
            )


class DirectoryGroupRole(GroupMapping):
    connection = models.ForeignKey(
        DirectoryConnection,
        on_delete=models.CASCADE,
        related_name="group_roles",
        verbose_name=_("Verzeichnisanbindung"),
    )
    group_dn = models.CharField(
        _("Gruppe (DN)"),
        max_length=300,
        help_text=_("z. B. cn=wahlamt,ou=groups,dc=musterstadt,dc=de"),
    )

    class Meta:
        verbose_name = _("Gruppe → Rolle")
        verbose_name_plural = _("Gruppen → Rollen")
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "group_dn", "role"], name="signin_group_role_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group_dn} → {self.get_role_display()}"

    def municipality_id_of_owner(self) -> int | None:
        return self.connection.municipality_id if self.connection_id else None


class OidcClaimRole(GroupMapping):
    provider = models.ForeignKey(
        OidcProvider,
        on_delete=models.CASCADE,
        related_name="claim_roles",
        verbose_name=_("OpenID-Connect-Anbieter"),
    )
    claim_value = models.CharField(_("Wert im Claim"), max_length=300)

    class Meta:
        verbose_name = _("Claim-Wert → Rolle")
        verbose_name_plural = _("Claim-Werte → Rollen")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "claim_value", "role"], name="signin_claim_role_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.claim_value} → {self.get_role_display()}"

    def municipality_id_of_owner(self) -> int | None:
        return self.provider.municipality_id if self.provider_id else None
