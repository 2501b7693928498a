"""Questions for an event and the online link, in the browser with axe on every page: a
resident joins, asks a question, a neighbour supports it (the list orders by support), the
moderator marks it answered and hides an advertisement with a reason; a confirmed
registration sees the join button shortly before the start. Phone width."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rathaus.core.models import Role
from rathaus.participation.models import Conference
from rathaus.participation.tests.conftest import make_process
from rathaus.participation.tests.test_browser_participation import _join

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def assembly(town, districts, make_user, settings):
    settings.ALTCHA_MAX_NUMBER = 2000
    settings.RATHAUS_MEETINGS_VIDEO_URL = "https://video.musterstadt.example"
    planner = make_user(Role.PROCESS_PLANNER, municipality=town, username="planerin")
    make_user(Role.MODERATOR, municipality=town, username="moderatorin")
    process = make_process(town, districts, planner)
    start = timezone.now() + timedelta(minutes=10)
    return Conference.objects.create(
        municipality=town,
        process=process,
        title="Bürgerversammlung Lindenstraße",
        summary="Die Planung beantwortet Ihre Fragen.",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=30,
        video=True,
    )


def _ask(page, axe_check, url, text):
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Fragen zur Veranstaltung")
    axe_check(page)
    page.get_by_label("Ihre Frage").fill(text)
    page.get_by_role("button", name="Frage senden").click()
    expect(page.get_by_text("Danke! Ihre Frage steht in der Liste.")).to_be_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_questions_are_asked_supported_answered_and_hidden(
    browser, live_server, login, axe_check, assembly
):
    process_url = f"{live_server.url}/beteiligung/{assembly.process_id}/"
    questions_url = f"{live_server.url}/beteiligung/veranstaltung/{assembly.pk}/fragen/"
    anna_ctx = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin", viewport=PHONE)
    anna = anna_ctx.new_page()
    anna.set_default_timeout(90_000)
    _join(anna, process_url, axe_check, name="Anna", street="Lindenstraße", number="12")
    _ask(anna, axe_check, questions_url, "Wann beginnt der Bau?")
    _ask(anna, axe_check, questions_url, "Günstige Handwerker – Anruf genügt!")

    ben_ctx = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin", viewport=PHONE)
    ben = ben_ctx.new_page()
    ben.set_default_timeout(90_000)
    _join(ben, process_url, axe_check, name="Ben", street="Lindenstraße", number="40")
    ben.goto(questions_url)
    ben.get_by_role("button", name="Frage unterstützen – Wann beginnt der Bau?").click()
    expect(ben.get_by_text("Sie unterstützen diese Frage.")).to_be_visible()
    first = ben.locator("#fragen-liste li").first
    expect(first).to_contain_text("Wann beginnt der Bau?")
    expect(first).to_contain_text("1 Unterstützung")
    axe_check(ben)
    ben.screenshot(path="/tmp/p14_questions_390.png", full_page=True)

    staff = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    page = staff.new_page()
    page.set_default_timeout(90_000)
    login(page, "moderatorin")
    page.goto(questions_url)
    page.locator("li", has_text="Wann beginnt").get_by_role(
        "button", name="Als beantwortet markieren"
    ).click()
    expect(page.get_by_role("heading", name="Beantwortet")).to_be_visible()
    advert = page.locator("li", has_text="Handwerker")
    advert.locator("summary", has_text="Ausblenden").click()
    advert.get_by_label("Begründung (wird angezeigt)").fill("Werbung gehört nicht hierher.")
    advert.locator("form button[type=submit]", has_text="Ausblenden").click()
    expect(page.get_by_text("Begründung: Werbung gehört nicht hierher.")).to_be_visible()
    axe_check(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path="/tmp/p14_questions_moderator_1280.png", full_page=True)

    anna.reload()
    expect(anna.get_by_text("Begründung: Werbung gehört nicht hierher.")).to_be_visible()
    expect(anna.get_by_text("Günstige Handwerker")).to_have_count(0)
    axe_check(anna)
    for ctx in (anna_ctx, ben_ctx, staff):
        ctx.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_confirmed_registration_joins_online_shortly_before_the_start(
    browser, live_server, axe_check, assembly
):
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(f"{live_server.url}/beteiligung/veranstaltung/{assembly.pk}/")
    expect(page.get_by_text("Auch online möglich.")).to_be_visible()
    axe_check(page)
    page.get_by_label("Name", exact=True).fill("Anna Schmidt")
    page.get_by_label("E-Mail-Adresse").fill("anna@example.org")
    page.get_by_label("Ich habe die Hinweise zum Datenschutz gelesen").check()
    expect(page.locator("[data-altcha-status]")).to_have_text("Sicherheitsprüfung abgeschlossen.")
    page.locator("form[data-altcha-form] button[type=submit]").click()
    expect(page.get_by_role("heading", name="Online teilnehmen")).to_be_visible()
    axe_check(page)
    page.screenshot(path="/tmp/p14_registration_online_390.png", full_page=True)
    link = page.get_by_role("link", name="Jetzt online teilnehmen")
    assert link.get_attribute("href").endswith("/online/")
    # the gate answers with a redirect into the video room (not followed: no network here)
    gate = page.request.get(live_server.url + link.get_attribute("href"), max_redirects=0)
    assert gate.status == 302
    assert gate.headers["location"].startswith("https://video.musterstadt.example/beteiligung-")
    context.close()
