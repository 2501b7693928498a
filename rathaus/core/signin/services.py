"""Writes for signing in through a directory: the account follows the directory at every sign-in.

The directory is the source of truth for a directory account's roles: what its groups map to
at this sign-in replaces what was stored, so a person taken out of a group loses the role the
next time they sign in. An account belongs to the municipality whose directory made it and is
never moved to, or given roles by, another municipality's directory.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext

from rathaus.core import audit
from rathaus.core.models import Employee, Municipality, OrgUnit, User
from rathaus.core.problems import DomainError
from rathaus.core.signin.mapping import Mapped


@dataclass(frozen=True)
class Profile:
    first_name: str = ""
    last_name: str = ""
    email: str = ""


def may_sign_in_through(user: User, municipality: Municipality) -> bool:
    """False for an account of another municipality, a region admin or a superuser.

    Those are never taken over by a municipality's directory, whatever the login name.
    """
    if user.pk is None:
        return True
    return user.municipality_id == municipality.id and not user.is_superuser and not user.region_id


def _refuse_foreign(user: User, municipality: Municipality) -> None:
    if not may_sign_in_through(user, municipality):
        raise DomainError(
            "foreign_account",
            gettext("Dieses Konto gehört nicht zur Kommune dieses Verzeichnisses."),
            status=403,
        )


def _apply_profile(user: User, profile: Profile | None) -> None:
    if profile is None:
        return
    user.first_name = (profile.first_name or user.first_name)[:150]
    user.last_name = (profile.last_name or user.last_name)[:150]
    user.email = (profile.email or user.email)[:254]


@transaction.atomic
def directory_account_sync(
    *,
    user: User,
    municipality: Municipality,
    mapped: Mapped,
    profile: Profile | None,
    source: str,
) -> User:
    """Stores the roles (and staff record's org unit) the directory grants at this sign-in.

    ``user`` may be unsaved (first sign-in). Raises ``DomainError`` for an account of
    another municipality. With no mapped role the roles become empty; the caller refuses
    the sign-in.
    """
    _refuse_foreign(user, municipality)
    before = user.roles if isinstance(user.roles, list) else []
    user.municipality = municipality
    user.roles = list(mapped.roles)
    _apply_profile(user, profile)
    if user.pk is None:
        user.set_unusable_password()  # directory accounts never sign in with a local password
    user.save()
    if before != user.roles:
        audit.record(
            actor=None,
            instance=user,
            action="update",
            before={"roles": before},
            after={"roles": user.roles},
            summary=gettext("Rollen aus dem Verzeichnis übernommen (%(source)s)")
            % {"source": source},
        )
    if mapped.org_unit_id:
        _place_staff_record(user=user, municipality=municipality, org_unit_id=mapped.org_unit_id)
    return user


def _place_staff_record(*, user: User, municipality: Municipality, org_unit_id: int) -> None:
    """Moves the person's staff record into the mapped org unit of the same municipality.

    The record is the one linked to the account, else the single unlinked record of the
    municipality with the directory's e-mail address (then linked). Without one: nothing.
    """
    unit = OrgUnit.objects.filter(pk=org_unit_id, municipality=municipality).first()
    if unit is None:
        return
    employee = Employee.objects.filter(user=user, municipality=municipality).first()
    if employee is None and user.email:
        candidates = list(
            Employee.objects.filter(
                municipality=municipality, user__isnull=True, email__iexact=user.email
            )[:2]
        )
        employee = candidates[0] if len(candidates) == 1 else None
    if employee is None or (employee.org_unit_id == unit.id and employee.user_id == user.id):
        return
    before = audit.snapshot(employee)
    employee.user = user
    employee.org_unit = unit
    employee.save(update_fields=["user", "org_unit"])
    audit.record(
        actor=None,
        instance=employee,
        action="update",
        before=before,
        after=audit.snapshot(employee),
        summary=gettext("Organisationseinheit aus dem Verzeichnis übernommen"),
    )
