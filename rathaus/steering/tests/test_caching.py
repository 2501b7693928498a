"""The cockpit is rendered once per version of the municipality's steering data; every write
through a service (or the admin) makes the next request render the new state."""

import pytest
from django.core.cache import cache

from rathaus.steering import caching
from rathaus.steering.models import CockpitVersion, Project
from rathaus.steering.services.cases import case_comment_add, case_open
from rathaus.steering.services.projects import status_report_submit
from rathaus.steering.tests.conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _open_case(world, title="Kurzarbeit steigt"):
    case, _new = case_open(
        kind="indicator",
        trigger=f"indicator:{world['indicator'].pk}",
        title=title,
        explanation="außerhalb des Toleranzbands",
        assigned_unit=world["finance"],
        indicator=world["indicator"],
        now=NOW,
    )
    return case


def test_a_case_opened_by_a_service_shows_on_the_next_cockpit(client, world):
    client.force_login(world["users"]["mayor"])
    assert "Kurzarbeit steigt" not in client.get("/steuerung/").content.decode()
    _open_case(world)
    assert "Kurzarbeit steigt" in client.get("/steuerung/").content.decode()


def test_the_warm_cockpit_reads_the_stored_rendering(client, world, django_assert_max_num_queries):
    _open_case(world)
    client.force_login(world["users"]["mayor"])
    first = client.get("/steuerung/").content.decode()
    # A change behind the services' back (no new version) is not seen: the page is stored.
    Project.objects.filter(pk=world["project"].pk).update(title="Umbenannt ohne Service")
    with django_assert_max_num_queries(8):
        second = client.get("/steuerung/").content.decode()
    assert "Umbenannt ohne Service" not in second
    assert "Bebauungsplan Güterbahnhof" in first and "Bebauungsplan Güterbahnhof" in second


def test_a_report_makes_a_new_version_for_every_web_process(client, world):
    _open_case(world)
    before = caching.versions([world["project"].municipality_id])
    status_report_submit(
        actor=world["users"]["owner"],
        project=world["project"],
        period=NOW.date().replace(day=1),
        time="red",
        budget="green",
        scope="green",
        risk="green",
        summary="Offenlage verschoben",
        now=NOW,
    )
    after = caching.versions([world["project"].municipality_id])
    # The version lives in the database, so other processes see it without a shared cache.
    assert CockpitVersion.objects.get(municipality_id=world["project"].municipality_id)
    assert before is not None and after is not None and after[0] > before[0]


def test_a_comment_changes_the_version(world):
    case = _open_case(world)
    before = caching.versions([case.municipality_id])
    case_comment_add(actor=world["users"]["treasurer"], case=case, text="Kämmerei prüft", now=NOW)
    assert caching.versions([case.municipality_id])[0] == before[0] + 1


def test_council_members_never_get_the_leadership_rendering(client, world):
    _open_case(world, title="Nur für die Leitung")
    client.force_login(world["users"]["mayor"])
    assert "Nur für die Leitung" in client.get("/steuerung/").content.decode()
    client.force_login(world["users"]["council"])
    page = client.get("/steuerung/").content.decode()
    assert "Nur für die Leitung" not in page


def test_without_a_version_nothing_is_stored(client, world):
    client.force_login(world["users"]["mayor"])
    client.get("/steuerung/")
    Project.objects.filter(pk=world["project"].pk).update(title="Sofort sichtbar")
    assert "Sofort sichtbar" in client.get("/steuerung/").content.decode()
