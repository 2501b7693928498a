"""Public results: no login, shares as votemanager shows them, cached, fresh after approval."""

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from rathaus.elections.models import Candidate, Election
from rathaus.elections.services.results import result_approve, result_enter

from ..conftest import district, enter_and_approve, figures, make_election

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_public_page_shows_shares_turnout_and_progress(client, election, officer_a, officer_b):
    enter_and_approve(election, "0101", figures([300, 200, 100]), officer_a, officer_b)
    response = client.get(reverse("elections:public_detail", args=[election.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 von 3 Bezirken gemeldet" in html
    # 300 of 600 valid = 50,00 %; 200/600 = 33,33 %; 100/600 = 16,67 %
    for text in ("50,00 %", "33,33 %", "16,67 %"):
        assert text in html
    assert "Wahlbeteiligung" in html and "60,30 %" in html  # 603 voters / 1,000 eligible
    assert "parteilos" in html
    assert "<svg" in html and 'role="img"' in html
    assert 'style="' not in html and "<script>" not in html.replace("<script src=", "")
    assert 'hx-get="/wahlen/ergebnisse/' in html and 'hx-trigger="every 15s"' in html
    assert "Vorläufig:" in html


def test_unapproved_figures_are_not_public(client, election, officer_a):
    result_enter(
        result=district(election, "0101").result, actor=officer_a, figures=figures([777, 1, 1])
    )
    html = client.get(reverse("elections:public_detail", args=[election.pk])).content.decode()
    assert "0 von 3 Bezirken gemeldet" in html and "777" not in html


def test_cache_is_invalidated_on_approval(client, election, officer_a, officer_b):
    enter_and_approve(election, "0101", figures([300, 200, 100]), officer_a, officer_b)
    url = reverse("elections:public_fragment", args=[election.pk])
    first = client.get(url).content.decode()
    assert "1 von 3 Bezirken gemeldet" in first
    # served from the cache: a change that bypasses the services is not visible …
    Election.objects.filter(pk=election.pk).update(title="geändert ohne Service")
    assert client.get(url).content.decode() == first
    # … but an approval shows new figures right away
    d = district(election, "0102")
    result_enter(
        result=d.result, actor=officer_a, figures=figures([1000, 10, 10], a=(1400, 100, 0, 1500))
    )
    assert "1 von 3 Bezirken gemeldet" in client.get(url).content.decode()  # not yet approved
    result_approve(result=d.result, actor=officer_b)
    fresh = client.get(url).content.decode()
    assert "2 von 3 Bezirken gemeldet" in fresh
    assert "1.300" in fresh  # 300 + 1,000 votes for Anna Alt
    assert "Gewählt: Anna Alt" in fresh  # provisional


def test_public_index_lists_elections_of_all_and_of_one_municipality(client, election, other_town):
    other = make_election(other_town, title="Landratswahl", status=Election.Status.COUNTING)
    hidden = make_election(other_town, title="Noch in Vorbereitung")
    all_ = client.get(reverse("elections:public_index")).content.decode()
    assert "Landratswahl" in all_ and "Noch in Vorbereitung" not in all_
    one = client.get(
        reverse("elections:public_municipality", args=[other_town.slug])
    ).content.decode()
    assert "Landratswahl" in one and election.title not in one
    assert client.get(reverse("elections:public_detail", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("elections:public_detail", args=[other.pk])).status_code == 200
    assert (
        client.get(reverse("elections:public_municipality", args=["gibtsnicht"])).status_code == 404
    )
    assert client.get("/wahlen/ergebnisse/999999/").status_code == 404


def test_public_pages_refuse_unsafe_methods(client, election):
    for url in (
        reverse("elections:public_detail", args=[election.pk]),
        reverse("elections:public_fragment", args=[election.pk]),
    ):
        assert client.post(url).status_code == 405


def test_comparison_with_previous_election_in_percentage_points(client, town, officer_a, officer_b):
    previous = make_election(
        town,
        (("Xaver Alt", "CDU"), ("Bernd Bau", "SPD")),
        title="Bürgermeisterwahl 2020",
        date=date(2020, 9, 13),
    )
    enter_and_approve(previous, "0101", figures([480, 320]), officer_a, officer_b)
    current = make_election(town, previous_election=previous)
    enter_and_approve(current, "0101", figures([360, 360, 80]), officer_a, officer_b)
    html = client.get(reverse("elections:public_detail", args=[current.pk])).content.decode()
    # CDU 60,00 % → 45,00 % = −15,00 Pp.; SPD 40,00 % → 45,00 % = +5,00 Pp.
    assert "−15,00 Pp." in html and "+5,00 Pp." in html
    assert re.search(r"2020</th>", html)


def test_staff_pages_need_login_and_role(client, election, make_user, town):
    url = reverse("elections:detail", args=[election.pk])
    assert client.get(url).status_code == 302
    client.force_login(make_user("employee", municipality=town))
    assert client.get(url).status_code == 403


def test_cached_public_page_carries_each_visitors_own_csrf_token(election, officer_a, officer_b):

    enter_and_approve(election, "0101", figures([300, 200, 100]), officer_a, officer_b)
    url = reverse("elections:public_detail", args=[election.pk])
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    token_re = r'name="csrfmiddlewaretoken" value="([^"]+)"'
    t1 = re.search(token_re, first.get(url).content.decode()).group(1)
    page = second.get(url).content.decode()
    t2 = re.search(token_re, page).group(1)
    assert t1 != t2 and "\x00" not in page
    switched = second.post(
        "/i18n/setlang/", {"language": "en", "next": url, "csrfmiddlewaretoken": t2}
    )
    assert switched.status_code == 302


def test_changed_candidates_or_empty_election_never_break_pages(
    client, town, election, officer_a, officer_b
):

    enter_and_approve(election, "0101", figures([300, 200, 100]), officer_a, officer_b)
    Candidate.objects.create(municipality=town, election=election, position=4, name="Neu", party="")
    for url in (
        reverse("elections:public_detail", args=[election.pk]),
        reverse("elections:public_csv", args=[election.pk]),
        f"/api/v1/elections/{election.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert (
        "0 von 3 Bezirken gemeldet"
        in client.get(reverse("elections:public_fragment", args=[election.pk])).content.decode()
    )
    empty = Election.objects.create(
        municipality=town, title="Leer", date=date(2026, 5, 3), status=Election.Status.COUNTING
    )
    for url in (
        reverse("elections:public_detail", args=[empty.pk]),
        reverse("elections:public_csv", args=[empty.pk]),
        f"/api/v1/elections/{empty.pk}",
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(officer_a)
    assert client.get(reverse("elections:detail", args=[empty.pk])).status_code == 200
    assert client.get(reverse("elections:export_csv", args=[empty.pk])).status_code == 200


def test_the_decision_box_speaks_english_to_an_english_visitor(
    client, election, officer_a, officer_b
):
    enter_and_approve(election, "0101", figures([300, 200, 100]), officer_a, officer_b)
    with translation.override("de"):
        html = client.get(
            reverse("elections:public_detail", args=[election.pk]),
            headers={"Accept-Language": "en"},
        ).content.decode()
        api = client.get(
            f"/api/v1/elections/{election.pk}", headers={"Accept-Language": "en"}
        ).json()
    box = html[html.index("elections-decision") : html.index("</section>")]
    assert "Provisional result: 1 of 3 districts reported." in box
    assert "No candidate received more than half of the valid votes" in box
    for german in ("Vorläufig", "gültigen Stimmen", "Stichwahl", "Wahlbezirken", "Bewerber"):
        assert german not in box
    assert api["decision"]["reasons"][0] == "Provisional result: 1 of 3 districts reported."
    assert not any("Stimmen" in r for r in api["decision"]["reasons"])
