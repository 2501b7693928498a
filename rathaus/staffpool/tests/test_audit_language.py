"""The change log of the staff pool speaks the language of the person acting."""

from __future__ import annotations

import pytest
from django.utils import translation

from rathaus.core.models import AuditEntry
from rathaus.staffpool.services import matching, members, requests, secondments

from .conftest import NOW, request_data

pytestmark = pytest.mark.django_db


def _last_summary(instance) -> str:
    return (
        AuditEntry.objects.filter(
            object_type=instance._meta.label, object_id=str(instance.pk), summary__gt=""
        )
        .order_by("pk")
        .last()
        .summary
    )


def test_a_member_change_is_logged_in_english_in_english(pool):
    member = pool.member()
    with translation.override("en"):
        members.member_update(actor=pool.coordinator, member=member, data={"remote": False})
    assert _last_summary(member) == f"Pool member {member.pseudonym} changed"


def test_a_member_change_stays_german_in_german(pool):
    member = pool.member()
    with translation.override("de"):
        members.member_update(actor=pool.coordinator, member=member, data={"remote": False})
    assert _last_summary(member) == f"Poolmitglied {member.pseudonym} geändert"


def test_the_release_of_a_secondment_is_logged_in_english_in_english(pool):
    for _n in range(3):
        pool.member(pool.other, login=True)
    req = requests.request_create(
        actor=pool.coordinator, municipality=pool.town, data=request_data(), now=NOW
    )
    matching.request_match(actor=pool.coordinator, requests=[req], now=NOW)
    s = req.secondments.first()
    with translation.override("en"):
        secondments.secondment_approve(
            actor=pool.other_coordinator, secondment=s, now=NOW, works_council_on=NOW.date()
        )
    assert _last_summary(s) == "Secondment released by the home municipality"
