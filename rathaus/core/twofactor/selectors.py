"""Reads for the second factor: who needs one, who has one, whether a session passed it."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

import segno
from django.utils.translation import gettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rathaus.core.models import Role, User
from rathaus.core.rules import outranks
from rathaus.core.tenancy import municipality_ids_for
from rathaus.core.usercache import second_factor_flag

# Roles that can change election results, other people's rights or other towns' data.
REQUIRED_ROLES = (Role.ELECTION_OFFICER, Role.MUNICIPALITY_ADMIN, Role.REGION_ADMIN)
STEP_SECONDS = 30
DIGITS = 6


def second_factor_required(user) -> bool:
    """True for election officers, municipality and region admins and superusers."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or any(user.has_role(role) for role in REQUIRED_ROLES)


def passed_second_factor(user) -> bool:
    """The session's second factor is confirmed (django-otp's ``OTPMiddleware`` sets it)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified is not None and is_verified())


def authenticator_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user) -> bool:
    """Asked on every signed-in request, so the answer is kept in the shared cache until one
    of the person's devices changes (``rathaus.core.usercache``)."""
    return second_factor_flag(
        user, lambda: TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def totp_step(*, key_hex: str, token: str, at: datetime) -> int | None:
    """The time step whose code for the secret ``token`` is at ``at`` (give or take one step
    for clock drift), else None."""
    code = (token or "").replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    try:
        key = binascii.unhexlify(key_hex)
    except (binascii.Error, ValueError):
        return None
    totp = TOTP(key, step=STEP_SECONDS, digits=DIGITS)
    totp.time = at.timestamp()
    return totp.t() if totp.verify(int(code), tolerance=1) else None


@dataclass(frozen=True)
class Provisioning:
    """What the enrolment page shows: the secret in groups of four, the link, the QR code."""

    secret: str
    uri: str
    svg: str


def provisioning(*, user: User, key_hex: str) -> Provisioning:
    secret = base64.b32encode(binascii.unhexlify(key_hex)).decode().rstrip("=")
    device = TOTPDevice(user=user, key=key_hex, step=STEP_SECONDS, digits=DIGITS)
    uri = device.config_url
    qr = segno.make(uri, error="m")
    svg = qr.svg_inline(
        scale=5, border=2, title=gettext("QR-Code für die Authenticator-App"), svgclass="qr-code"
    )
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return Provisioning(secret=grouped, uri=uri, svg=svg)


def may_reset_second_factor(actor, target) -> bool:
    """Admins of the target's municipality who could also change the target's password.

    Nobody resets their own (that would skip the code they lost); nobody resets the factor of
    someone with rights they could not grant (an election officer for a municipality admin
    without that role, a region admin, a superuser), as for passwords in the admin.
    """
    if not actor.is_active or actor.pk == target.pk:
        return False
    if actor.is_superuser:
        return True
    admin = actor.has_role(Role.MUNICIPALITY_ADMIN) or actor.has_role(Role.REGION_ADMIN)
    return (
        admin
        and target.municipality_id in municipality_ids_for(actor)
        and not outranks(target, actor)
    )
