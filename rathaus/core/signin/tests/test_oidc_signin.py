"""Signing in through a real OpenID Connect provider (oidc-provider under Node.js)."""

import html
import re
from urllib.parse import urljoin

import pytest
import requests

from rathaus.core.models import Role, User
from rathaus.core.signin.models import OidcClaimRole, OidcProvider

SITE = "http://testserver"


def _provider_row(server, municipality, client_id, secret):
    return OidcProvider.objects.create(
        municipality=municipality,
        label=f"Anmeldedienst {municipality.name}",
        client_id=client_id,
        client_secret=secret,
        **server.endpoints(),
    )


@pytest.fixture
def musterstadt_provider(oidc_provider, town):
    provider = _provider_row(
        oidc_provider, town, "rathaus-musterstadt", "geheimnis-musterstadt-0123456789"
    )
    OidcClaimRole.objects.create(
        provider=provider, claim_value="rathaus-wahlamt", role=Role.ELECTION_OFFICER
    )
    OidcClaimRole.objects.create(
        provider=provider, claim_value="rathaus-buergerbuero", role=Role.CLERK
    )
    return provider


@pytest.fixture
def anderswo_provider(oidc_provider, other_town):
    provider = _provider_row(
        oidc_provider, other_town, "rathaus-anderswo", "geheimnis-anderswo-0123456789"
    )
    OidcClaimRole.objects.create(
        provider=provider, claim_value="rathaus-wahlamt", role=Role.MUNICIPALITY_ADMIN
    )
    return provider


def _form(page: str) -> tuple[str, dict]:
    """The provider's own login or consent form: where it posts, and what we fill in."""
    action = html.unescape(re.search(r'<form[^>]*action="([^"]+)"', page).group(1))
    if 'name="login"' in page:
        return action, {"prompt": "login", "login": "", "password": "beliebig"}
    return action, {"prompt": "consent"}


def sign_in_at_provider(client, municipality_slug, account):
    """Like a browser: Rathaus → provider's login and consent pages → back to Rathaus."""
    start = client.get(f"/konto/oidc/{municipality_slug}/anmelden/")
    assert start.status_code == 302
    browser = requests.Session()
    url = start["Location"]
    for _step in range(20):
        if url.startswith(SITE):
            return client.get(url.removeprefix(SITE))
        answer = browser.get(url, allow_redirects=False, timeout=30)
        if answer.is_redirect:
            url = urljoin(url, answer.headers["Location"])
            continue
        assert answer.status_code == 200, answer.text
        action, data = _form(answer.text)
        if "login" in data:
            data["login"] = account
        posted = browser.post(urljoin(url, action), data=data, allow_redirects=False, timeout=30)
        assert posted.is_redirect, posted.text
        url = urljoin(url, posted.headers["Location"])
    raise AssertionError("the provider never sent the browser back to Rathaus")


@pytest.mark.django_db
def test_the_login_page_offers_each_towns_provider(client, musterstadt_provider):
    page = client.get("/konto/anmelden/").content.decode()
    assert "Anmelden mit Anmeldedienst Musterstadt (Musterstadt)" in page
    assert "/konto/oidc/musterstadt-test/anmelden/" in page


@pytest.mark.django_db
def test_a_provider_account_signs_in_with_the_roles_of_its_groups(
    client, musterstadt_provider, town
):
    response = sign_in_at_provider(client, town.slug, "bea")
    assert response.status_code == 302 and response["Location"] == "/"
    user = client.get("/").wsgi_request.user
    assert user.is_authenticated
    assert user.username == f"bea@{town.slug}"
    assert user.municipality == town
    assert user.roles == [Role.CLERK, Role.ELECTION_OFFICER]
    assert (user.first_name, user.last_name, user.email) == ("Bea", "Beispiel", "bea@example.org")
    assert not user.has_usable_password()


@pytest.mark.django_db
def test_a_group_taken_away_at_the_provider_is_a_role_gone_at_the_next_sign_in(
    client, oidc_provider, musterstadt_provider, town
):
    sign_in_at_provider(client, town.slug, "bea")
    client.logout()
    oidc_provider.set_claims("bea", groups=["rathaus-buergerbuero"])
    sign_in_at_provider(client, town.slug, "bea")
    assert User.objects.get(username=f"bea@{town.slug}").roles == [Role.CLERK]
    client.logout()
    oidc_provider.set_claims("bea", groups=[])
    refused = sign_in_at_provider(client, town.slug, "bea")
    assert refused["Location"] == "/konto/anmelden/"
    assert not client.get("/").wsgi_request.user.is_authenticated
    assert User.objects.get(username=f"bea@{town.slug}").roles == []


@pytest.mark.django_db
def test_an_account_without_a_mapped_group_gets_no_account(client, musterstadt_provider, town):
    refused = sign_in_at_provider(client, town.slug, "olaf")
    assert refused["Location"] == "/konto/anmelden/"
    assert "nicht gelungen" in client.get("/konto/anmelden/").content.decode()
    assert not User.objects.filter(username__startswith="olaf@").exists()


@pytest.mark.django_db
def test_each_town_maps_the_same_person_with_its_own_table_into_its_own_account(
    client, musterstadt_provider, anderswo_provider, town, other_town
):
    sign_in_at_provider(client, town.slug, "bea")
    client.logout()
    sign_in_at_provider(client, other_town.slug, "bea")
    ours = User.objects.get(username=f"bea@{town.slug}")
    theirs = User.objects.get(username=f"bea@{other_town.slug}")
    assert (ours.municipality, ours.roles) == (town, [Role.CLERK, Role.ELECTION_OFFICER])
    assert (theirs.municipality, theirs.roles) == (other_town, [Role.MUNICIPALITY_ADMIN])


@pytest.mark.django_db
def test_a_provider_never_takes_over_an_account_of_another_municipality(
    client, make_user, musterstadt_provider, town, other_town
):
    foreign = make_user(Role.PLANNER, municipality=other_town, username=f"bea@{town.slug}")
    refused = sign_in_at_provider(client, town.slug, "bea")
    assert refused["Location"] == "/konto/anmelden/"
    foreign.refresh_from_db()
    assert (foreign.municipality, foreign.roles) == (other_town, [Role.PLANNER])


@pytest.mark.django_db
def test_a_town_without_a_provider_has_no_provider_sign_in(client, town):
    assert client.get(f"/konto/oidc/{town.slug}/anmelden/").status_code == 404
