"""Two home coordinators approve overlapping secondments of one helper at the same moment:
the unique held day lets exactly one through (PostgreSQL, real concurrent transactions)."""

import pytest
from django.db import connection

from rathaus.core.models import Role
from rathaus.core.tests.racing import race
from rathaus.staffpool.models import HeldDay
from rathaus.staffpool.services import matching, requests, secondments

from .conftest import NOW, request_data


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_never_hold_a_helper_twice(pool, make_user):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    helper = pool.member(pool.other)
    second_coordinator = make_user(Role.POOL_COORDINATOR, municipality=pool.other)
    found = []
    for _ in range(2):
        req = requests.request_create(
            actor=pool.coordinator, municipality=pool.town, data=request_data(slots=1), now=NOW
        )
        matching.request_match(actor=pool.coordinator, requests=[req], now=NOW)
        found.append(req.secondments.get(member=helper))
    a, b = found
    outcomes = race(
        lambda: (
            secondments.secondment_approve(
                actor=pool.other_coordinator, secondment=a, works_council_on=NOW.date(), now=NOW
            ).status
        ),
        lambda: (
            secondments.secondment_approve(
                actor=second_coordinator, secondment=b, works_council_on=NOW.date(), now=NOW
            ).status
        ),
    )
    assert sorted(outcomes) == ["approved", "double_booked"]
    assert HeldDay.objects.filter(member=helper).count() == a.days
