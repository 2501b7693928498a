"""The issue's "done when", in the browser with an axe check on every page:

a planner opens the street-redesign process for one district and invites the affected
residents by code; a resident of another district is refused (and gets in with a code);
citizens post ideas and comments on a phone-sized screen; an expert adds a statement; a
moderator hides a post with a reason the author sees and answers; the planner publishes
"you said, we did" with an idea adopted into a project.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rathaus.core.models import Role
from rathaus.participation.models import District, Expert, Phase, Process, StreetRange

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def setup(town, make_user, settings):
    settings.ALTCHA_MAX_NUMBER = 2000
    nord = District.objects.create(municipality=town, code="NORD", name="Nordviertel")
    sued = District.objects.create(municipality=town, code="SUED", name="Südfeld")
    StreetRange.objects.create(
        municipality=town, district=nord, street="Lindenstraße", first=1, last=99
    )
    StreetRange.objects.create(
        municipality=town, district=sued, street="Südparkweg", first=1, last=80
    )
    Expert.objects.create(
        municipality=town,
        name="Murat Aydın",
        field="economy",
        role="Inhaber Fahrradladen",
        affiliation="Einzelhandelsverband",
        consent_at=timezone.now(),
    )
    make_user(Role.PROCESS_PLANNER, municipality=town, username="planerin")
    make_user(Role.MODERATOR, municipality=town, username="moderator")


def _citizen(browser):
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(90_000)
    return context, page


def _join(page, url, axe_check, *, name, street, number, code=""):
    page.goto(url)
    page.get_by_role("link", name="Mitmachen").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mitmachen")
    axe_check(page)
    page.get_by_label("Öffentlicher Name").fill(name)
    page.get_by_label("Straße").fill(street)
    page.get_by_label("Hausnummer").fill(number)
    if code:
        page.get_by_label("Einladungscode").fill(code)
    page.get_by_label("Ich habe die Hinweise zum Datenschutz gelesen").check()
    expect(page.locator("[data-altcha-status]")).to_have_text("Sicherheitsprüfung abgeschlossen.")
    page.get_by_role("button", name="Anmelden und mitmachen").click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_street_redesign_from_invitation_to_you_said_we_did(
    page, browser, live_server, login, axe_check, setup
):
    # --- the planner opens the process for the Nordviertel and invites the street by code
    login(page, "planerin")
    page.goto(f"{live_server.url}/beteiligung/verwaltung/")
    axe_check(page)
    page.get_by_role("link", name="Neues Verfahren").click()
    axe_check(page)
    page.get_by_label("Titel").fill("Umgestaltung der Lindenstraße")
    page.get_by_label("Kurz und in einfacher Sprache").fill("Die Lindenstraße wird neu gebaut.")
    page.get_by_label("Wer darf mitmachen?").select_option("districts")
    page.get_by_label("Nordviertel").check()
    page.get_by_label("Moderation").select_option("post")
    page.get_by_label("Sofort veröffentlichen").check()
    page.get_by_role("button", name="Verfahren anlegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Umgestaltung der Lindenstraße")
    # the information phase starts today; open the contributions phase now for the test
    process = Process.objects.get(title="Umgestaltung der Lindenstraße")
    today = timezone.localdate()
    Phase.objects.filter(process=process, kind="information").delete()
    Phase.objects.filter(process=process, kind="contributions").update(starts_on=today)
    page.reload()
    axe_check(page)
    page.get_by_label("Gruppe", exact=True).fill("Haushalte Lindenstraße 1–99")
    page.get_by_label("Anzahl Codes").fill("3")
    page.get_by_role("button", name="Codes erzeugen").click()
    axe_check(page)
    codes = page.locator("ol.part-codes code").all_inner_texts()
    assert len(codes) == 3 and all(
        re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", c) for c in codes
    )
    page.get_by_role("link", name="zurück zum Verfahren").click()
    page.get_by_label("Fachkundige Person").select_option(index=0)
    page.get_by_role("button", name="Persönlichen Link erzeugen").click()
    expert_link = page.locator(".part-link code").inner_text()
    axe_check(page)
    process_url = f"{live_server.url}/beteiligung/{process.pk}/"

    # --- a resident of another district is refused; with the invitation code she is in
    context, citizen = _citizen(browser)
    _join(
        citizen, process_url, axe_check, name="Nachbarin Südfeld", street="Südparkweg", number="3"
    )
    expect(citizen.get_by_text(re.compile("Ihre Adresse liegt in Südfeld"))).to_be_visible()
    axe_check(citizen)
    citizen.get_by_label("Einladungscode").fill(codes[0].lower())
    citizen.get_by_label("Ich habe die Hinweise zum Datenschutz gelesen").check()
    expect(citizen.locator("[data-altcha-status]")).to_have_text(
        "Sicherheitsprüfung abgeschlossen."
    )
    citizen.get_by_role("button", name="Anmelden und mitmachen").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Sie machen mit")
    axe_check(citizen)
    context.close()

    # --- a resident of the Nordviertel posts an idea and a comment on her phone
    context, resident = _citizen(browser)
    _join(
        resident, process_url, axe_check, name="Anwohnerin Nr. 12", street="Lindenstr.", number="12"
    )
    expect(resident.get_by_role("heading", level=1)).to_have_text("Sie machen mit")
    personal_link = resident.locator(".part-link a").inner_text()
    resident.get_by_role("link", name="Weiter zum Verfahren").click()
    axe_check(resident)
    resident.get_by_role("link", name="Idee einreichen").click()
    axe_check(resident)
    resident.get_by_label("Titel").fill("Mehr Bäume statt Parkplätze")
    resident.get_by_label("Ihre Idee").fill("Vier Straßenbäume zwischen Nr. 10 und 30.")
    resident.get_by_role("button", name="Idee absenden").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("Mehr Bäume statt Parkplätze")
    axe_check(resident)
    resident.get_by_label("Ihr Kommentar").fill("Idioten parken hier immer auf dem Gehweg!")
    resident.get_by_role("button", name="Kommentar senden").click()
    expect(resident.get_by_text("Ihr Kommentar ist veröffentlicht")).to_be_visible()
    idea_url = resident.url.split("#")[0]
    resident.get_by_role("link", name="Kommentar melden").first.click()
    axe_check(resident)
    resident.get_by_label("Warum melden Sie diesen Beitrag?").fill("beleidigend")
    resident.get_by_role("button", name="Meldung absenden").click()
    expect(resident.get_by_text("Danke für Ihre Meldung")).to_be_visible()

    # --- an invited expert adds a statement beside the citizens' input
    context2, expert = _citizen(browser)
    expert.goto(expert_link)
    axe_check(expert)
    expert.goto(idea_url)
    expert.get_by_label("Ihr Kommentar").fill("Fahrradbügel vor den Geschäften helfen dem Handel.")
    expert.get_by_role("button", name="Kommentar senden").click()
    expect(
        expert.get_by_text("Fachkundig: Inhaber Fahrradladen, Einzelhandelsverband")
    ).to_be_visible()
    axe_check(expert)
    context2.close()

    # --- the moderator hides the insulting comment with a reason
    page.get_by_role("button", name="Abmelden").click()
    login(page, "moderator")
    page.goto(f"{live_server.url}/beteiligung/verwaltung/moderation/")
    expect(page.get_by_text("beleidigend")).to_be_visible()
    axe_check(page)
    page.get_by_label("Begründung für die Verfasserin oder den Verfasser").first.fill(
        "Bitte ohne Beleidigungen. Ihr Hinweis zum Gehwegparken ist willkommen."
    )
    page.get_by_role("button", name="Ausblenden mit Begründung").first.click()
    expect(page.get_by_text("Der Beitrag ist ausgeblendet")).to_be_visible()

    # --- the author sees the reason on her personal link and answers
    resident.goto(personal_link)
    expect(resident.get_by_text("Ihr Hinweis zum Gehwegparken ist willkommen.")).to_be_visible()
    axe_check(resident)
    resident.get_by_label("Ihre Antwort an die Moderation").fill(
        "Entschuldigung, ich formuliere es neu."
    )
    resident.get_by_role("button", name="Antwort an die Moderation senden").click()
    expect(resident.get_by_text("Ihre Antwort ist bei der Moderation eingegangen.")).to_be_visible()

    # --- the planner publishes "you said, we did": the idea is adopted into a project
    page.get_by_role("button", name="Abmelden").click()
    login(page, "planerin")
    page.goto(f"{live_server.url}/beteiligung/verwaltung/{process.pk}/")
    page.get_by_role("link", name="Mehr Bäume statt Parkplätze").click()
    axe_check(page)
    page.get_by_label("Stand").select_option("adopted")
    page.get_by_label("Begründung (öffentlich)").fill("Sechs neue Bäume sind im Entwurf.")
    page.get_by_label("Umgesetzt in (Projekt oder Beschluss)").fill(
        "Projekt P-12 Umbau Lindenstraße"
    )
    page.get_by_role("button", name="Stand speichern").click()
    expect(page.get_by_text("Der Stand der Idee ist gespeichert.")).to_be_visible()
    page.goto(f"{live_server.url}/beteiligung/verwaltung/{process.pk}/bericht/")
    axe_check(page)
    resident.goto(f"{process_url}ergebnis/")
    expect(resident.get_by_text("Projekt P-12 Umbau Lindenstraße")).to_be_visible()
    axe_check(resident)
    context.close()
