"""Paperwork: the PDFs render with the person's data, for those who may see the name."""

from __future__ import annotations

import pytest

from rathaus.staffpool import documents
from rathaus.staffpool.services import matching, requests, secondments

from .conftest import NOW, request_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(pool):
    pool.member(pool.other, login=True)
    req = requests.request_create(
        actor=pool.coordinator, municipality=pool.town, data=request_data(slots=1), now=NOW
    )
    matching.request_match(actor=pool.coordinator, requests=[req], now=NOW)
    s = req.secondments.get()
    secondments.secondment_approve(
        actor=pool.other_coordinator, secondment=s, works_council_on=NOW.date(), now=NOW
    )
    return secondments.secondment_accept(actor=s.member.employee.user, secondment=s, now=NOW)


def test_the_order_names_person_period_and_works_council(accepted):
    html = documents.document_html(accepted, "verfuegung", today=NOW.date())
    assert "Abordnungsverfügung" in html and "Person1" in html
    assert accepted.start.strftime("%d.%m.%Y") in html
    assert NOW.date().strftime("%d.%m.%Y") in html


def test_the_agreement_states_the_cost_share(accepted):
    html = documents.document_html(accepted, "vereinbarung", today=NOW.date())
    assert "70 %" in html


def test_the_pdf_is_a_pdf(accepted, client, pool):
    client.force_login(pool.coordinator)  # the borrower, after acceptance
    response = client.get(f"/personalpool/abordnungen/{accepted.pk}/verfuegung.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_the_helper_gets_where_and_when_as_ics(accepted, client):
    client.force_login(accepted.member.employee.user)
    response = client.get(f"/personalpool/abordnungen/{accepted.pk}/einsatz.ics")
    assert response.status_code == 200
    assert b"BEGIN:VEVENT" in response.content and b"Kontaktnachverfolgung" in response.content


def test_before_approval_there_is_no_paperwork(pool, client):
    pool.member(pool.other)
    req = requests.request_create(
        actor=pool.coordinator, municipality=pool.town, data=request_data(slots=1), now=NOW
    )
    matching.request_match(actor=pool.coordinator, requests=[req], now=NOW)
    s = req.secondments.get()
    client.force_login(pool.coordinator)
    assert client.get(f"/personalpool/abordnungen/{s.pk}/verfuegung.pdf").status_code == 404
