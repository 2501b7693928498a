"""Browser, on the demo town itself (issue 12's “done when”): the mayor logs in, sees the
cockpit, follows a warning — the red land-use plan — to its steering case and records a decision
that moves one of the project's milestones; the project's history shows it. Then the other way
to a decision: the short-time-work warning's case is on the crisis staff's agenda (proposed by
the meetings demo), the meetings office schedules it and records the body's decision in the
minutes, and the mayor finds the case decided with the body's decision and a link to the
meeting. axe-core runs on every page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from rathaus.core.demo import DEMO_PASSWORD
from rathaus.core.testing import shot
from rathaus.core.tests.waiting import wait_for
from rathaus.steering.models import Milestone, SteeringCase

MAYOR = "buergermeisterin"
MEETINGS_OFFICE = "gremienbuero"  # the meetings demo's secretary of the staffs


def _switch(page, login, username):
    page.context.clear_cookies()  # log the previous person out
    login(page, username, DEMO_PASSWORD)


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_done_when_walk_on_the_demo_town(page, live_server, login, axe_check):
    call_command("load_demo")
    land_use = SteeringCase.objects.get(title="Bebauungsplan Güterbahnhof ist rot")
    open_milestone = (
        land_use.project.milestones.filter(done_on__isnull=True).order_by("due").first()
    )
    new_due = open_milestone.due + timedelta(days=91)

    # The mayor's start page is the cockpit, with its warnings.
    login(page, MAYOR, DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Cockpit der Verwaltungsleitung")).to_be_visible()
    warnings = page.get_by_role("region", name="Frühwarnungen")
    expect(warnings.get_by_role("link", name="Angezeigte Kurzarbeit").first).to_be_visible()
    expect(warnings.get_by_text("außerhalb des Toleranzbands").first).to_be_visible()
    axe_check(page)
    shot(page, "done-when-cockpit")

    # The red project's warning leads to its case, discussed by planning and finance.
    page.get_by_role("link", name=land_use.title).first.click()
    expect(page.get_by_role("heading", name=land_use.title)).to_be_visible()
    expect(page.get_by_text("Stadtplanung: Das Lärmgutachten")).to_be_visible()
    axe_check(page)

    # She decides: adjust, the open milestone a quarter later.
    page.get_by_label("anpassen").check()
    page.get_by_label("Begründung", exact=True).fill("Offenlage nach dem Lärmgutachten.")
    page.get_by_label(f"Neuer Termin: {open_milestone.title}").fill(new_due.isoformat())
    page.get_by_role("button", name="Entscheidung festhalten").click()
    expect(page.get_by_role("heading", name="Entscheidung: anpassen")).to_be_visible()
    axe_check(page)
    wait_for(
        lambda: Milestone.objects.get(pk=open_milestone.pk).due == new_due, "the milestone moved"
    )
    page.get_by_role("link", name="Bebauungsplan Güterbahnhof", exact=True).click()
    expect(page.get_by_text("Offenlage nach dem Lärmgutachten.").first).to_be_visible()
    axe_check(page)

    # The short-time-work warning's case went to the crisis staff (the meetings demo put it
    # into the staff's backlog with the case's address).
    page.goto(f"{live_server.url}/steuerung/")
    page.get_by_role("region", name="Frühwarnungen").get_by_role(
        "link", name="Angezeigte Kurzarbeit"
    ).first.click()
    expect(page.get_by_role("heading", name="Angezeigte Kurzarbeit")).to_be_visible()
    axe_check(page)
    page.get_by_role("status").filter(has_text="Offener Steuerungsfall").get_by_role(
        "link"
    ).first.click()
    expect(page.get_by_role("heading", name="Diskussion")).to_be_visible()
    short_time = SteeringCase.objects.get(pk=int(page.url.rstrip("/").split("/")[-1]))
    assert short_time.status == "open" and short_time.indicator.name == "Angezeigte Kurzarbeit"
    axe_check(page)

    # The meetings office puts it on the next staff meeting and records the body's decision.
    item = apps.get_model("meetings", "AgendaItem").objects.get(
        source_url=f"/steuerung/faelle/{short_time.pk}/", meeting=None
    )
    meeting = (
        apps.get_model("meetings", "Meeting")
        .objects.filter(body=item.body, cancelled=False, start__gt=timezone.now())
        .order_by("start")
        .first()
    )
    _switch(page, login, MEETINGS_OFFICE)
    page.goto(f"{live_server.url}/gremien/sitzung/{meeting.pk}/")
    page.locator("summary", has_text="Tagesordnungspunkt hinzufügen").click()
    page.get_by_role("listitem").filter(has_text=item.title).get_by_role(
        "button", name="einplanen"
    ).click()
    expect(page.locator(f"#top-{item.pk}")).to_be_visible()
    axe_check(page)
    page.goto(f"{live_server.url}/gremien/sitzung/{meeting.pk}/protokoll/")
    section = page.locator(f"#top-{item.pk}")
    section.locator("summary", has_text="Beschluss erfassen").click()
    section.get_by_label("Beschluss", exact=True).fill(
        "Die Wirtschaftsförderung legt ein Hilfsprogramm für Zulieferer auf."
    )
    section.get_by_label("einstimmig").check()
    section.get_by_role("button", name="Beschluss speichern").click()
    expect(page.get_by_text("Beschluss erfasst.")).to_be_visible()
    axe_check(page)

    # The decision is back in the steering case.
    _switch(page, login, MAYOR)
    page.goto(f"{live_server.url}/steuerung/faelle/{short_time.pk}/")
    expect(
        page.get_by_role("heading", name="Entscheidung: Beschluss eines Gremiums")
    ).to_be_visible()
    decisions = page.get_by_role("region", name="Beschlüsse der Gremien")
    expect(decisions.get_by_text("Hilfsprogramm für Zulieferer")).to_be_visible()
    expect(decisions.get_by_text("einstimmig")).to_be_visible()
    expect(decisions.get_by_role("link", name=f"Zur Sitzung „{meeting.title}“")).to_be_visible()
    axe_check(page)
    shot(page, "done-when-case-body-decision")
    wait_for(
        lambda: SteeringCase.objects.get(pk=short_time.pk).status == "decided",
        "the case is decided",
    )
