"""A forum with one place left, in the browser with axe on every page: a citizen registers,
the next one lands on the waiting list, the first cancels by personal link and the second
moves up with an e-mail; a wrong e-mail address is refused at the field; staff see the list."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from rathaus.core.models import Role
from rathaus.participation.models import Audience, Conference
from rathaus.participation.tests.conftest import make_process

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def forum(town, districts, make_user, settings):
    settings.ALTCHA_MAX_NUMBER = 2000
    planner = make_user(Role.PROCESS_PLANNER, municipality=town, username="planerin")
    process = make_process(town, districts, planner, audience=Audience.EVERYONE)
    start = timezone.now() + timedelta(days=10)
    return Conference.objects.create(
        municipality=town,
        process=process,
        kind="forum",
        title="Forum Lokale Wirtschaft",
        summary="Handel, Vereine und Verwaltung an einem Tisch.",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        place="Ratssaal, Markt 1",
        programme="18:00 Begrüßung\n18:15 Impulse aus dem Handel\n19:00 Tischgespräche",
        speakers="Murat Aydın, Inhaber Fahrradladen, Einzelhandelsverband",
        capacity=1,
    )


def _register(page, url, axe_check, *, name, email):
    page.goto(url)
    page.get_by_role("link", name="Forum Lokale Wirtschaft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forum Lokale Wirtschaft")
    axe_check(page)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Ich habe die Hinweise zum Datenschutz gelesen").check()
    expect(page.locator("[data-altcha-status]")).to_have_text("Sicherheitsprüfung abgeschlossen.")
    page.locator("form[data-altcha-form] button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_waiting_list_moves_up_when_someone_cancels(browser, live_server, login, axe_check, forum):
    process_url = f"{live_server.url}/beteiligung/{forum.process_id}/"
    first = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin", viewport=PHONE)
    anna = first.new_page()
    anna.set_default_timeout(90_000)
    _register(anna, process_url, axe_check, name="Anna Schmidt", email="anna@example.org")
    expect(anna.get_by_role("heading", level=1)).to_have_text("Ihre Anmeldung")
    expect(anna.get_by_text("Platz bestätigt").first).to_be_visible()
    axe_check(anna)
    anna_link = anna.url

    second = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin", viewport=PHONE)
    ben = second.new_page()
    ben.set_default_timeout(90_000)
    _register(ben, process_url, axe_check, name="Ben Yıldız", email="kaputt")
    expect(ben.get_by_text("Bitte geben Sie eine gültige E-Mail-Adresse an.")).to_be_visible()
    axe_check(ben)
    expect(ben.get_by_role("button", name="Auf die Warteliste setzen")).to_be_visible()
    ben.get_by_label("E-Mail-Adresse").fill("ben@example.org")
    ben.get_by_label("Ich habe die Hinweise zum Datenschutz gelesen").check()
    expect(ben.locator("[data-altcha-status]")).to_have_text("Sicherheitsprüfung abgeschlossen.")
    ben.get_by_role("button", name="Auf die Warteliste setzen").click()
    expect(ben.get_by_text("Sie sind Nummer 1 auf der Warteliste.")).to_be_visible()
    axe_check(ben)

    mail.outbox.clear()
    anna.goto(anna_link)
    anna.get_by_role("button", name="Anmeldung absagen").click()
    expect(anna.get_by_text("Ihre Anmeldung ist abgesagt.")).to_be_visible()
    ben.reload()
    expect(ben.get_by_text("Platz bestätigt").first).to_be_visible()
    assert [m.to for m in mail.outbox] == [["ben@example.org"]]
    assert "Nachgerückt" in mail.outbox[0].subject
    first.close()
    second.close()

    staff = browser.new_context(locale="de-DE")
    page = staff.new_page()
    login(page, "planerin")
    page.goto(f"{live_server.url}/beteiligung/verwaltung/{forum.process_id}/")
    page.get_by_role("link", name="Forum Lokale Wirtschaft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Anmeldungen")
    expect(page.get_by_role("cell", name="ben@example.org")).to_be_visible()
    expect(page.get_by_role("cell", name="Abgesagt")).to_be_visible()
    axe_check(page)
    page.screenshot(path="/tmp/p14_staff_conference.png", full_page=True)
    assert re.search(r"1 von 1 Plätzen vergeben, 0 auf der Warteliste", page.content())
    staff.close()
