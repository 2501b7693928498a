"""Client address behind a trusted proxy; lock-out per user name and per address (issue 9)."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from rathaus.appointments.services import common
from rathaus.core.clientip import client_ip, limit_key
from rathaus.core.models import Role
from rathaus.core.problems import TooManyRequests

PROXY = "10.0.0.1"
LOGIN = "/konto/anmelden/"


@pytest.fixture(autouse=True)
def _behind_a_proxy(settings):
    settings.RATHAUS_TRUSTED_PROXIES = [PROXY]
    settings.RATHAUS_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.RATHAUS_LOOPBACK_ONLY = False  # requests come from a proxy in 10.0.0.0/8
    cache.clear()
    yield
    cache.clear()


def _request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_the_client_address_comes_from_the_trusted_proxys_header():
    assert client_ip(_request(PROXY, "203.0.113.5")) == "203.0.113.5"
    # the client may write anything to the left; the proxy appends the real peer
    assert client_ip(_request(PROXY, "1.2.3.4, 203.0.113.5")) == "203.0.113.5"
    # not from the proxy: the header is the client's own claim and is ignored
    assert client_ip(_request("198.51.100.7", "1.2.3.4")) == "198.51.100.7"
    assert client_ip(_request(PROXY, "kaputt")) == PROXY


def test_without_trusted_proxies_no_header_is_believed(settings):
    settings.RATHAUS_TRUSTED_PROXIES = []
    assert client_ip(_request(PROXY, "203.0.113.5")) == PROXY


def test_ipv6_counts_per_64_network():
    assert limit_key("2001:db8:1:2:aaaa::1") == limit_key("2001:db8:1:2:ffff::9")
    assert limit_key("2001:db8:1:3::1") != limit_key("2001:db8:1:2::1")
    assert limit_key("::ffff:192.0.2.1") == "192.0.2.1"
    common.rate_limit_ip("2001:db8:1:2:aaaa::1", 1, scope="test")
    with pytest.raises(TooManyRequests):
        common.rate_limit_ip("2001:db8:1:2:ffff::9", 1, scope="test")


def _login(client, username, password, address):
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


@pytest.mark.django_db
def test_five_wrong_passwords_elsewhere_do_not_lock_the_colleague_out(client, make_user, town):
    make_user(Role.CLERK, municipality=town, username="erika")
    for _ in range(6):
        _login(client, "erika", "falsch", "203.0.113.66")
    assert _login(client, "erika", "test-passwort-123", "203.0.113.66").status_code == 429
    ok = _login(client, "erika", "test-passwort-123", "198.51.100.10")
    assert ok.status_code == 302


@pytest.mark.django_db
def test_spraying_many_names_from_one_address_locks_that_address(client, make_user, town, settings):
    settings.RATHAUS_LOGIN_IP_LIMIT = 8
    make_user(Role.CLERK, municipality=town, username="max")
    for i in range(8):
        _login(client, f"name{i}", "falsch", "203.0.113.77")
    locked = _login(client, "max", "test-passwort-123", "203.0.113.77")
    assert locked.status_code == 429 and "gesperrt" in locked.content.decode()
    assert _login(client, "max", "test-passwort-123", "198.51.100.11").status_code == 302


@pytest.mark.django_db
def test_guessing_one_name_from_many_addresses_locks_the_name(client, make_user, town, settings):
    settings.RATHAUS_LOGIN_USERNAME_LIMIT = 6
    make_user(Role.CLERK, municipality=town, username="anna")
    for i in range(6):
        _login(client, "anna", "falsch", f"203.0.113.{100 + i}")
    assert _login(client, "anna", "test-passwort-123", "198.51.100.12").status_code == 429
