"""Issuing and revoking staff API tokens (``Authorization: Bearer …``).

A token acts as its user, so it is scoped to that user's municipality and rights. Only the
raw secret's SHA-256 is stored; the secret is shown once, when issued. Who may issue:
the user for themselves, or an admin of the user's municipality who does not have fewer
rights than the user (an admin cannot mint a token for an election officer and so act as
one). Revoking deletes the token. Both are in the audit log, never with the secret or hash.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit, text
from rathaus.core.api.auth import hash_token
from rathaus.core.models import ApiToken, Role, User
from rathaus.core.problems import DomainError
from rathaus.core.rules import outranks
from rathaus.core.tenancy import can_access


def may_manage_tokens_of(actor: User, user: User) -> bool:
    if not actor.is_active or not user.is_active:
        return False
    if actor.pk == user.pk or actor.is_superuser:
        return True
    is_admin = actor.has_role(Role.MUNICIPALITY_ADMIN) or actor.has_role(Role.REGION_ADMIN)
    return is_admin and can_access(actor, user.municipality_id) and not outranks(user, actor)


@transaction.atomic
def api_token_issue(*, actor: User, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns (token, raw secret — shown once, never stored)."""
    if not may_manage_tokens_of(actor, user):
        raise DomainError(
            "forbidden",
            _("Für diese Person dürfen Sie keinen API-Schlüssel ausstellen."),
            status=403,
        )
    try:
        name = text.one_line(name, max_length=100)
    except ValidationError as exc:
        raise DomainError("invalid_name", " ".join(exc.messages), status=422) from exc
    if not name:
        raise DomainError("invalid_name", _("Bitte eine Bezeichnung angeben."), status=422)
    raw = ApiToken.new_secret()
    token = ApiToken.objects.create(user=user, name=name, token_hash=hash_token(raw))
    audit.record(
        actor=actor,
        instance=token,
        action="create",
        municipality_id=user.municipality_id,
        summary=_("API-Schlüssel „%(name)s“ ausgestellt für %(user)s")
        % {"name": name, "user": user.username},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if not may_manage_tokens_of(actor, token.user):
        raise DomainError(
            "forbidden", _("Diesen API-Schlüssel dürfen Sie nicht widerrufen."), status=403
        )
    audit.record(
        actor=actor,
        instance=token,
        action="delete",
        municipality_id=token.user.municipality_id,
        summary=_("API-Schlüssel „%(name)s“ von %(user)s widerrufen")
        % {"name": token.name, "user": token.user.username},
    )
    token.delete()
