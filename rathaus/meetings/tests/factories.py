"""Test data for the meetings app, built through the services (as the app does)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from rathaus.core.models import Role, User
from rathaus.core.tests.factories import EmployeeFactory, OrgUnitFactory, UserFactory
from rathaus.meetings.models import Body, Meeting, Membership, Mode
from rathaus.meetings.services import bodies
from rathaus.meetings.services import meetings as meeting_services


def staff_member(municipality, *roles, username=None):
    """A user with an employee record in ``municipality``."""
    user = UserFactory(
        municipality=municipality,
        roles=[str(r) for r in (roles or (Role.EMPLOYEE,))],
        **({"username": username} if username else {}),
    )
    unit = OrgUnitFactory(municipality=municipality)
    employee = EmployeeFactory(org_unit=unit, municipality=municipality, user=user)
    employee.email = f"{user.username}@example.org"
    employee.save(update_fields=["email"])
    return user, employee


def crisis_staff(
    municipality, *, name="Krisenstab", public=False, kind="crisis_staff"
) -> tuple[Body, dict]:
    """A body with a chair, a member, a secretary and an external member."""
    people = {}
    body = bodies.body_create(
        actor=None, municipality=municipality, name=name, kind=kind, public=public
    )
    for key, role, function in (
        ("chair", Membership.Role.CHAIR, "Leitung"),
        ("member", Membership.Role.MEMBER, "S2 Lage"),
        ("secretary", Membership.Role.SECRETARY, "Stabsassistenz"),
    ):
        user, employee = staff_member(municipality, Role.EMPLOYEE)
        people[key] = (
            user,
            bodies.membership_add(
                actor=None, body=body, employee=employee, role=role, function=function
            ),
        )
    people["external"] = (
        None,
        bodies.membership_add(
            actor=None,
            body=body,
            external_name="Dr. Petra Lindner",
            external_email="lindner@stadtwerke.example",
            external_organisation="Stadtwerke",
        ),
    )
    return body, people


def meeting_at(
    body: Body, start: datetime, *, minutes: int = 60, mode=Mode.ONLINE, **kw
) -> Meeting:
    return meeting_services.meeting_create(
        actor=None,
        body=body,
        title=kw.pop("title", "Lagebesprechung"),
        start=start,
        end=start + timedelta(minutes=minutes),
        mode=mode,
        **kw,
    )


def office_user(municipality) -> User:
    return UserFactory(municipality=municipality, roles=[Role.MEETINGS_OFFICE.value])


def local(year, month, day, hour=8, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())
