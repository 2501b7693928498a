"""Shared fixtures: tenants and users per role, a Playwright browser on Debian Chromium, axe checks."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.utils import translation
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

from rathaus.appointments.selectors import availability
from rathaus.core.testing import browser_sign_in, pass_second_factor
from rathaus.core.tests.factories import MunicipalityFactory, RegionFactory, UserFactory
from rathaus.elections import caching as election_copies
from rathaus.participation import caching as participation_copies

os.environ.setdefault(
    "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
)  # Playwright's sync API runs an event loop

# Ceiling for every browser wait (actions, navigation and `expect`); waits end as soon as
# their condition holds, so only a broken page ever waits this long.
BROWSER_TIMEOUT_MS = 90_000
CHROMIUM = os.environ.get("RATHAUS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "without_second_factor: test clients sign in without passing the second factor"
    )


@pytest.fixture(autouse=True)
def _fast_hashing_and_mail(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.AXES_ENABLED = True
    # Solver jobs count deterministic work, not seconds: same plans on a busy machine.
    settings.RATHAUS_PRESENCE_DETERMINISTIC = True


@pytest.fixture
def region(db):
    return RegionFactory()


@pytest.fixture
def town(region):
    return MunicipalityFactory(region=region, name="Musterstadt", slug="musterstadt-test")


@pytest.fixture
def other_town(region):
    return MunicipalityFactory(region=region, name="Anderswo", slug="anderswo-test")


@pytest.fixture
def make_user(db):
    def make(*roles, municipality=None, region=None, **kwargs):
        return UserFactory(
            roles=[str(r) for r in roles], municipality=municipality, region=region, **kwargs
        )

    return make


@pytest.fixture(scope="session")
def _playwright():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Debian Chromium not found at {CHROMIUM} (install the 'chromium' package)")
    expect.set_options(timeout=BROWSER_TIMEOUT_MS)
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    page = context.new_page()
    # Generous ceilings: every wait is for a condition, and CI runs on a loaded 2-core machine.
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    yield page
    context.close()


# A click on a link returns before the next page has loaded; axe then meets a document that
# is being replaced ("documentElement of null", "Execution context was destroyed").
AXE_ATTEMPTS = 5


def _run_axe_on_settled_page(axe, page):
    for _ in range(AXE_ATTEMPTS - 1):
        page.wait_for_load_state("load")
        try:
            return axe.run(page)
        except PlaywrightError:
            continue  # the page was replaced under axe; wait for the new one and run again
    page.wait_for_load_state("load")
    return axe.run(page)


@pytest.fixture
def axe_check():
    """Runs axe-core on the current page; fails on serious or critical violations."""
    axe = Axe()

    def check(page):
        results = _run_axe_on_settled_page(axe, page)
        bad = [
            v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
        ]
        details = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:5]}"
            for v in bad
        )
        assert not bad, f"axe-core violations on {page.url}:\n{details}"
        return results

    return check


@pytest.fixture
def login(live_server):
    """Signs in through the form, and through the code page for a person with a second factor."""

    def do_login(page, username, password="test-passwort-123"):
        browser_sign_in(page, live_server.url, username, password)

    return do_login


@pytest.fixture(autouse=True)
def _test_clients_pass_the_second_factor(request, monkeypatch):
    """Every Django test client that signs someone in (``force_login``, ``login``) has also
    passed the second factor, as django-otp's ``otp_login`` records it (rathaus.core.testing).

    Tests of the second factor itself opt out with ``@pytest.mark.without_second_factor``.
    """
    if request.node.get_closest_marker("without_second_factor"):
        return
    force_login, login = Client.force_login, Client.login

    def force_login_past_second_factor(self, user, backend=None):
        force_login(self, user, backend)
        pass_second_factor(self, user)

    def login_past_second_factor(self, **credentials):
        signed_in = login(self, **credentials)
        if signed_in:
            pass_second_factor(self)
        return signed_in

    monkeypatch.setattr(Client, "force_login", force_login_past_second_factor)
    monkeypatch.setattr(Client, "login", login_past_second_factor)


@pytest.fixture(autouse=True)
def _process_copies_between_tests():
    """Each test starts with empty in-process copies, as a fresh worker does. On SQLite a
    rolled-back test hands its primary keys to the next one, so a copy kept under "process 1"
    would otherwise answer for a different process (e.g. consent texts of another town)."""
    availability.clear_process_cache()
    election_copies.forget_local()
    participation_copies.local_copies.clear()


@pytest.fixture(autouse=True)
def _site_language_between_tests():
    """A request in English leaves English active in the thread (LocaleMiddleware activates,
    nothing deactivates); each test starts in the site's language, as a fresh process does."""
    translation.deactivate()
    yield
    translation.deactivate()
