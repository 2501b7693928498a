"""Reads: the regional layer pseudonymises other towns' people until a helper accepts."""

from __future__ import annotations

import pytest

from rathaus.core.models import Role
from rathaus.core.tests.factories import MunicipalityFactory, RegionFactory
from rathaus.staffpool import selectors
from rathaus.staffpool.services import matching, requests, secondments

from .conftest import NOW, request_data

pytestmark = pytest.mark.django_db


def test_a_town_sees_its_own_members_by_name_and_others_by_helper_id(pool):
    own = pool.member(pool.town)
    foreign = pool.member(pool.other)
    rows = {r.member.pk: r for r in selectors.members_for(pool.coordinator)}
    assert rows[own.pk].label == "Vorname Person1" and rows[own.pk].resolved
    assert rows[foreign.pk].label == foreign.pseudonym and not rows[foreign.pk].resolved


def test_another_region_sees_nothing_of_the_pool(pool, make_user):
    pool.member(pool.other)
    stranger = make_user(
        Role.POOL_COORDINATOR, municipality=MunicipalityFactory(region=RegionFactory())
    )
    assert selectors.members_for(stranger) == []
    assert not selectors.requests_for(stranger).exists()


def test_the_borrower_learns_the_name_only_after_acceptance(pool):
    pool.member(pool.other, login=True)
    req = requests.request_create(
        actor=pool.coordinator, municipality=pool.town, data=request_data(slots=1), now=NOW
    )
    matching.request_match(actor=pool.coordinator, requests=[req], now=NOW)
    s = req.secondments.get()
    assert selectors.secondment_label(pool.coordinator, s) == s.member.pseudonym
    secondments.secondment_approve(
        actor=pool.other_coordinator, secondment=s, works_council_on=NOW.date(), now=NOW
    )
    s.refresh_from_db()
    assert selectors.secondment_label(pool.coordinator, s) == s.member.pseudonym
    secondments.secondment_accept(actor=s.member.employee.user, secondment=s, now=NOW)
    s.refresh_from_db()
    assert selectors.secondment_label(pool.coordinator, s) == "Vorname Person1"


def test_the_region_coordinator_sees_pseudonyms_and_aggregates(pool, make_user, region):
    member = pool.member(pool.other)
    coordinator = make_user(Role.REGION_COORDINATOR, region=region)
    (row,) = selectors.members_for(coordinator)
    assert row.label == member.pseudonym
    names = [b.name for b in selectors.balances(coordinator, today=NOW.date())]
    assert pool.town.name in names and pool.other.name in names


def test_balances_add_up_to_zero_across_the_region(pool):
    pool.member(pool.other, login=True)
    req = requests.request_create(
        actor=pool.coordinator, municipality=pool.town, data=request_data(slots=1), now=NOW
    )
    matching.request_match(actor=pool.coordinator, requests=[req], now=NOW)
    s = req.secondments.get()
    secondments.secondment_approve(
        actor=pool.other_coordinator, secondment=s, works_council_on=NOW.date(), now=NOW
    )
    secondments.secondment_accept(actor=s.member.employee.user, secondment=s, now=NOW)
    later = s.end
    rows = {b.name: b for b in selectors.balances(pool.coordinator, today=later)}
    assert rows[pool.other.name].lent == rows[pool.town.name].borrowed > 0
    assert sum(b.balance for b in rows.values()) == 0
    settlement = selectors.settlement_rows(pool.coordinator, year=2031, quarter=1)
    assert settlement[0]["lender"] == pool.other.name
    assert settlement[0]["amount"] == settlement[0]["hours"] * 48 * 70 / 100
