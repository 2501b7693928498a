"""The crisis staff in the browser: series planned, invitation with .ics, the join link only
shortly before the start, minutes with a decision and an assignment, the overdue assignment
back on the next agenda, minutes approved — with an axe check on every page."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from rathaus.core.tests.factories import RoomFactory
from rathaus.meetings.models import AgendaItem, Meeting
from rathaus.meetings.services import maintenance, papers
from rathaus.meetings.tests.factories import crisis_staff, meeting_at, office_user


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_crisis_staff_from_series_to_approved_minutes(page, live_server, login, axe_check, town):
    body, people = crisis_staff(town)
    office = office_user(town)
    login(page, office.username)
    page.goto(f"{live_server.url}/gremien/")
    axe_check(page)
    page.get_by_role("link", name="Krisenstab").click()
    page.wait_for_load_state()
    axe_check(page)

    # --- plan the Mon/Wed/Fri series from last week on (a bad rule first: error at the field)
    page.get_by_role("link", name="Sitzungsreihe planen").click()
    page.fill("#id_title", "Lagebesprechung")
    page.fill("#id_rule", "FREQ=HOURLY")
    page.fill("#id_first_date", (timezone.localdate() - timedelta(days=7)).isoformat())
    page.fill("#id_time", "08:00")
    page.fill("#id_standing_items", "Lagebericht\nKennzahlen")
    page.get_by_role("button", name="Reihe anlegen und Sitzungen planen").click()
    page.wait_for_load_state()
    assert "FREQ muss DAILY" in page.locator("#id_rule_error").inner_text()
    axe_check(page)
    page.fill("#id_rule", "")
    for day in ("Montag", "Mittwoch", "Freitag"):
        page.get_by_label(day).check()
    page.get_by_role("button", name="Reihe anlegen und Sitzungen planen").click()
    page.wait_for_load_state()
    assert "Sitzungsreihe „Lagebesprechung“ angelegt" in page.content()

    # --- a meeting starting in ten minutes: invitation with .ics, join link visible to members
    soon = meeting_at(body, timezone.now() + timedelta(minutes=10), title="Sonderlage")
    page.goto(f"{live_server.url}/gremien/sitzung/{soon.pk}/")
    mail.outbox.clear()
    page.get_by_role("button", name="Einladung versenden").click()
    page.wait_for_load_state()
    assert "Einladung mit Tagesordnung und Kalenderdatei versandt" in page.content()
    assert len(mail.outbox) == 4 and mail.outbox[0].attachments[0][0] == "sitzung.ics"
    assert "Videokonferenz beitreten" not in page.content()  # the office is not invited
    axe_check(page)
    # on a phone the attendance table stacks: nothing wider than the screen
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.get_by_role("heading", name="Teilnahme").wait_for()
    width = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    assert page.evaluate(width)
    assert page.get_by_role("table").filter(has_text="Funktion").is_visible()
    axe_check(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    # --- minutes of last Monday's meeting: text, a decision, an assignment already overdue
    past = Meeting.objects.filter(body=body, end__lt=timezone.now()).order_by("start").first()
    page.goto(f"{live_server.url}/gremien/sitzung/{past.pk}/protokoll/")
    axe_check(page)
    item = past.items.order_by("position").first()
    page.fill(f"#text-{item.pk}", "S2 berichtet: Lage stabil.")
    page.get_by_role("button", name="TOP 1 speichern").click()
    page.locator(".meetings-save-state").first.filter(has_text="Gespeichert").wait_for()
    page.locator("summary", has_text="Beschluss erfassen").first.click()
    page.fill(f"#id_d{item.pk}-text", "Notbesetzung bleibt in zwei Schichtteams.")
    page.get_by_label("einstimmig").first.check()
    page.get_by_role("button", name="Beschluss speichern").first.click()
    page.wait_for_load_state()
    assert "Beschluss erfasst" in page.content()
    page.locator("summary", has_text="Auftrag erteilen").first.click()
    page.fill(f"#id_a{item.pk}-what", "Schichtpläne abstimmen")
    page.select_option(
        f"#id_a{item.pk}-assignee", label=f"{people['member'][1].person_name} (S2 Lage)"
    )
    page.fill(f"#id_a{item.pk}-due", (date.today() - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Auftrag speichern").first.click()
    page.wait_for_load_state()
    assert "Auftrag in das Auftragsregister aufgenommen" in page.content()
    axe_check(page)

    # --- the periodic job brings it back on the next agenda
    maintenance.assignments_carry_overdue()
    follow_up = AgendaItem.objects.get(kind="follow_up")
    page.goto(f"{live_server.url}/gremien/sitzung/{follow_up.meeting_id}/")
    assert "Wiedervorlage: Schichtpläne abstimmen" in page.content()
    page.goto(f"{live_server.url}/gremien/auftraege/?stand=overdue")
    assert "Schichtpläne abstimmen" in page.content()
    axe_check(page)

    # --- circulate, approve in the next (begun) meeting
    page.goto(f"{live_server.url}/gremien/sitzung/{past.pk}/protokoll/")
    page.get_by_role("button", name="Zur Korrektur versenden").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/gremien/sitzung/{past.pk}/protokoll/")
    page.locator("#id_at_meeting").select_option(index=1)
    page.get_by_role("button", name="Protokoll genehmigen").click()
    page.wait_for_load_state()
    assert "Protokoll genehmigt" in page.content()
    axe_check(page)

    # --- the approved minutes downloaded as PDF (an attachment)
    page.goto(f"{live_server.url}/gremien/sitzung/{past.pk}/protokoll/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Protokoll als PDF herunterladen").click()
    pdf = Path(download.value.path()).read_bytes()
    assert download.value.suggested_filename == f"protokoll-{past.pk}.pdf"
    assert pdf.startswith(b"%PDF-") and len(pdf) > 5000  # its typeface: test_views

    # --- the member sees the join link, ten minutes before the start
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_load_state()
    login(page, people["member"][0].username)
    page.goto(f"{live_server.url}/gremien/sitzung/{soon.pk}/")
    assert page.get_by_role("link", name="Jetzt der Videokonferenz beitreten").is_visible()
    axe_check(page)
    later = Meeting.objects.filter(body=body, start__gt=timezone.now() + timedelta(hours=1)).first()
    page.goto(f"{live_server.url}/gremien/sitzung/{later.pk}/")
    assert "erscheint hier ab" in page.content()
    page.goto(f"{live_server.url}/gremien/p/{people['external'][1].token}/")
    axe_check(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_council_papers_deadlines_and_a_room_double_booking(
    page, live_server, login, axe_check, town
):
    council, _ = crisis_staff(town, name="Rat", public=True, kind="council")
    room = RoomFactory(location__municipality=town, municipality=town, number="1.01")
    day = timezone.localdate() + timedelta(days=40)
    start = timezone.make_aware(
        timezone.datetime.combine(day, timezone.datetime.min.time())
    ) + timedelta(hours=17)
    taken = meeting_at(
        council, start, minutes=180, mode="in_person", room=room, title="Sitzung des Rates"
    )
    paper = papers.paper_create(
        actor=None,
        municipality=town,
        reference="V/2026/014",
        title="Rahmenplan Technologiepark",
        date=timezone.localdate(),
    )
    papers.consultation_add(actor=None, paper=paper, meeting=taken, role="decide")
    office = office_user(town)
    login(page, office.username)
    page.goto(f"{live_server.url}/gremien/vorlagen/")
    axe_check(page)
    page.get_by_role("link", name="Rahmenplan Technologiepark").click()
    page.wait_for_load_state()
    assert "Einreichungsfrist" in page.content()
    assert (day - timedelta(days=21)).strftime("%d.%m.%Y") in page.content()
    axe_check(page)
    page.goto(f"{live_server.url}/gremien/{council.pk}/sitzung/neu/")
    page.fill("#id_title", "Sondersitzung")
    page.fill("#id_start", f"{day.isoformat()}T18:00")
    page.fill("#id_end", f"{day.isoformat()}T19:00")
    page.select_option("#id_mode", "in_person")
    page.select_option("#id_room", index=1)
    page.get_by_role("button", name="Sitzung anlegen").click()
    page.wait_for_load_state()
    assert "ist zu dieser Zeit schon belegt" in page.locator("#id_room_error").inner_text()
    axe_check(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_office_makes_an_agenda_item_non_public_after_a_confirmation(
    page, live_server, login, axe_check, town
):
    council, _ = crisis_staff(town, name="Rat", public=True)
    office = office_user(town)
    meeting = meeting_at(council, timezone.now() + timedelta(days=3), title="Ratssitzung")
    AgendaItem.objects.create(
        municipality=town,
        body=council,
        meeting=meeting,
        position=1,
        title="Grundstücksverkauf",
        public=True,
    )
    login(page, office.username)
    page.goto(f"{live_server.url}/gremien/sitzung/{meeting.pk}/")
    page.get_by_role("link", name="TOP 1 nicht öffentlich machen").click()
    page.wait_for_load_state()
    assert "OParl behält für den Punkt" in page.content()
    axe_check(page)
    page.get_by_role("button", name="Ja, nicht öffentlich machen").click()
    page.wait_for_load_state()
    assert "TOP 1 ist jetzt nicht öffentlich." in page.content()
    assert page.locator("#tagesordnung ~ ul .kern-badge", has_text="nicht öffentlich").count()
    axe_check(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name="TOP 1 öffentlich machen").click()
    page.wait_for_load_state()
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    axe_check(page)
    page.get_by_role("button", name="Ja, öffentlich machen").click()
    page.wait_for_load_state()
    assert AgendaItem.objects.get(meeting=meeting).public is True
