"""District map: GeoJSON import (all or nothing, line numbers), the map with its list
alternative, ideas placed by a click on the picker image."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rathaus.core.models import Role
from rathaus.participation.models import District, Idea
from rathaus.participation.tests.test_views import join_in_browser_session

pytestmark = pytest.mark.django_db

NORD = [[9.47, 52.305], [9.53, 52.305], [9.53, 52.325], [9.47, 52.325], [9.47, 52.305]]
SUED = [[9.47, 52.285], [9.53, 52.285], [9.53, 52.305], [9.47, 52.305], [9.47, 52.285]]


def geojson(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, indent=2).encode()


def feature(code, ring, name=None):
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name or code},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def upload(client, data: bytes):
    return client.post(
        reverse("participation:outlines"),
        {"file": SimpleUploadedFile("stadtteile.geojson", data, "application/geo+json")},
    )


@pytest.fixture
def outlined(client, planner, districts):
    client.force_login(planner)
    response = upload(
        client, geojson(feature("NORD", NORD, "Nordviertel"), feature("SUED", SUED, "Südfeld"))
    )
    assert response.status_code == 302
    client.logout()
    return districts


def test_import_sets_outlines_and_creates_new_districts(client, planner, districts):
    client.force_login(planner)
    page = upload(
        client, geojson(feature("NORD", NORD, "Nordviertel"), feature("OST", SUED, "Oststadt"))
    )
    assert page.status_code == 302
    assert District.objects.get(code="NORD").geometry["type"] == "Polygon"
    assert District.objects.get(code="OST").name == "Oststadt"
    assert District.objects.get(code="SUED").geometry is None  # not in the file: unchanged


def test_a_bad_feature_refuses_the_whole_file_with_its_line(client, planner, districts):
    client.force_login(planner)
    bow_tie = [[9.47, 52.30], [9.5, 52.32], [9.5, 52.30], [9.47, 52.32], [9.47, 52.30]]
    data = geojson(feature("NORD", NORD), feature("SUED", bow_tie))
    starts = [n for n, line in enumerate(data.decode().splitlines(), 1) if line == "    {"]
    page = upload(client, data)
    body = page.content.decode()
    assert page.status_code == 400
    assert "Nichts übernommen" in body and "Stadtteil 2 (SUED)" in body
    assert f"Zeile {starts[1]}:" in body
    assert not District.objects.exclude(geometry=None).exists()
    page = upload(client, b'{"type": "FeatureCollection", "features": [}')
    assert "Zeile 1" in page.content.decode() and "kein gültiges JSON" in page.content.decode()


def test_import_needs_the_planner_role(client, make_user, town, districts):
    client.force_login(make_user(Role.MODERATOR, municipality=town))
    assert client.get(reverse("participation:outlines")).status_code == 403


def test_districts_page_shows_the_map_with_links_to_the_list(client, town, outlined, process):
    body = client.get(reverse("participation:districts", args=[town.slug])).content.decode()
    nord = outlined["NORD"]
    assert f'href="/beteiligung/kommune/{town.slug}/stadtteile/#stadtteil-{nord.pk}"' in body
    assert f'id="stadtteil-{nord.pk}"' in body  # the list alternative it links to
    assert "<title>Nordviertel</title>" in body and "https://" not in body.split("<svg")[1][:2000]


def test_a_click_on_the_picker_places_the_idea_and_keeps_the_text(client, outlined, process):
    join_in_browser_session(client, process, street="Lindenstraße", house_number="12")
    url = reverse("participation:idea_new", args=[process.pk])
    page = client.get(url).content.decode()
    assert 'type="image" name="karte"' in page
    picker = client.get(reverse("participation:picker_svg", args=[process.pk]))
    assert picker["Content-Type"] == "image/svg+xml" and b"<path" in picker.content
    # the picker is 360 px wide; a click near the top middle lies in the Nordviertel
    picked = client.post(
        url, {"title": "Bank", "body": "Eine Bank", "karte.x": "180", "karte.y": "60"}
    )
    body = picked.content.decode()
    assert "Ort gewählt" in body and 'value="Bank"' in body
    lon = float(body.split('name="longitude" value="')[1].split('"')[0].replace(",", "."))
    lat = float(body.split('name="latitude" value="')[1].split('"')[0].replace(",", "."))
    client.post(url, {"title": "Bank", "body": "Eine Bank", "longitude": lon, "latitude": lat})
    idea = Idea.objects.get(title="Bank")
    assert idea.placed and idea.district == outlined["NORD"]
    detail = client.get(reverse("participation:idea", args=[idea.pk])).content.decode()
    assert f"{idea.reference}: Bank</title>" in detail
    listing = client.get(reverse("participation:process", args=[process.pk])).content.decode()
    assert "auf der Karte" in listing and f"{idea.reference}: Bank</title>" in listing


def test_a_place_outside_every_district_is_refused_at_the_field(client, outlined, process):
    join_in_browser_session(client, process, street="Lindenstraße", house_number="12")
    url = reverse("participation:idea_new", args=[process.pk])
    missed = client.post(
        url, {"title": "X", "body": "Y", "karte.x": "0", "karte.y": "0"}, follow=True
    )
    assert "Dort ist kein Stadtteil" in missed.content.decode()
    forged = client.post(url, {"title": "X", "body": "Y", "longitude": "13.4", "latitude": "52.5"})
    assert "liegt in keinem Stadtteil" in forged.content.decode()
    assert not Idea.objects.filter(title="X").exists()
