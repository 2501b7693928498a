"""OpenID Connect sign-in (mozilla-django-oidc), one provider per municipality.

The login page links ``/konto/oidc/<municipality>/anmelden/``; that view remembers the
municipality in the session and sends the person to its provider. Back at the callback, the
backend exchanges the code with that provider only (its token endpoint, its client secret,
its keys), reads the claims and maps the groups claim with that municipality's table. The
Django user name is ``<sub>@<municipality slug>``: the provider's subject within one town.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from rathaus.core.models import User
from rathaus.core.signin import selectors, services
from rathaus.core.signin.mapping import map_groups
from rathaus.core.signin.models import OidcProvider

logger = logging.getLogger(__name__)

SESSION_KEY = "rathaus_oidc_municipality"
CALLBACK_URL_NAME = "oidc_callback"
_TIMEOUT_SECONDS = 10


def oidc_settings_for(provider: OidcProvider) -> dict:
    """mozilla-django-oidc's settings, taken from the municipality's provider row."""
    return {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": provider.authorization_endpoint,
        "OIDC_OP_TOKEN_ENDPOINT": provider.token_endpoint,
        "OIDC_OP_USER_ENDPOINT": provider.userinfo_endpoint,
        "OIDC_OP_JWKS_ENDPOINT": provider.jwks_endpoint,
        "OIDC_RP_CLIENT_ID": provider.client_id,
        "OIDC_RP_CLIENT_SECRET": provider.client_secret,
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_RP_IDP_SIGN_KEY": None,
        "OIDC_RP_SCOPES": provider.scopes,
        "OIDC_USE_PKCE": True,
        "OIDC_USE_NONCE": True,
        "OIDC_TIMEOUT": _TIMEOUT_SECONDS,
        "OIDC_AUTHENTICATION_CALLBACK_URL": CALLBACK_URL_NAME,
    }


class ProviderSettings:
    """``get_settings`` answered from the provider row first, then from Django's settings."""

    provider: OidcProvider | None = None

    def get_settings(self, attr, *args):
        if self.provider is not None:
            values = oidc_settings_for(self.provider)
            if attr in values:
                return values[attr]
        return import_from_settings(attr, *args)


def _as_list(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, str)]
    return []


class MunicipalOidcBackend(ProviderSettings, OIDCAuthenticationBackend):
    """Signs a person in through the provider of the municipality chosen on the login page."""

    def __init__(self, *args, **kwargs):
        # The provider is known only per request (session); nothing global to read here.
        self.UserModel = get_user_model()
        self.provider = None

    def authenticate(self, request, **kwargs):
        if request is None or "code" not in request.GET:
            return None  # a password login, not an OpenID Connect callback
        self.provider = selectors.oidc_provider_for(request.session.get(SESSION_KEY, ""))
        if self.provider is None:
            return None
        for name in ("OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT", "OIDC_RP_CLIENT_ID"):
            setattr(self, name, self.get_settings(name))
        self.OIDC_OP_USER_ENDPOINT = self.get_settings("OIDC_OP_USER_ENDPOINT")
        self.OIDC_RP_CLIENT_SECRET = self.get_settings("OIDC_RP_CLIENT_SECRET")
        self.OIDC_RP_SIGN_ALGO = self.get_settings("OIDC_RP_SIGN_ALGO")
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, **kwargs)

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        subject = payload.get("sub")
        if not subject or claims.get("sub") != subject:
            # OpenID Connect Core 5.3.2: the UserInfo answer must be about the token's subject.
            logger.warning("OIDC sign-in refused: userinfo subject differs from the token's")
            return None
        return self._sync(subject=subject, claims=claims)

    def _sync(self, *, subject: str, claims: dict) -> User | None:
        municipality = self.provider.municipality
        username = f"{subject}@{municipality.slug}".lower()[:150]
        user = User.objects.filter(username=username).first() or User(username=username)
        if not services.may_sign_in_through(user, municipality):
            logger.warning("OIDC sign-in refused: account of another municipality")
            return None
        groups = _as_list(claims.get(self.provider.groups_claim))
        mapped = map_groups(selectors.oidc_mapping(self.provider), groups, fold_case=False)
        if not mapped.grants_anything and user.pk is None:
            return None  # nobody without a mapped group gets an account
        profile = services.Profile(
            first_name=str(claims.get("given_name") or ""),
            last_name=str(claims.get("family_name") or ""),
            email=str(claims.get("email") or ""),
        )
        user = services.directory_account_sync(
            user=user,
            municipality=municipality,
            mapped=mapped,
            profile=profile,
            source="OpenID Connect",
        )
        return user if mapped.grants_anything else None
