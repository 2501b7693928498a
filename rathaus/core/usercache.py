"""What every signed-in request needs of its user, kept in the shared cache (docs/core.md,
"The session's user in the cache").

Two database queries ran on every signed-in page: the user row (Django's
``AuthenticationMiddleware``) and "has this person a confirmed authenticator?" (the
second-factor middleware). Both answers are kept per user under a **generation** number that
every change bumps, at once and again after commit (so a request that read the old row while
the change was not yet committed stores it under a generation that is already gone):

* saving or deleting the user (password, ``is_active``, roles, municipality, region, names …)
  and changing their groups or permissions;
* saving or deleting one of their TOTP devices (enrolment, reset, confirmation, every code
  checked) or recovery-code sets.

A third answer rides along: the device a verified session passed its second factor with
(django-otp's ``OTPMiddleware`` reads it by the session's persistent id on every request;
``SessionDeviceMiddleware`` asks ``session_device``). The cached copy holds only the device's
id, owner, name and ``confirmed`` — no secret key; any other field is read from the database if
something asks for it, and saving it writes only those fields. A deleted or reset device bumps
the generation, so the next request reads the database, finds no device and un-verifies the
session as django-otp does.

The cached user is the bare row as the authentication backend returned it (no permission
cache, no related objects: municipality and staff record are read as before). Django's own
``get_user`` stays the authority: a cached user is used only while the session's auth hash
matches it (the hash is taken from the password, so a password change logs out the other
sessions as before); anything else — no cached copy, a hash that does not match, a fallback
secret — goes through ``django.contrib.auth.get_user``, which loads the row, refuses an
inactive user and flushes a session whose hash is wrong. Only sessions signed in through
Django's ``ModelBackend`` are cached (local accounts; the directory backend attaches its LDAP
connection to the user, which does not belong in a cache).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils.crypto import constant_time_compare

CACHED_BACKENDS = ("django.contrib.auth.backends.ModelBackend",)
# bounds what a write that sends no signal (a queryset ``update``) leaves stale
TIMEOUT = 300
GENERATION_TIMEOUT = 7 * 24 * 3600
# set on this request's user when ``session_user`` found a current flag with the row
FLAG_ATTRIBUTE = "_usercache_second_factor"
# likewise the session's device: (persistent id, device or None)
DEVICE_ATTRIBUTE = "_usercache_device"
# what a cached device keeps: never its secret
DEVICE_FIELDS = ("id", "user_id", "name", "confirmed")


def _keys(user_id) -> tuple[str, str, str]:
    return (f"core:user:gen:{user_id}", f"core:user:row:{user_id}", f"core:user:2fa:{user_id}")


def _device_key(user_id) -> str:
    return f"core:user:device:{user_id}"


def _generation(found: dict, key: str) -> int:
    value = found.get(key)
    if value is None:
        # restart from the clock: larger than any generation used before
        cache.add(key, time.time_ns(), GENERATION_TIMEOUT)
        value = cache.get(key) or 0
    return int(value)


def _bump(user_id) -> None:
    key = _keys(user_id)[0]
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, time.time_ns(), GENERATION_TIMEOUT)


def forget(user_id) -> None:
    """After a change to the user or their second factor: every cached answer is old."""
    if user_id is None:
        return
    _bump(user_id)
    transaction.on_commit(lambda: _bump(user_id))


def session_user(request):
    """The session's user as ``django.contrib.auth.get_user`` would return it."""
    session = request.session
    raw_id = session.get(SESSION_KEY)
    backend = session.get(BACKEND_SESSION_KEY)
    cached = backend in CACHED_BACKENDS and backend in settings.AUTHENTICATION_BACKENDS
    if not cached or raw_id is None:
        return auth.get_user(request)
    gen_key, row_key, flag_key = _keys(raw_id)
    # the second-factor flag and device come along: the middlewares after this one ask for them
    device_key = _device_key(raw_id)
    found = cache.get_many([gen_key, row_key, flag_key, device_key])
    generation = _generation(found, gen_key)
    hit = found.get(row_key)
    session_hash = session.get(HASH_SESSION_KEY) or ""
    if hit is not None and hit[0] == generation:
        user = hit[1]
        if session_hash and constant_time_compare(session_hash, user.get_session_auth_hash()):
            flag = found.get(flag_key)
            if flag is not None and flag[0] == generation:
                setattr(user, FLAG_ATTRIBUTE, bool(flag[1]))
            device = found.get(device_key)
            if device is not None and device[0] == generation:
                setattr(user, DEVICE_ATTRIBUTE, device[1:])
            return user
    user = auth.get_user(request)
    if user.is_authenticated and str(user.pk) == str(raw_id):
        cache.set(row_key, (generation, user), TIMEOUT)
    return user


