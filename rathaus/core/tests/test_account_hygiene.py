"""Password reset throttled and constant-time, no-store for personal pages, short sessions."""

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache

from rathaus.core.models import Role
from rathaus.core.password_reset import pad_to_floor

RESET = "/konto/passwort-vergessen/"


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.RATHAUS_PASSWORD_RESET_FLOOR_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


class FakeClock:
    """A deterministic clock for the floor arithmetic (no wall time in tests)."""

    def __init__(self, now):
        self.now = now
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def test_every_reset_request_takes_at_least_the_floor():
    clock = FakeClock(10.2)
    assert pad_to_floor(10.0, 1.0, clock=clock, sleep=clock.sleep) == pytest.approx(0.8)
    assert clock.now == pytest.approx(11.0)
    late = FakeClock(12.5)
    assert pad_to_floor(10.0, 1.0, clock=late, sleep=late.sleep) == 0.0 and not late.slept


@pytest.mark.django_db
def test_reset_mails_to_one_address_are_limited_silently(client, make_user, town, settings):
    settings.RATHAUS_PASSWORD_RESET_EMAIL_LIMIT = 2
    make_user(Role.EMPLOYEE, municipality=town, username="max", email="max@example.org")
    responses = [client.post(RESET, {"email": "max@example.org"}) for _ in range(4)]
    assert [r.status_code for r in responses] == [302] * 4  # the same answer every time
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_reset_requests_from_one_address_are_limited(client, settings):
    settings.RATHAUS_PASSWORD_RESET_IP_LIMIT = 3
    codes = [client.post(RESET, {"email": f"x{i}@example.org"}).status_code for i in range(4)]
    assert codes == [302, 302, 302, 429]


@pytest.mark.django_db
def test_staff_pages_and_personal_links_are_not_stored(client, make_user, town):
    public = client.get("/")
    assert "no-store" not in public.get("Cache-Control", "")
    assert "no-store" in client.get("/termine/t/unbekannt/").get("Cache-Control", "")
    client.force_login(make_user(Role.PLANNER, municipality=town))
    page = client.get("/stammdaten/beschaeftigte/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]


def test_staff_sessions_last_a_working_day_not_two_weeks():
    assert django_settings.SESSION_COOKIE_AGE <= 12 * 3600
