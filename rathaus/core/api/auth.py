"""API authentication for staff endpoints: session (with CSRF) or `Authorization: Bearer <token>`."""

from __future__ import annotations

import hashlib

from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from rathaus.core.models import ApiToken


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        try:
            api_token = ApiToken.objects.select_related("user").get(token_hash=hash_token(token))
        except ApiToken.DoesNotExist:
            return None
        if not api_token.user.is_active:
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used=timezone.now())
        request.user = api_token.user
        return api_token.user


class StaffSession(APIKeyCookie):
    """Django session cookie; CSRF is checked for unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


staff_auth = [BearerToken(), StaffSession()]
