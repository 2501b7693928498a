"""Browser: staff sign in through the real slapd and through the real OpenID Connect provider.

axe-core runs on Rathaus' pages (the provider's own development login page is not ours);
screenshots of the login page go to $RATHAUS_SCREENSHOTS (if set) for review.
"""

import pytest

from rathaus.core.models import Role
from rathaus.core.signin.models import (
    DirectoryConnection,
    DirectoryGroupRole,
    OidcClaimRole,
    OidcProvider,
)
from rathaus.core.signin.tests import servers
from rathaus.core.signin.tests.conftest import GROUPS_M, PASSWORD, PEOPLE_M, _require
from rathaus.core.testing import shot

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def browser_provider(tmp_path, live_server):
    _require(servers.provider_missing_reason())
    server = servers.OidcProviderProcess(
        tmp_path,
        clients=[
            {
                "client_id": "rathaus-browser",
                "client_secret": "geheimnis-browser-0123456789",
                "redirect_uris": [f"{live_server.url}/konto/oidc/rueckkehr/"],
            }
        ],
        accounts={"bea": {"email": "bea@example.org", "given_name": "Bea", "groups": ["wahl"]}},
    )
    yield server
    server.stop()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_staff_sign_in_with_their_directory_account_and_through_the_provider(
    page, live_server, axe_check, slapd, browser_provider, town, viewport
):
    page.set_viewport_size(VIEWPORTS[viewport])
    connection = DirectoryConnection.objects.create(
        municipality=town,
        login_domain="musterstadt.de",
        server_uri=slapd.uri,
        user_dn_template=f"uid=%(user)s,{PEOPLE_M}",
        group_search_base=GROUPS_M,
    )
    DirectoryGroupRole.objects.create(
        connection=connection, group_dn=f"cn=buergerbuero,{GROUPS_M}", role=Role.CLERK
    )
    provider = OidcProvider.objects.create(
        municipality=town,
        label="Anmeldedienst Kreis",
        client_id="rathaus-browser",
        client_secret="geheimnis-browser-0123456789",
        **browser_provider.endpoints(),
    )
    OidcClaimRole.objects.create(provider=provider, claim_value="wahl", role=Role.TEAM_LEAD)

    page.goto(f"{live_server.url}/konto/anmelden/")
    axe_check(page)
    shot(page, f"signin-login-{viewport}", current_only=True)
    page.get_by_label("Benutzername").fill("anna@musterstadt.de")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").last.click()
    page.wait_for_load_state()
    assert page.get_by_text("Sachbearbeitung Bürgerbüro").count() > 0
    axe_check(page)

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/konto/anmelden/")
    page.get_by_role("link", name="Anmelden mit Anmeldedienst Kreis (Musterstadt)").click()
    page.locator("input[name=login]").fill("bea")
    page.locator("input[name=password]").fill("beliebig")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()  # the provider asks for consent
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_text("Teamleitung").count() > 0
    axe_check(page)