def second_factor_flag(user, read: Callable[[], bool]) -> bool:
    """Whether the person has a confirmed authenticator (``read`` asks the database)."""
    known = getattr(user, FLAG_ATTRIBUTE, None)
    if known is not None:
        return known
    gen_key, _, flag_key = _keys(user.pk)
    found = cache.get_many([gen_key, flag_key])
    generation = _generation(found, gen_key)
    hit = found.get(flag_key)
    if hit is not None and hit[0] == generation:
        return bool(hit[1])
    value = bool(read())
    cache.set(flag_key, (generation, value), TIMEOUT)
    return value


def session_device(user, persistent_id: str, read: Callable):
    """The device the session passed its second factor with, as django-otp's
    ``Device.from_persistent_id`` (``read``) returns it, or ``None``."""
    known = getattr(user, DEVICE_ATTRIBUTE, None)
    if known is not None and known[0] == persistent_id:
        return known[1]
    gen_key, device_key = _keys(user.pk)[0], _device_key(user.pk)
    found = cache.get_many([gen_key, device_key])
    generation = _generation(found, gen_key)
    hit = found.get(device_key)
    if hit is not None and hit[0] == generation and hit[1] == persistent_id:
        return hit[2]
    device = read()
    kept = _without_secret(device) if device is not None else None
    cache.set(device_key, (generation, persistent_id, kept), TIMEOUT)
    return device


def _without_secret(device):
    """A copy with only ``DEVICE_FIELDS`` loaded (the rest deferred: read on access)."""
    model = type(device)
    names = [f.attname for f in model._meta.concrete_fields if f.attname in DEVICE_FIELDS]
    # from_db marks every field not named as deferred: the key never reaches the cache
    return model.from_db(device._state.db, names, [getattr(device, n) for n in names])


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="usercache_user_saved")
@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="usercache_user_deleted")
def _user_changed(sender, instance, **kwargs) -> None:
    forget(instance.pk)


def _relations_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if not reverse:
        if action.startswith("post_"):
            forget(instance.pk)
        return
    # group.user_set.add(…) names the users in pk_set; a clear does not, so ask before it
    if action == "pre_clear":
        pk_set = list(instance.user_set.values_list("pk", flat=True))
    elif not action.startswith("post_"):
        return
    for user_id in pk_set or ():
        forget(user_id)


for _through in ("core.User_groups", "core.User_user_permissions"):
    m2m_changed.connect(
        _relations_changed, sender=_through, dispatch_uid=f"usercache_{_through}", weak=False
    )


@receiver(post_save, sender="otp_totp.TOTPDevice", dispatch_uid="usercache_totp_saved")
@receiver(post_delete, sender="otp_totp.TOTPDevice", dispatch_uid="usercache_totp_deleted")
@receiver(post_save, sender="otp_static.StaticDevice", dispatch_uid="usercache_static_saved")
@receiver(post_delete, sender="otp_static.StaticDevice", dispatch_uid="usercache_static_deleted")
def _device_changed(sender, instance, **kwargs) -> None:
    forget(instance.user_id)
