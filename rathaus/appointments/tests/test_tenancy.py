"""Cross-tenant check of this app's citizen URLs and API with the tenancy samples."""

import itertools
import re

import pytest
from django.urls import URLPattern, get_resolver

from rathaus.appointments.models import Appointment, WaitingListEntry
from rathaus.appointments.tests import tenancy_samples
from rathaus.core.models import Role

MARKER = "GEHEIM-7d3f"


def _patterns():
    resolver = get_resolver()
    for top in resolver.url_patterns:
        if getattr(top, "namespace", None) == "appointments":
            for p in top.url_patterns:
                if isinstance(p, URLPattern) and not (p.name or "").startswith("staff"):
                    yield "/termine/" + str(p.pattern)


def _fill(route, values):
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    options = [values.get(n, ["1"]) for n in names]
    for combo in itertools.product(*options):
        url = route
        for name, value in zip(names, combo, strict=True):
            url = re.sub(rf"<(?:\w+:)?{name}>", str(value), url, count=1)
        yield url


@pytest.mark.django_db
def test_other_municipality_never_sees_or_changes_rows(client, town, other_town, make_user):
    values = tenancy_samples.create(town, MARKER)
    intruder = make_user(*[r.value for r in Role], municipality=other_town)
    client.force_login(intruder)
    before = sorted(Appointment.objects.values_list("id", "status", "start", "citizen_email"))
    entries_before = sorted(WaitingListEntry.objects.values_list("id", "status"))
    api = [
        "/api/v1/appointments/appointments/<token>",
        "/api/v1/appointments/appointments/<token>/cancel",
        "/api/v1/appointments/offers/<token>/accept",
        "/api/v1/appointments/waiting-list/<token>/confirm",
    ]
    for route in [*_patterns(), *api]:
        for url in _fill(route, values):
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code < 500, (method, url)
                assert MARKER not in response.content.decode(errors="ignore"), (method, url)
    assert (
        sorted(Appointment.objects.values_list("id", "status", "start", "citizen_email")) == before
    )
    assert sorted(WaitingListEntry.objects.values_list("id", "status")) == entries_before
