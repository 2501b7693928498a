"""Walks every URL pattern and API path of the URL conf as a user of *another* municipality.

The user holds every role of their own municipality. For each pattern the path parameters are
filled with values pointing at rows of the victim municipality (from each app's
tests/tenancy_samples.py). No response may contain the victim's marker, none may be a 5xx, and
unsafe requests must leave the victim's rows unchanged.
"""

import importlib
import re

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from rathaus.core.admin import site
from rathaus.core.models import Role, TenantModel

MARKER = "Geheimsache4711"
SAMPLE_APPS = [
    "core",
    "appointments",
    "presence",
    "elections",
    "steering",
    "meetings",
    "participation",
    "staffpool",
    "standards",
]
# Paths that are not tenant data at all (static files, docs UI assets).
SKIP = re.compile(r"^(static/|media/|i18n/|api/docs|api/openapi\.json|healthz)")
# The admin is covered by its own test (test_admin_scoping); it has hundreds of generated URLs.
ADMIN = re.compile(r"^admin/")


def iter_patterns(resolvers, prefix=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            yield from iter_patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


CONVERTER = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def fill(route: str, samples: dict[str, list]):
    """All concrete paths for a route pattern (Django route syntax or ninja's)."""
    names = [m.group("name") for m in CONVERTER.finditer(route)]
    if not names:
        return [route]
    paths = []
    for index in range(
        max(len(samples.get(n, [])) for n in names) if all(n in samples for n in names) else 0
    ):
        path = route
        for name in names:
            values = samples[name]
            path = CONVERTER.sub(
                lambda m, name=name, v=values[index % len(values)]: (
                    str(v) if m.group("name") == name else m.group(0)
                ),
                path,
                count=0,
            )
        paths.append(path)
    return paths


def tenant_fingerprint(municipality):
    rows = []
    for model in apps.get_models():
        if issubclass(model, TenantModel):
            rows.append(
                (
                    model._meta.label,
                    sorted(map(repr, model.objects.filter(municipality=municipality).values())),
                )
            )
    return rows


@pytest.fixture
def victim_samples(other_town):
    samples: dict[str, list] = {}
    for app in SAMPLE_APPS:
        try:
            module = importlib.import_module(f"rathaus.{app}.tests.tenancy_samples")
        except ModuleNotFoundError:
            continue
        for key, values in module.create(other_town, MARKER).items():
            samples.setdefault(key, []).extend(values)
    return samples


@pytest.mark.django_db
def test_no_url_leaks_or_changes_other_municipality(
    client, town, other_town, victim_samples, make_user
):
    attacker = make_user(*[r.value for r in Role if r != Role.REGION_ADMIN], municipality=town)
    client.force_login(attacker)
    before = tenant_fingerprint(other_town)
    routes = [
        (route, p)
        for route, p in iter_patterns(get_resolver().url_patterns)
        if not SKIP.match(route) and not ADMIN.match(route)
    ]
    assert len(routes) > 10, "the URL conf walk found suspiciously few routes"
    unfilled = []
    visited = 0
    for route, _pattern in routes:
        route = route.replace("^", "").replace("$", "")
        paths = fill(route, victim_samples)
        if not paths:
            unfilled.append(route)
            continue
        for path in paths:
            url = "/" + path
            for method in ("get", "post", "put", "patch", "delete"):
                # A logout route ends the session; every request must still be the attacker's.
                client.force_login(attacker)
                if method == "get":
                    response = client.get(url)
                elif method == "post":
                    response = client.post(url, data={})
                else:
                    response = getattr(client, method)(
                        url, data="{}", content_type="application/json"
                    )
                visited += 1
                assert response.status_code < 500, (
                    f"{method.upper()} {url} -> {response.status_code}"
                )
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                assert MARKER.encode() not in body, (
                    f"{method.upper()} {url} leaks data of another municipality"
                )
    assert not unfilled, f"routes without tenancy samples for their parameters: {unfilled}"
    assert tenant_fingerprint(other_town) == before, (
        "unsafe requests changed another municipality's rows"
    )
    assert visited > 50


@pytest.mark.django_db
def test_admin_is_scoped_to_own_municipality(client, town, other_town, victim_samples, make_user):
    """Every admin model of a tenant: lists show no foreign rows, foreign detail pages don't open."""

    client.force_login(make_user(Role.MUNICIPALITY_ADMIN, municipality=town))
    checked = 0
    for model in site._registry:
        if not issubclass(model, TenantModel):
            continue
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        changelist = client.get(base)
        assert changelist.status_code == 200, base
        assert MARKER.encode() not in changelist.content, (
            f"{base} lists another municipality's data"
        )
        add = client.get(base + "add/")
        assert MARKER.encode() not in add.content, f"{base}add/ offers another municipality's rows"
        for victim in model.objects.filter(municipality=other_town)[:3]:
            detail = client.get(f"{base}{victim.pk}/change/")
            assert detail.status_code in (302, 403, 404), f"{base}{victim.pk}/change/ opened"
            checked += 1
    assert checked >= 5
