"""Browser: a town asks for help, the matching proposes, the home town approves, the helper
accepts, the paperwork is generated, the home plan shows the absence, the ledger balances."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rathaus.staffpool.models import LedgerEntry, Secondment


def _fits_the_width(page) -> bool:
    """No sideways scrolling of the page, and every table's scroll box needs none either."""
    return page.evaluate(
        """() => document.documentElement.scrollWidth <= document.documentElement.clientWidth
        && [...document.querySelectorAll('.table-wrap')].every(w => w.scrollWidth <= w.clientWidth)"""
    )


def _switch(page, login, username):
    page.context.clear_cookies()  # log the previous person out
    login(page, username)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_request_matching_approval_acceptance_paperwork_and_ledger(
    page, live_server, login, axe_check, pool
):
    today = timezone.localdate()
    window = {
        "available_from": today - timedelta(days=7),
        "available_until": today + timedelta(days=120),
    }
    helper = pool.member(pool.other, login=True, **window)
    pool.member(pool.other, skills=("hotline",), **window)
    start = today + timedelta(days=7 - today.weekday())  # next Monday
    end = start + timedelta(weeks=2, days=-3)

    # The requesting town files a request and lets the matching propose helpers.
    login(page, pool.coordinator.username)
    page.goto(f"{live_server.url}/personalpool/")
    expect(page.get_by_role("heading", name="Personalpool der Region")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Anfragen", exact=True).click()
    axe_check(page)
    page.get_by_role("link", name="Neue Anfrage").click()
    axe_check(page)
    page.get_by_label("Aufgabe", exact=True).fill("Kontaktnachverfolgung Test")
    page.get_by_role("group", name="Pflicht-Qualifikationen").get_by_label(
        "Kontaktnachverfolgung"
    ).check()
    page.get_by_label("Anzahl Personen").fill("1")
    page.get_by_label("mobil (remote)").check()
    page.get_by_label("Beginn", exact=True).fill(start.isoformat())
    page.get_by_label("Ende", exact=True).fill(end.isoformat())
    page.get_by_role("button", name="Anfrage anlegen").click()
    expect(page.get_by_role("heading", name="Kontaktnachverfolgung Test")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Helferinnen und Helfer vorschlagen").click()
    expect(page.get_by_text("Abgleich fertig")).to_be_visible()
    # The requester sees only the helper ID until the helper has accepted.
    expect(page.get_by_role("link", name=helper.pseudonym)).to_be_visible()
    axe_check(page)
    secondment = Secondment.objects.get(member=helper)

    # The home town approves with the works-council step.
    _switch(page, login, pool.other_coordinator.username)
    page.goto(f"{live_server.url}/personalpool/abordnungen/{secondment.pk}/")
    axe_check(page)
    page.get_by_role("button", name="Freigeben").click()
    expect(page.get_by_text("Bitte die markierten Angaben prüfen.")).to_be_visible()
    page.get_by_label("Personalrat beteiligt am").fill(today.isoformat())
    page.get_by_role("button", name="Freigeben").click()
    expect(page.get_by_text("Freigegeben; die Person wird um Zusage gebeten.")).to_be_visible()
    axe_check(page)

    # The helper accepts and gets the paperwork and the calendar entry.
    _switch(page, login, helper.employee.user.username)
    page.goto(f"{live_server.url}/personalpool/meine-einsaetze/")
    axe_check(page)
    page.get_by_role("link", name="Kontaktnachverfolgung Test").click()
    page.get_by_role("button", name="Zusagen").click()
    expect(page.get_by_text("Zugesagt.")).to_be_visible()
    axe_check(page)
    pdf = page.request.get(
        f"{live_server.url}/personalpool/abordnungen/{secondment.pk}/verfuegung.pdf"
    )
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    # The home plan shows the absence "abgeordnet".
    page.goto(f"{live_server.url}/planung/mein-plan/")
    expect(page.get_by_text("abgeordnet").first).to_be_visible()

    # The requester now sees the name; the ledger shows what was lent.
    _switch(page, login, pool.coordinator.username)
    page.goto(f"{live_server.url}/personalpool/abordnungen/{secondment.pk}/")
    expect(page.get_by_role("heading", name="Vorname Person1", exact=False)).to_be_visible()
    page.get_by_role("link", name="Stundenkonto").click()
    expect(page.get_by_role("row", name=pool.other.name).first).to_contain_text("78,0")
    axe_check(page)
    page.get_by_role("link", name="Pool", exact=True).click()
    axe_check(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_case_exchange_offered_booked_and_in_the_ledger(page, live_server, login, axe_check, pool):
    start = timezone.localdate() + timedelta(days=7)
    end = start + timedelta(weeks=3)
    shots = "/tmp/staffpool-shots"

    # The lending town offers hours of a skill for other towns' cases.
    login(page, pool.other_coordinator.username)
    page.goto(f"{live_server.url}/personalpool/fallbearbeitung/")
    axe_check(page)
    page.get_by_label("Qualifikation").select_option("hotline")
    page.get_by_label("Stunden je Woche").fill("25")
    page.get_by_label("von", exact=True).fill(start.isoformat())
    page.get_by_label("bis", exact=True).fill(end.isoformat())
    page.get_by_label("Welche Fälle (z. B. Wohngeldanträge)").fill("Rückrufe Bürgertelefon")
    page.get_by_role("button", name="Angebot veröffentlichen").click()
    expect(page.get_by_text("Angebot veröffentlicht.")).to_be_visible()

    # The borrowing town books it; the hours land in the ledger.
    _switch(page, login, pool.coordinator.username)
    page.goto(f"{live_server.url}/personalpool/fallbearbeitung/")
    axe_check(page)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{shots}-offers-{width}.png", full_page=True)
    # On a phone the offers are cards: nothing scrolls sideways, the booking link is in reach.
    assert _fits_the_width(page)
    booking = page.get_by_role("link", name=f"Buchen bei {pool.other.name}")
    booking.scroll_into_view_if_needed()  # below the fold on a phone, but never cut off sideways
    expect(booking).to_be_in_viewport()
    axe_check(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name=f"Buchen bei {pool.other.name}").click()
    axe_check(page)
    page.get_by_label("Stunden je Woche").fill("30")
    page.get_by_role("button", name="Verbindlich buchen").click()
    expect(page.get_by_text("sind nur noch 25,0 Stunden").first).to_be_visible()
    axe_check(page)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{shots}-book-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Stunden je Woche").fill("20")
    page.get_by_role("button", name="Verbindlich buchen").click()
    expect(page.get_by_text("Fallbearbeitung gebucht")).to_be_visible()
    expect(page.get_by_role("cell", name="Rückrufe Bürgertelefon")).to_be_visible()
    page.goto(f"{live_server.url}/personalpool/stundenkonto/")
    axe_check(page)
    expect(page.get_by_role("row", name=f"{pool.other.name} {pool.town.name}")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 900})
    assert _fits_the_width(page)
    axe_check(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    booked = LedgerEntry.objects.filter(kind="cases", borrower=pool.town)
    assert booked.count() >= 3 and {e.municipality_id for e in booked} == {pool.other.pk}
