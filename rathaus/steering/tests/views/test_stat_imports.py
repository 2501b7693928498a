"""The pages of the Open SDG, BA Excel and SDG-Portal CSV imports: preview, then confirm."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rathaus.core.models import AuditEntry, Role
from rathaus.steering.models import IndicatorValue
from rathaus.steering.tests.conftest import build_world
from rathaus.steering.tests.services.test_bundesagentur import good
from rathaus.steering.tests.services.test_sdgportal import PORTAL

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_ba_table_is_previewed_with_preselected_indicators_then_stored(
    client, world, ba_indicators
):
    client.force_login(world["users"]["mayor"])
    page = client.get("/steuerung/").content.decode()
    assert "/steuerung/import/bundesagentur/" in page and "/steuerung/import/sdg-portal/" in page
    page = client.get("/steuerung/import/bundesagentur/").content.decode()
    assert "Tabelle der Bundesagentur für Arbeit importieren" in page
    post = {f"kind_{key}": indicator.pk for key, indicator in ba_indicators.items()}
    post["file"] = SimpleUploadedFile("gemeindedaten.xlsx", good(), content_type=XLSX)
    before = IndicatorValue.objects.count()
    response = client.post("/steuerung/import/bundesagentur/", post)
    page = response.content.decode()
    assert response.status_code == 200, page
    assert "18.123" in page and "20.456" in page and "anonymisiert (Geheimhaltung)" in page
    assert "Werte übernehmen" in page and IndicatorValue.objects.count() == before
    response = client.post("/steuerung/import/bundesagentur/", {"confirm": "1"})
    assert response.status_code == 302
    assert IndicatorValue.objects.count() == before + 3
    stored = IndicatorValue.objects.get(indicator=ba_indicators["arbeitslose"])
    assert (stored.ref_date, stored.value) == (date(2025, 6, 1), 3100.0)
    assert AuditEntry.objects.filter(summary__startswith="BA-Import: 3 neu").exists()
    response = client.post("/steuerung/import/bundesagentur/", {"confirm": "1"}, follow=True)
    assert "Die Vorschau ist abgelaufen" in response.content.decode()


def test_a_wrong_file_type_stays_at_the_field_and_others_may_not_import(
    client, world, ba_indicators
):
    client.force_login(world["users"]["mayor"])
    upload = SimpleUploadedFile("gemeindedaten.xls", b"\xd0\xcf\x11\xe0")
    response = client.post("/steuerung/import/bundesagentur/", {"file": upload})
    assert response.status_code == 400
    assert "ältere .xls-Datei bitte in Excel als .xlsx speichern" in response.content.decode()
    upload = SimpleUploadedFile("kaputt.xlsx", b"not a zip")
    response = client.post("/steuerung/import/bundesagentur/", {"file": upload})
    assert response.status_code == 400
    assert "Die Excel-Datei kann nicht gelesen werden." in response.content.decode()
    client.force_login(world["users"]["owner"])
    assert client.get("/steuerung/import/bundesagentur/").status_code == 403
    assert client.get("/steuerung/import/sdg-portal/").status_code == 403


def test_an_sdg_file_is_mapped_in_the_preview_and_a_wrong_choice_is_refused(
    client, world, herten_rate
):
    client.force_login(world["users"]["mayor"])
    upload = SimpleUploadedFile("sdg-portal.csv", PORTAL.encode("cp1252"))
    response = client.post("/steuerung/import/sdg-portal/", {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200, page
    assert "Flächeninanspruchnahme" in page and 'name="map_7"' in page
    assert f'<option value="{herten_rate.pk}" selected>' in page  # known by name
    before = IndicatorValue.objects.count()
    # mapping the area indicator by hand onto a percentage is refused, nothing stored
    response = client.post(
        "/steuerung/import/sdg-portal/",
        {"confirm": "1", "map_6": herten_rate.pk, "map_7": herten_rate.pk},
    )
    assert response.status_code == 400
    assert "passt nicht zur Kennzahl" in response.content.decode()
    assert IndicatorValue.objects.count() == before
    response = client.post(
        "/steuerung/import/sdg-portal/", {"confirm": "1", "map_6": herten_rate.pk, "map_7": ""}
    )
    assert response.status_code == 302
    assert IndicatorValue.objects.count() == before + 2


def _ba_upload(ba_indicators):
    post = {f"kind_{key}": indicator.pk for key, indicator in ba_indicators.items()}
    post["file"] = SimpleUploadedFile("gemeindedaten.xlsx", good(), content_type=XLSX)
    return post


@pytest.mark.parametrize(
    ("url", "upload", "confirm"),
    [
        (
            "/steuerung/import/open-sdg/",
            lambda world, _ba, _rate: {
                "indicator": world["indicator"].pk,
                "file": SimpleUploadedFile("i.csv", b"Year,Value\n2019,410\n2020,415\n"),
            },
            (),
        ),
        ("/steuerung/import/bundesagentur/", lambda _w, ba, _r: _ba_upload(ba), ()),
        (
            "/steuerung/import/sdg-portal/",
            lambda _w, _ba, rate: {"file": SimpleUploadedFile("p.csv", PORTAL.encode())},
            ("map_6",),
        ),
    ],
    ids=["open-sdg", "bundesagentur", "sdg-portal"],
)
def test_a_preview_is_not_stored_into_the_town_a_region_admin_switched_to(
    client,
    world,
    ba_indicators,
    herten_rate,
    region,
    town,
    other_town,
    make_user,
    url,
    upload,
    confirm,
):
    build_world(other_town, make_user)  # the other town has indicators of the same names
    admin = make_user(Role.LEADERSHIP, Role.REGION_ADMIN, region=region, username="kreis")
    client.force_login(admin)
    client.post("/stammdaten/kommune-wechseln/", {"municipality": town.pk})
    response = client.post(url, upload(world, ba_indicators, herten_rate))
    assert response.status_code == 200, response.content.decode()
    assert "Werte übernehmen" in response.content.decode()
    before = IndicatorValue.objects.count()
    client.post("/stammdaten/kommune-wechseln/", {"municipality": other_town.pk})
    post = {"confirm": "1", **dict.fromkeys(confirm, herten_rate.pk)}
    response = client.post(url, post, follow=True)
    assert "Die Vorschau ist abgelaufen" in response.content.decode()
    assert IndicatorValue.objects.count() == before
    # switching back does not bring the preview back: it was for one confirmation only
    client.post("/stammdaten/kommune-wechseln/", {"municipality": town.pk})
    response = client.post(url, post, follow=True)
    assert "Die Vorschau ist abgelaufen" in response.content.decode()
    assert IndicatorValue.objects.count() == before
