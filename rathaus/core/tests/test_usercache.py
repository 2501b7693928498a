"""The session's user and its second-factor flag come from the shared cache, and every change
to the person or their devices is seen on the very next request."""

from __future__ import annotations

import pickle

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from rathaus.core.models import Role
from rathaus.core.testing import authenticator_for_test, pass_second_factor
from rathaus.core.twofactor import services as twofactor_services

pytestmark = [pytest.mark.django_db, pytest.mark.without_second_factor]

PAGE = "/stammdaten/beschaeftigte/"


@pytest.fixture
def planner(make_user, town):
    return make_user(Role.PLANNER, municipality=town)


def make_device_owner(user):
    """The person has an authenticator (so their sessions must pass the second factor)."""
    authenticator_for_test(user)
    return user


def _signed_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(PAGE).status_code == 200  # fills the cache
    return client


def _user_and_device_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    return [
        q["sql"]
        for q in queries.captured_queries
        if '"core_user"' in q["sql"].split("WHERE")[0] or "otp_totp_totpdevice" in q["sql"]
    ]


def test_a_warm_page_reads_neither_the_user_row_nor_the_devices(client, planner):
    _signed_in(client, planner)
    assert _user_and_device_queries(client) == []


def test_a_device_added_after_the_flag_was_cached_asks_for_the_code_at_once(client, planner):
    _signed_in(client, planner)
    TOTPDevice.objects.create(user=planner, name="App", confirmed=True)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/zweiter-faktor/pruefen/")


def test_a_deleted_device_stops_the_question_at_once(client, planner):
    device = TOTPDevice.objects.create(user=planner, name="App", confirmed=True)
    client.force_login(planner, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(PAGE).status_code == 302
    device.delete()
    assert client.get(PAGE).status_code == 200


def test_an_unconfirmed_device_confirmed_later_asks_for_the_code(client, planner):
    device = TOTPDevice.objects.create(user=planner, name="App", confirmed=False)
    _signed_in(client, planner)
    device.confirmed = True
    device.save()
    assert client.get(PAGE).status_code == 302


def test_a_reset_by_an_admin_is_seen_at_once(client, planner, make_user, town):
    admin = make_user(Role.MUNICIPALITY_ADMIN, municipality=town)
    TOTPDevice.objects.create(user=planner, name="App", confirmed=True)
    client.force_login(planner, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(PAGE).status_code == 302
    twofactor_services.second_factor_reset(actor=admin, user=planner)
    assert client.get(PAGE).status_code == 200


def test_a_password_change_logs_out_the_other_sessions(client, planner):
    _signed_in(client, planner)
    planner.set_password("ein-ganz-neues-passwort")
    planner.save()
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/anmelden/")


def test_a_deactivated_user_is_logged_out_at_once(client, planner):
    _signed_in(client, planner)
    planner.is_active = False
    planner.save()
    assert client.get(PAGE).status_code == 302


def test_a_deleted_user_is_logged_out_at_once(client, planner):
    _signed_in(client, planner)
    planner.delete()
    assert client.get(PAGE).status_code == 302


def test_a_lost_role_counts_on_the_next_request(client, planner):
    _signed_in(client, planner)
    planner.roles = []
    planner.save()
    assert client.get(PAGE).status_code == 403


def test_a_group_change_starts_a_new_generation(client, planner):
    _signed_in(client, planner)
    group = Group.objects.create(name="Planung")
    group.user_set.add(planner)
    with CaptureQueriesContext(connection) as queries:
        client.get(PAGE)
    assert any('FROM "core_user"' in q["sql"] for q in queries.captured_queries)


def _verified(client, user) -> TOTPDevice:
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    pass_second_factor(client, user)
    assert client.get(PAGE).status_code == 200  # fills the cache
    return TOTPDevice.objects.get(user=user)


def test_a_verified_session_reads_no_device_on_a_warm_page(client, planner):
    _verified(client, make_device_owner(planner))
    assert _user_and_device_queries(client) == []


def test_the_cached_device_holds_no_secret_key(client, planner):
    device = _verified(client, make_device_owner(planner))
    kept = cache.get(f"core:user:device:{planner.pk}")[2]
    assert kept.pk == device.pk and "key" not in kept.__dict__
    assert device.key.encode() not in pickle.dumps(cache.get(f"core:user:device:{planner.pk}"))


def test_a_deleted_device_unverifies_the_session_on_the_next_request(client, planner):
    device = _verified(client, make_device_owner(planner))
    device.delete()
    TOTPDevice.objects.create(user=planner, name="Neues Telefon", confirmed=True)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/zweiter-faktor/pruefen/")
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_device_that_is_no_longer_confirmed_unverifies_the_session(client, planner):
    device = _verified(client, make_device_owner(planner))
    TOTPDevice.objects.create(user=planner, name="Zweites Telefon", confirmed=True)
    device.confirmed = False
    device.save()
    assert client.get(PAGE).status_code == 302


def test_a_password_change_ends_a_verified_session(client, planner):
    _verified(client, make_device_owner(planner))
    planner.set_password("ein-ganz-neues-passwort")
    planner.save()
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/anmelden/")
