"""Reads for signing in: which municipality's directory or provider a login belongs to."""

from __future__ import annotations

from rathaus.core.signin.mapping import MappingRow
from rathaus.core.signin.models import DirectoryConnection, OidcProvider


def directory_for_login(login: str) -> tuple[DirectoryConnection, str] | None:
    """The active connection named by the domain of ``name@domain``, and the name alone."""
    name, at, domain = (login or "").strip().rpartition("@")
    if not at or not name or not domain:
        return None
    connection = (
        DirectoryConnection.objects.select_related("municipality")
        .filter(login_domain=domain.lower(), active=True)
        .first()
    )
    return (connection, name) if connection is not None else None


def directory_mapping(connection: DirectoryConnection) -> list[MappingRow]:
    return [
        MappingRow(key=dn, role=role, org_unit_id=unit)
        for dn, role, unit in connection.group_roles.values_list("group_dn", "role", "org_unit_id")
    ]


def oidc_provider_for(slug: str) -> OidcProvider | None:
    return (
        OidcProvider.objects.select_related("municipality")
        .filter(municipality__slug=slug, active=True)
        .first()
    )


def oidc_mapping(provider: OidcProvider) -> list[MappingRow]:
    return [
        MappingRow(key=value, role=role, org_unit_id=unit)
        for value, role, unit in provider.claim_roles.values_list(
            "claim_value", "role", "org_unit_id"
        )
    ]


def oidc_providers_for_login_page() -> list[OidcProvider]:
    """The buttons under the login form: one per municipality with an active provider."""
    return list(
        OidcProvider.objects.select_related("municipality")
        .filter(active=True)
        .order_by("municipality__name")
    )


def directory_sign_in_offered() -> bool:
    return DirectoryConnection.objects.filter(active=True).exists()
