"""Case exchange: a town offers hours of a skill, another town books them, the ledger counts."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from rathaus.core.models import AuditEntry
from rathaus.core.problems import DomainError
from rathaus.staffpool import selectors
from rathaus.staffpool.models import CaseOffer, LedgerEntry
from rathaus.staffpool.services import cases, requests

from .conftest import MONDAY, NOW, request_data

pytestmark = pytest.mark.django_db


def _offer(pool, hours="40", **kw):
    data = {
        "skill": "contact_tracing",
        "hours_per_week": Decimal(hours),
        "start": MONDAY,
        "end": MONDAY + timedelta(weeks=4, days=-3),
        "note": "Kontaktpersonen nachtelefonieren",
    }
    data.update(kw)
    return cases.offer_create(
        actor=pool.other_coordinator, municipality=pool.other, data=data, now=NOW
    )


def _book(pool, offer, hours="20", **kw):
    data = {"hours_per_week": Decimal(hours), "start": MONDAY, "end": offer.end, "note": "Wohngeld"}
    data.update(kw)
    return cases.offer_book(
        actor=pool.coordinator, offer=offer, borrower=pool.town, data=data, now=NOW
    )


def test_a_booked_offer_lands_in_the_ledger_of_both_towns(pool):
    offer = _offer(pool)
    booking = _book(pool, offer)
    rows = LedgerEntry.objects.filter(case_booking=booking)
    assert [r.hours for r in rows] == [Decimal("20.0")] * 4
    assert {(r.municipality_id, r.borrower_id, r.kind) for r in rows} == {
        (pool.other.pk, pool.town.pk, "cases")
    }
    balances = {
        b.name: b for b in selectors.balances(pool.coordinator, today=MONDAY + timedelta(weeks=5))
    }
    assert balances[pool.other.name].lent == Decimal("80.0")
    assert balances[pool.town.name].borrowed == Decimal("80.0")
    for town in (pool.town, pool.other):
        assert AuditEntry.objects.filter(
            municipality=town, summary__startswith="Fallbearbeitung gebucht"
        ).exists()


def test_bookings_cannot_take_more_than_is_offered_in_any_week(pool):
    offer = _offer(pool)
    _book(pool, offer, hours="30", end=MONDAY + timedelta(days=4))  # first week only
    assert selectors.case_free_hours(offer) == Decimal("10")
    assert selectors.case_free_hours(offer, start=MONDAY + timedelta(weeks=1)) == Decimal("40")
    with pytest.raises(DomainError, match="nur noch 10"):
        _book(pool, offer, hours="20")
    _book(pool, offer, hours="40", start=MONDAY + timedelta(weeks=1))
    assert selectors.case_free_hours(offer) == Decimal("0")


@pytest.mark.parametrize(
    ("language", "hours", "period"),
    [
        ("de", "nur noch 27,5 Stunden je Woche frei", "Bitte innerhalb des Angebots buchen: "),
        ("en", "Only 27.5 hours per week are still free", "Please book within the offer: "),
    ],
)
def test_refusals_write_numbers_and_dates_the_way_the_language_does(pool, language, hours, period):
    offer = _offer(pool)
    _book(pool, offer, hours="12.5")
    with translation.override(language):
        with pytest.raises(DomainError) as too_much:
            _book(pool, offer, hours="30")
        with pytest.raises(DomainError) as outside:
            _book(pool, offer, end=offer.end + timedelta(days=7))
    assert hours in too_much.value.message
    expected = period + (
        f"{offer.start:%d.%m.%Y} bis {offer.end:%d.%m.%Y}."
        if language == "de"
        else f"{offer.start.day} {offer.start:%b %Y} to {offer.end.day} {offer.end:%b %Y}."
    )
    assert outside.value.message == expected


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start": MONDAY - timedelta(days=1)}, "innerhalb des Angebots"),
        ({"end": MONDAY + timedelta(weeks=8)}, "innerhalb des Angebots"),
        ({"start": NOW.date() - timedelta(days=7), "end": NOW.date()}, "Vergangenheit"),
    ],
)
def test_bookings_outside_the_offer_or_in_the_past_are_refused(pool, change, message):
    offer = _offer(pool)
    if "start" in change and change["start"] < NOW.date():
        offer.start = NOW.date() - timedelta(weeks=2)  # an offer running since two weeks
        offer.save()
    with pytest.raises(DomainError, match=message):
        _book(pool, offer, **change)
    assert not LedgerEntry.objects.exists()


def test_own_and_withdrawn_offers_cannot_be_booked(pool):
    offer = _offer(pool)
    with pytest.raises(DomainError, match="andere Kommune"):
        cases.offer_book(
            actor=pool.other_coordinator,
            offer=offer,
            borrower=pool.other,
            data={"hours_per_week": Decimal("1"), "start": MONDAY, "end": MONDAY},
            now=NOW,
        )
    cases.offer_withdraw(actor=pool.other_coordinator, offer=offer)
    with pytest.raises(DomainError, match="zurückgezogen"):
        _book(pool, offer)


def test_an_offer_in_the_past_is_refused(pool):
    with pytest.raises(DomainError, match="Vergangenheit"):
        _offer(pool, start=NOW.date() - timedelta(weeks=3), end=NOW.date() - timedelta(days=1))


def test_the_whole_flow_through_the_pages(client, pool, settings):
    settings.LANGUAGE_CODE = "de"
    client.force_login(pool.other_coordinator)
    page = reverse("staffpool:case_exchange")
    start, end = NOW.date() + timedelta(days=7), NOW.date() + timedelta(days=34)
    response = client.post(
        page,
        {"skill": "hotline", "hours_per_week": "25", "start": start, "end": end, "note": "Anrufe"},
    )
    assert response.status_code == 302
    offer = CaseOffer.objects.get()
    client.force_login(pool.coordinator)
    listing = client.get(page).content.decode()
    assert (
        "Bürgertelefon" in listing
        and reverse("staffpool:case_offer_book", args=[offer.pk]) in listing
    )
    book = reverse("staffpool:case_offer_book", args=[offer.pk])
    assert client.post(book, {}).status_code == 200  # nothing chosen: the form answers
    too_much = client.post(book, {"hours_per_week": "30", "start": start, "end": end})
    assert "nur noch 25,0 Stunden" in too_much.content.decode()
    ok = client.post(book, {"hours_per_week": "25", "start": start, "end": end, "note": "Rückrufe"})
    assert ok.status_code == 302
    assert LedgerEntry.objects.filter(case_booking__offer=offer, borrower=pool.town).count() == 4
    after = client.get(page).content.decode()
    assert "Rückrufe" in after
    # the lender withdraws; another town's coordinator could not
    assert client.post(reverse("staffpool:case_offer_withdraw", args=[offer.pk])).status_code == 404
    client.force_login(pool.other_coordinator)
    client.post(reverse("staffpool:case_offer_withdraw", args=[offer.pk]))
    offer.refresh_from_db()
    assert offer.status == "withdrawn"


def test_the_request_page_offers_case_exchange_for_its_skills(client, pool):
    pool.member(pool.other)
    _offer(pool)
    _offer(pool, skill="it_support")
    req = requests.request_create(
        actor=pool.coordinator, municipality=pool.town, data=request_data(), now=NOW
    )
    client.force_login(pool.coordinator)
    html = client.get(reverse("staffpool:request_detail", args=[req.pk])).content.decode()
    assert "Statt Abordnung: Fallbearbeitung buchen" in html
    assert "Kontaktpersonen nachtelefonieren" in html and "IT-Unterstützung" not in html


def test_the_quarterly_settlement_downloads_with_formula_cells_neutralised(client, pool):
    pool.other.name = '=HYPERLINK("http://example.org","Beispiel")'
    pool.other.save(update_fields=["name"])
    _book(pool, _offer(pool), hours="20")
    client.force_login(pool.coordinator)
    quarter = {"jahr": MONDAY.year, "quartal": (MONDAY.month - 1) // 3 + 1}
    csv_text = client.get("/personalpool/stundenkonto/abrechnung.csv", quarter).content.decode()
    (_, (lender, borrower, hours, amount)) = csv.reader(io.StringIO(csv_text), delimiter=";")
    assert lender.startswith("'=HYPERLINK") and borrower == pool.town.name
    assert hours == "80,0" and "," in amount
    xlsx = client.get("/personalpool/stundenkonto/abrechnung.xlsx", quarter)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [c.value for c in sheet[2]]
    assert str(cells[0]).startswith("'=HYPERLINK") and sheet["A2"].data_type == "s"
    assert cells[1:3] == [pool.town.name, 80.0]
