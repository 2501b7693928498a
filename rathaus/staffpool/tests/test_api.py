"""API: pseudonymised pool, problem+json refusals, matching and the ledger."""

from __future__ import annotations

import pytest
from django.utils import timezone

from rathaus.core.models import Employee
from rathaus.staffpool.services import requests

from .conftest import NOW, promise_with_figures, request_data

pytestmark = pytest.mark.django_db


def test_members_of_other_towns_come_without_names(client, pool):
    foreign = pool.member(pool.other)
    own = pool.member(pool.town)
    client.force_login(pool.coordinator)
    body = client.get("/api/v1/staffpool/members").json()
    by_id = {m["helper_id"]: m for m in body}
    assert by_id[foreign.pseudonym]["name"] is None
    assert by_id[own.pseudonym]["name"] == "Vorname Person2"
    assert "Person1" not in str(body)


def test_matching_and_an_approval_without_works_council_step(client, pool):
    pool.member(pool.other, login=True)
    req = requests.request_create(
        actor=pool.coordinator, municipality=pool.town, data=request_data(slots=1), now=NOW
    )
    client.force_login(pool.coordinator)
    match = client.post(f"/api/v1/staffpool/requests/{req.pk}/match")
    assert match.status_code == 200 and match.json()["proposed"] == 1
    (s,) = client.get("/api/v1/staffpool/secondments").json()
    client.force_login(pool.other_coordinator)
    refused = client.post(
        f"/api/v1/staffpool/secondments/{s['id']}/approve",
        data={"works_council_on": None},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    ok = client.post(
        f"/api/v1/staffpool/secondments/{s['id']}/approve",
        data={"works_council_on": "2031-02-20"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "approved"


def test_the_requester_cannot_approve_for_the_home_town(client, pool):
    pool.member(pool.other)
    req = requests.request_create(
        actor=pool.coordinator, municipality=pool.town, data=request_data(slots=1), now=NOW
    )
    client.force_login(pool.coordinator)
    client.post(f"/api/v1/staffpool/requests/{req.pk}/match")
    (s,) = client.get("/api/v1/staffpool/secondments").json()
    response = client.post(
        f"/api/v1/staffpool/secondments/{s['id']}/approve",
        data={"works_council_on": "2031-02-20"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_the_ledger_needs_its_permission(client, pool, make_user, town):
    client.force_login(make_user("clerk", municipality=town))
    assert client.get("/api/v1/staffpool/ledger").status_code == 403
    client.force_login(pool.coordinator)
    assert client.get("/api/v1/staffpool/ledger").status_code == 200


def test_the_settlement_downloads_as_csv_and_excel(client, pool):
    client.force_login(pool.coordinator)
    csv = client.get("/personalpool/stundenkonto/abrechnung.csv?jahr=2031&quartal=1")
    assert csv.status_code == 200 and csv.content.startswith("\ufeff".encode())
    xlsx = client.get("/personalpool/stundenkonto/abrechnung.xlsx?jahr=2031&quartal=9")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_an_approval_that_puts_the_lenders_promise_at_risk_needs_the_acknowledgment(client, pool):
    helper = pool.member(pool.other, login=True)
    Employee.objects.filter(pk=helper.employee_id).update(job_role=Employee.JobRole.CLERK)
    promise_with_figures(pool.other, successes=140, today=timezone.localdate())
    req = requests.request_create(
        actor=pool.coordinator, municipality=pool.town, data=request_data(slots=1), now=NOW
    )
    client.force_login(pool.coordinator)
    client.post(f"/api/v1/staffpool/requests/{req.pk}/match")
    (s,) = client.get("/api/v1/staffpool/secondments").json()
    client.force_login(pool.other_coordinator)
    url = f"/api/v1/staffpool/secondments/{s['id']}/approve"
    refused = client.post(
        url, data={"works_council_on": "2031-02-20"}, content_type="application/json"
    )
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "below_standard"
    ok = client.post(
        url,
        data={"works_council_on": "2031-02-20", "standard_override": True},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
