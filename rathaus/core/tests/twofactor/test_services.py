"""Enrolment, codes, recovery codes, back-off after wrong codes, reset, the demo secret."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django_otp.oath import hotp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rathaus.core.demo import DEMO_TOTP_SECRET, demo_second_factors
from rathaus.core.models import AuditEntry, Role
from rathaus.core.problems import DomainError
from rathaus.core.twofactor import selectors
from rathaus.core.twofactor.services import (
    RECOVERY_CODE_COUNT,
    new_secret,
    second_factor_check,
    second_factor_enrol,
    second_factor_reset,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 3, 9, 0, 15, tzinfo=UTC)


def code(key_hex: str, at: datetime, steps: int = 0) -> str:
    return f"{hotp(binascii.unhexlify(key_hex), int(at.timestamp()) // 30 + steps):06d}"


@pytest.fixture
def officer(make_user, town):
    return make_user(Role.ELECTION_OFFICER, municipality=town, username="wahl1")


def _enrolled(user, at=NOW):
    key = new_secret()
    with time_machine.travel(at, tick=False):
        enrolment = second_factor_enrol(user=user, key_hex=key, token=code(key, at), now=at)
    return key, enrolment


def test_who_needs_the_second_factor(make_user, town, region):
    needs = selectors.second_factor_required
    assert needs(make_user(Role.ELECTION_OFFICER, municipality=town))
    assert needs(make_user(Role.MUNICIPALITY_ADMIN, municipality=town))
    assert needs(make_user(Role.REGION_ADMIN, region=region))
    assert needs(make_user(is_superuser=True))
    assert not needs(make_user(Role.EMPLOYEE, Role.CLERK, Role.LEADERSHIP, municipality=town))
    assert not needs(make_user(Role.ELECTION_OFFICER, municipality=town, is_active=False))


def test_enrolment_with_the_right_code_stores_the_app_and_ten_recovery_codes(officer):
    key, enrolment = _enrolled(officer)
    assert selectors.has_second_factor(officer)
    assert len(enrolment.recovery_codes) == RECOVERY_CODE_COUNT == 10
    assert len(set(enrolment.recovery_codes)) == 10
    assert selectors.recovery_codes_left(officer) == 10
    entry = AuditEntry.objects.get(object_id=str(officer.pk), summary="Zweiter Faktor eingerichtet")
    assert entry.actor == officer
    assert key not in str(entry.changes) and enrolment.recovery_codes[0] not in str(entry.changes)


def test_enrolment_with_a_wrong_code_is_refused_and_stores_nothing(officer):
    key = new_secret()
    with pytest.raises(DomainError) as refused:
        second_factor_enrol(user=officer, key_hex=key, token=code(key, NOW, steps=5), now=NOW)
    assert refused.value.code == "wrong_code"
    assert "Der Code passt nicht" in refused.value.message
    assert not selectors.has_second_factor(officer)


def test_a_code_signs_in_once_and_the_enrolment_code_not_again(officer):
    key, _ = _enrolled(officer)
    with time_machine.travel(NOW, tick=False):
        assert second_factor_check(user=officer, token=code(key, NOW)).device is None
    with time_machine.travel(NOW + timedelta(seconds=2), tick=False):  # after the back-off
        later = code(key, NOW, steps=1)
        assert second_factor_check(user=officer, token=later[:3] + " " + later[3:]).device
        assert second_factor_check(user=officer, token=later).device is None


def test_a_recovery_code_signs_in_once_and_is_used_up_and_audited(officer):
    _, enrolment = _enrolled(officer)
    recovery = enrolment.recovery_codes[3]
    typed = f"{recovery[:4].upper()}-{recovery[4:].upper()}"
    check = second_factor_check(user=officer, token=typed)
    assert check.device is not None and check.recovery_code_used
    assert check.recovery_codes_left == 9
    assert not StaticToken.objects.filter(token=recovery).exists()
    assert second_factor_check(user=officer, token=recovery).device is None
    assert AuditEntry.objects.filter(
        object_id=str(officer.pk), summary__startswith="Mit Wiederherstellungscode angemeldet"
    ).exists()


def test_after_a_wrong_code_even_the_right_one_waits_for_the_back_off(officer):
    key, _ = _enrolled(officer)
    at = NOW + timedelta(minutes=1)
    with time_machine.travel(at, tick=False):
        assert second_factor_check(user=officer, token="000000").device is None
        refused = second_factor_check(user=officer, token=code(key, at))
        assert refused.device is None and refused.locked_until is not None
    # django-otp's back-off: 1 s after the first wrong code, then 2, 4, 8 …
    with time_machine.travel(at + timedelta(seconds=2), tick=False):
        assert second_factor_check(user=officer, token=code(key, at)).device is not None


def test_a_municipality_admin_resets_an_employees_factor_audited(make_user, town):
    admin = make_user(Role.MUNICIPALITY_ADMIN, municipality=town, username="adm")
    clerk = make_user(Role.CLERK, municipality=town, username="clerk")
    _enrolled(clerk)
    second_factor_reset(actor=admin, user=clerk)
    assert not selectors.has_second_factor(clerk)
    assert selectors.recovery_codes_left(clerk) == 0
    entry = AuditEntry.objects.get(summary="Zweiter Faktor zurückgesetzt")
    assert entry.actor == admin and entry.object_id == str(clerk.pk)


def test_nobody_resets_their_own_a_stronger_or_another_towns_factor(
    make_user, town, other_town, officer
):
    admin = make_user(Role.MUNICIPALITY_ADMIN, municipality=town, username="adm")
    foreign = make_user(Role.CLERK, municipality=other_town, username="fremd")
    for target in (admin, officer, foreign):
        _enrolled(target)
        with pytest.raises(DomainError):
            second_factor_reset(actor=admin, user=target)
        assert selectors.has_second_factor(target)


def test_the_demo_gives_privileged_logins_the_documented_secret(make_user, town):
    officer = make_user(Role.ELECTION_OFFICER, municipality=town, username="wahlamt")
    clerk = make_user(Role.CLERK, municipality=town, username="buergerbuero")
    assert demo_second_factors(town) == ["wahlamt"]
    device = TOTPDevice.objects.get(user=officer)
    assert device.key == base64.b32decode(DEMO_TOTP_SECRET).hex()
    assert not selectors.has_second_factor(clerk)
    assert demo_second_factors(town) == ["wahlamt"]  # idempotent
    assert TOTPDevice.objects.filter(user=officer).count() == 1
