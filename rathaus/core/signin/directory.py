"""LDAP / Active Directory sign-in (django-auth-ldap), configured per municipality.

A person signs in as ``name@domain``; the domain names the municipality's
:class:`DirectoryConnection`. The backend binds as the person (DN template, or a search
with the service account), reads their groups, maps them with that municipality's table and
stores the result (``services.directory_account_sync``). The Django user name is the full
``name@domain``, so equal names in two towns are two accounts.
"""

from __future__ import annotations

import ldap
from django_auth_ldap.backend import LDAPBackend
from django_auth_ldap.config import (
    ActiveDirectoryGroupType,
    GroupOfNamesType,
    LDAPSearch,
    LDAPSettings,
)

from rathaus.core.signin import selectors, services
from rathaus.core.signin.mapping import Mapped, map_groups
from rathaus.core.signin.models import DirectoryConnection

# No Django setting carries this prefix: every value comes from the connection row.
_NO_GLOBAL_SETTINGS = "RATHAUS_SIGNIN_LDAP_UNUSED_"
_TIMEOUT_SECONDS = 10


def ldap_settings_for(connection: DirectoryConnection) -> LDAPSettings:
    settings = LDAPSettings(prefix=_NO_GLOBAL_SETTINGS)
    settings.SERVER_URI = connection.server_uri
    settings.START_TLS = connection.start_tls
    settings.CONNECTION_OPTIONS = {
        ldap.OPT_NETWORK_TIMEOUT: _TIMEOUT_SECONDS,
        ldap.OPT_TIMEOUT: _TIMEOUT_SECONDS,
        ldap.OPT_REFERRALS: 0,  # Active Directory: referrals would need another bind
    }
    if connection.user_dn_template:
        settings.USER_DN_TEMPLATE = connection.user_dn_template
    else:
        settings.USER_SEARCH = LDAPSearch(
            connection.user_search_base, ldap.SCOPE_SUBTREE, connection.user_search_filter
        )
    settings.BIND_DN = connection.bind_dn
    settings.BIND_PASSWORD = connection.bind_password
    # Without a service account, groups are read with the person's own bind.
    settings.BIND_AS_AUTHENTICATING_USER = not connection.bind_dn
    settings.GROUP_SEARCH = LDAPSearch(connection.group_search_base, ldap.SCOPE_SUBTREE)
    settings.GROUP_TYPE = (
        ActiveDirectoryGroupType()
        if connection.group_type == DirectoryConnection.GroupType.ACTIVE_DIRECTORY
        else GroupOfNamesType()
    )
    settings.USER_ATTR_MAP = {"first_name": "givenName", "last_name": "sn", "email": "mail"}
    settings.ALWAYS_UPDATE_USER = True
    settings.CACHE_TIMEOUT = 0  # groups are read afresh at every sign-in
    return settings


class DirectoryBackend(LDAPBackend):
    """Signs ``name@domain`` in through the domain's municipality directory; else passes."""

    connection: DirectoryConnection | None = None
    mapped: Mapped | None = None

    def authenticate(self, request, username=None, password=None, **kwargs):
        found = selectors.directory_for_login(username or "")
        if found is None:
            return None  # not a directory login: the next backend (local accounts) decides
        self.connection, name = found
        self.settings = ldap_settings_for(self.connection)
        user = super().authenticate(request, username=name, password=password)
        if user is None or self.mapped is None:
            return None
        return services.directory_account_sync(
            user=user,
            municipality=self.connection.municipality,
            mapped=self.mapped,
            profile=None,  # django-auth-ldap has set names and e-mail from the directory
            source="LDAP",
        )

    def ldap_to_django_username(self, username):
        return f"{username}@{self.connection.login_domain}".lower()

    def django_to_ldap_username(self, username):
        return username.rpartition("@")[0]

    def get_or_build_user(self, username, ldap_user):
        """Refuses foreign accounts and people without a mapped group before anything is saved."""
        user, built = super().get_or_build_user(username, ldap_user)
        municipality = self.connection.municipality
        if not services.may_sign_in_through(user, municipality):
            raise ldap_user.AuthenticationFailed("account of another municipality")
        mapped = map_groups(
            selectors.directory_mapping(self.connection), ldap_user.group_dns, fold_case=True
        )
        if not mapped.grants_anything:
            if not built:  # taken out of every mapped group: the stored roles go now
                services.directory_account_sync(
                    user=user, municipality=municipality, mapped=mapped, profile=None, source="LDAP"
                )
            raise ldap_user.AuthenticationFailed("no mapped group")
        self.mapped = mapped
        user.municipality = municipality  # a new account is of this town from its first save
        return user, built
