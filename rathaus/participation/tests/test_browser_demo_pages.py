"""Every participation page of the demo passes axe, on a phone-sized screen and on a desktop."""

import pytest

from rathaus.core.demo import DEMO_PASSWORD, load_core
from rathaus.participation import demo
from rathaus.participation.models import Conference, District, Idea, Process, VisionParagraph

PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_demo_pages_pass_axe(browser, live_server, axe_check):
    town = load_core()
    demo.load(town)
    processes = {p.title: p for p in Process.objects.all()}
    forum = processes[demo.FORUM_TITLE]
    street = processes[demo.STREET_TITLE]
    adopted = Idea.objects.filter(status="adopted").first()
    paragraph = VisionParagraph.objects.filter(version=2).first()
    workshop = Conference.objects.get(title="Zukunftswerkstatt Innenstadt")
    assembly = Conference.objects.get(title="Bürgerversammlung Lindenstraße")
    public = [
        "/beteiligung/",
        f"/beteiligung/kommune/{town.slug}/",
        f"/beteiligung/kommune/{town.slug}/stadtteile/",
        f"/beteiligung/{forum.pk}/",
        f"/beteiligung/{processes[demo.VISION_TITLE].pk}/",
        f"/beteiligung/{processes[demo.PLAYGROUND_TITLE].pk}/ergebnis/",
        f"/beteiligung/idee/{adopted.pk}/",
        f"/beteiligung/leitbild/absatz/{paragraph.pk}/",
        f"/beteiligung/veranstaltung/{workshop.pk}/",
        f"/beteiligung/veranstaltung/{assembly.pk}/fragen/",
        f"/beteiligung/anmeldung/demo-anmeldung-{town.slug}-10/",
        f"/beteiligung/stadtteil/{District.objects.get(municipality=town, name='Nordviertel').pk}/folgen/",
        f"/beteiligung/{street.pk}/mitmachen/",  # the town's consent texts
        # a resident outside the polls' audience sees why; one who must confirm new consent
        f"/beteiligung/mein-link/{demo.street_link(town.slug, 'radfahrer')}/",
        f"/beteiligung/{street.pk}/",
        f"/beteiligung/mein-link/{demo.street_link(town.slug, 'inge')}/",
        f"/beteiligung/{street.pk}/einwilligung/",
    ]
    context = browser.new_context(locale="de-DE", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(90_000)  # a ceiling, not a wait: CI is a loaded 2-core machine
    for url in public:
        page.goto(live_server.url + url)
        axe_check(page)
        # nothing wider than the phone screen (no horizontal scrolling)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, url
        if url.endswith("/fragen/"):
            page.screenshot(path="/tmp/p14_demo_questions_390.png", full_page=True)
    context.close()
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(90_000)  # a ceiling, not a wait: CI is a loaded 2-core machine
    for user, urls in (
        (
            "moderation",
            [
                "/beteiligung/verwaltung/moderation/",
                f"/beteiligung/veranstaltung/{assembly.pk}/fragen/",
            ],
        ),
        (
            "beteiligung",
            [
                "/beteiligung/verwaltung/",
                f"/beteiligung/verwaltung/{forum.pk}/",
                f"/beteiligung/verwaltung/{forum.pk}/bericht/",
                f"/beteiligung/verwaltung/idee/{adopted.pk}/",
                "/beteiligung/verwaltung/strassenverzeichnis/",
                f"/beteiligung/verwaltung/leitbild/absatz/{paragraph.pk}/",
                f"/beteiligung/verwaltung/veranstaltung/{workshop.pk}/",
            ],
        ),
    ):
        context.clear_cookies()
        page.goto(f"{live_server.url}/konto/anmelden/")
        page.get_by_label("Benutzername").fill(user)
        page.get_by_label("Passwort").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Anmelden").last.click()
        page.wait_for_load_state()
        for url in urls:
            page.goto(live_server.url + url)
            axe_check(page)
            if url.endswith("/fragen/"):
                page.screenshot(path="/tmp/p14_demo_questions_moderator_1280.png", full_page=True)
    context.close()
