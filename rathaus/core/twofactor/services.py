"""Writes for the second factor: enrol, check a code, reset, and the demo's fixed secret.

Every change is in the change log (enrolment, each recovery code used, reset); secrets and
codes never are.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.models import User
from rathaus.core.problems import DomainError
from rathaus.core.twofactor.selectors import (
    DIGITS,
    STEP_SECONDS,
    may_reset_second_factor,
    recovery_codes_left,
    totp_step,
)

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator-App"
RECOVERY_NAME = "Wiederherstellungscodes"


def new_secret() -> str:
    """A fresh TOTP secret: 20 random bytes (160 bits, RFC 4226), hex as django-otp keeps it."""
    return secrets.token_hex(20)


def normalize_code(token: str) -> str:
    """Codes as people type them: spaces and hyphens left out, recovery codes in lower case."""
    return "".join(ch for ch in (token or "") if ch not in " -\t").lower()


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]


def _remove_devices(user: User) -> int:
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    return removed + StaticDevice.objects.filter(user=user).delete()[0]


def _authenticator(user: User, key_hex: str, last_t: int) -> TOTPDevice:
    return TOTPDevice.objects.create(
        user=user,
        name=AUTHENTICATOR_NAME,
        key=key_hex,
        step=STEP_SECONDS,
        digits=DIGITS,
        confirmed=True,
        last_t=last_t,
    )


def _recovery_codes(user: User) -> list[str]:
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def second_factor_enrol(
    *, user: User, key_hex: str, token: str, now: datetime | None = None
) -> Enrolment:
    """Confirms the authenticator app with one code; replaces earlier devices; ten new codes.

    The confirming code cannot be used again to sign in (its time step counts as used).
    """
    now = now_or(now)
    step = totp_step(key_hex=key_hex, token=normalize_code(token), at=now)
    if step is None:
        raise DomainError(
            "wrong_code",
            gettext(
                "Der Code passt nicht. Geben Sie die sechs Ziffern ein, die Ihre "
                "Authenticator-App gerade anzeigt."
            ),
            errors=[{"field": "code", "message": gettext("Der Code passt nicht.")}],
        )
    replaced = _remove_devices(user) > 0
    device = _authenticator(user, key_hex, last_t=step)
    codes = _recovery_codes(user)
    audit.record(
        actor=user,
        instance=user,
        action="action",
        summary=gettext("Zweiter Faktor neu eingerichtet")
        if replaced
        else gettext("Zweiter Faktor eingerichtet"),
    )
    return Enrolment(device=device, recovery_codes=codes)


@dataclass(frozen=True)
class Check:
    """The outcome of one code: the device that confirmed it, or why not."""

    device: Device | None = None
    recovery_code_used: bool = False
    recovery_codes_left: int = 0
    locked_until: datetime | None = None


def second_factor_check(*, user: User, token: str) -> Check:
    """Checks a TOTP code (six digits) or a recovery code (used up on success).

    Not one transaction on purpose: a wrong code must stay counted (django-otp's back-off,
    1, 2, 4, 8 … seconds per device after each wrong code) even though the check fails.
    django-otp checks codes and the back-off against the system clock.
    """
    code = normalize_code(token)
    if code.isdigit():
        device: Device | None = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None or not code:
        return Check()
    allowed, data = device.verify_is_allowed()
    if not allowed:
        return Check(locked_until=(data or {}).get("locked_until"))
    if not device.verify_token(code):
        return Check()
    if isinstance(device, StaticDevice):
        left = _recovery_code_used(user=user)
        return Check(device=device, recovery_code_used=True, recovery_codes_left=left)
    return Check(device=device)


@transaction.atomic
def _recovery_code_used(*, user: User) -> int:
    left = recovery_codes_left(user)
    audit.record(
        actor=user,
        instance=user,
        action="action",
        summary=gettext("Mit Wiederherstellungscode angemeldet (noch %(left)d übrig)")
        % {"left": left},
    )
    return left


@transaction.atomic
def second_factor_reset(*, actor: User, user: User) -> None:
    """Removes the person's authenticator and recovery codes; they enrol at the next sign-in.

    One admin is enough (no four eyes): the person still needs their password, and the reset
    is in the change log. Sessions that passed the old factor lose it at their next request.
    """
    if not may_reset_second_factor(actor, user):
        raise DomainError(
            "forbidden",
            gettext("Sie dürfen den zweiten Faktor dieser Person nicht zurücksetzen."),
            status=403,
        )
    _remove_devices(user)
    audit.record(
        actor=actor, instance=user, action="action", summary=gettext("Zweiter Faktor zurückgesetzt")
    )


@transaction.atomic
def second_factor_demo(*, user: User, key_hex: str) -> bool:
    """The demo's fixed secret for a privileged demo login (load_demo only; idempotent).

    Returns True when a device was made. Recovery codes are not made: the secret is public.
    """
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return False
    _remove_devices(user)
    _authenticator(user, key_hex, last_t=-1)
    audit.record(
        actor=None,
        instance=user,
        action="action",
        summary=gettext("Zweiter Faktor mit dem Demo-Geheimnis eingerichtet"),
    )
    return True
