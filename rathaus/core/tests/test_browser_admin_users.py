"""Browser walk of the role administration: the demo's municipality admin creates a user.

Roles are ticked by their names; the new user lands in the admin's municipality and opens
right after saving. Each admin page is axe-checked; screenshots go to /tmp/ops-users-*.png.
"""

import pytest
from playwright.sync_api import expect

from rathaus.core.demo import load_core
from rathaus.core.models import User
from rathaus.core.testing import browser_sign_in, shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def demo(db):
    return load_core()


def test_the_municipality_admin_creates_a_user_with_roles_by_name(
    page, live_server, axe_check, demo
):
    browser_sign_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/admin/core/user/add/")
    axe_check(page)
    page.get_by_label("Benutzername").fill("neue.sachbearbeitung")
    page.get_by_label("Passwort:", exact=True).fill("Sehr-geheim-2026!")
    page.get_by_label("Passwort bestätigen").fill("Sehr-geheim-2026!")
    expect(page.get_by_label("Kommune:", exact=True)).to_have_value(str(demo.pk))
    page.get_by_label("Sachbearbeitung Bürgerbüro").check()
    page.get_by_label("Beschäftigte", exact=True).check()
    shot(page, "add")
    page.get_by_role("button", name="Sichern", exact=True).click()
    page.wait_for_load_state()

    user = User.objects.get(username="neue.sachbearbeitung")
    assert user.municipality_id == demo.pk
    assert user.roles == ["employee", "clerk"]
    expect(page.get_by_text("existiert nicht")).to_have_count(0)
    expect(page.get_by_label("Sachbearbeitung Bürgerbüro")).to_be_checked()
    axe_check(page)
    shot(page, "change")

    page.goto(f"{live_server.url}/admin/core/user/")
    expect(page.get_by_role("row", name="neue.sachbearbeitung")).to_contain_text(
        "Beschäftigte, Sachbearbeitung Bürgerbüro"
    )
    axe_check(page)
    shot(page, "list")
