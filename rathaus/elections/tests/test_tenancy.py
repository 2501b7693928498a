"""Tenancy: an election officer of another municipality can neither see nor change anything."""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from rathaus.core.api.auth import hash_token
from rathaus.core.models import ApiToken, Role
from rathaus.elections.models import Correction, Election, LotDrawing, Result
from rathaus.elections.services.results import result_enter

from . import tenancy_samples
from .conftest import district, figures

pytestmark = pytest.mark.django_db

ALL_ROLES = [r.value for r in Role]


def _rows(town):
    return (
        list(Election.objects.filter(municipality=town).order_by("pk").values())
        + list(Result.objects.filter(municipality=town).order_by("pk").values())
        + list(Correction.objects.filter(municipality=town).order_by("pk").values())
        + list(LotDrawing.objects.filter(municipality=town).order_by("pk").values())
    )


def test_officer_of_other_town_cannot_enter_or_approve(
    client, election, officer_a, make_user, other_town
):

    d = district(election, "0101")
    result_enter(result=d.result, actor=officer_a, figures=figures([3, 2, 1]))
    stranger = make_user(Role.ELECTION_OFFICER, municipality=other_town)
    client.force_login(stranger)
    before = _rows(election.municipality)
    assert client.get(reverse("elections:detail", args=[election.pk])).status_code == 404
    assert client.get(reverse("elections:enter", args=[election.pk, d.pk])).status_code == 404
    assert client.post(reverse("elections:approve", args=[election.pk, d.pk])).status_code == 404
    assert client.get(reverse("elections:approve", args=[election.pk, d.pk])).status_code == 404
    for name in ("edit", "districts", "import_districts", "finalize"):
        assert client.get(reverse(f"elections:{name}", args=[election.pk])).status_code == 404
    assert client.post(reverse("elections:publish", args=[election.pk])).status_code == 404
    remove = reverse("elections:district_remove", args=[election.pk, d.pk])
    assert client.post(remove).status_code == 404
    assert client.post(reverse("elections:runoff", args=[election.pk])).status_code == 404
    raw = ApiToken.new_secret()
    ApiToken.objects.create(user=stranger, name="t", token_hash=hash_token(raw))
    auth = {"Authorization": f"Bearer {raw}"}
    r = client.post(
        f"/api/v1/elections/{election.pk}/districts/{d.pk}/approve",
        data="{}",
        content_type="application/json",
        headers=auth,
    )
    assert r.status_code == 404 and r["Content-Type"] == "application/problem+json"
    r = client.put(
        f"/api/v1/elections/{election.pk}/districts/{d.pk}/result",
        data=json.dumps({"B": 1}),
        content_type="application/json",
        headers=auth,
    )
    assert r.status_code == 404
    assert _rows(election.municipality) == before
    assert "Altstadt" not in client.get(reverse("elections:index")).content.decode()


def _patterns(resolver, prefix=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def test_generic_walk_with_samples(client, town, other_town, make_user):
    """The project-wide test in miniature: every elections URL, all roles, another town."""
    marker = "GEHEIM-7f3a"
    values = tenancy_samples.create(town, marker)
    before = _rows(town)
    intruder = make_user(*ALL_ROLES, municipality=other_town)
    client.force_login(intruder)
    urls = []
    for route, _p in _patterns(get_resolver()):
        if not (route.startswith("wahlen/") or route.startswith("api/")):
            continue
        names = [n for n in values if f"<int:{n}>" in route or f"<slug:{n}>" in route]
        if route.startswith("api/"):
            continue  # API paths are checked below
        if not names:
            urls.append("/" + route)
            continue
        url = "/" + route
        for n in names:
            url = url.replace(f"<int:{n}>", str(values[n][0])).replace(
                f"<slug:{n}>", str(values[n][0])
            )
        urls.append(url)
        if "district_id" in names:
            for did in values["district_id"]:
                urls.append(
                    ("/" + route)
                    .replace("<int:election_id>", str(values["election_id"][0]))
                    .replace("<int:district_id>", str(did))
                )
    api = (
        [f"/api/v1/elections/{eid}" for eid in values["election_id"]]
        + [f"/api/v1/elections/{eid}/csv" for eid in values["election_id"]]
        + ["/api/v1/elections/"]
    )
    for url in urls + api:
        for method in ("get", "post", "put", "delete"):
            response = getattr(client, method)(url)
            assert response.status_code < 500, (method, url)
            assert marker not in response.content.decode("utf-8", "replace"), (method, url)
    for eid in values["election_id"]:
        for did in values["district_id"]:
            r = client.put(
                f"/api/v1/elections/{eid}/districts/{did}/result",
                data=json.dumps({"B": 1}),
                content_type="application/json",
            )
            assert r.status_code in (403, 404) and marker not in r.content.decode()
            r = client.post(f"/api/v1/elections/{eid}/districts/{did}/approve")
            assert r.status_code in (403, 404)
    assert _rows(town) == before
