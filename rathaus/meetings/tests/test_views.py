"""Pages and the join gate as people use them (Django test client)."""

import re
import zlib
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from rathaus.core.models import AuditEntry, Role
from rathaus.core.tests.factories import RoomFactory
from rathaus.meetings import ical
from rathaus.meetings.models import AgendaItem, Attendance
from rathaus.meetings.services import bodies
from rathaus.meetings.services import minutes as services
from rathaus.meetings.tests.factories import crisis_staff, meeting_at, staff_member


@pytest.fixture
def soon(staff):
    body, _ = staff
    m = meeting_at(body, timezone.now() + timedelta(minutes=10))
    services.agenda_item_add(actor=None, body=body, meeting=m, title="Lagebericht")
    return m


@pytest.mark.django_db
def test_the_office_sees_every_page(client, office, staff, soon):
    body, _ = staff
    client.force_login(office)
    for url in (
        "/gremien/",
        f"/gremien/{body.pk}/",
        f"/gremien/{body.pk}/reihe/neu/",
        f"/gremien/{body.pk}/sitzung/neu/",
        f"/gremien/sitzung/{soon.pk}/",
        f"/gremien/sitzung/{soon.pk}/protokoll/",
        "/gremien/auftraege/",
        "/gremien/vorlagen/",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_only_invitees_see_the_join_box_and_only_when_it_opens(client, staff, soon, town, office):
    body, people = staff
    member = people["member"][0]
    client.force_login(member)
    page = client.get(f"/gremien/sitzung/{soon.pk}/").content.decode()
    assert "Jetzt der Videokonferenz beitreten" in page
    response = client.get(f"/gremien/sitzung/{soon.pk}/beitreten/")
    assert response.status_code == 302 and soon.video_room in response["Location"]

    later = meeting_at(body, timezone.now() + timedelta(days=1))
    page = client.get(f"/gremien/sitzung/{later.pk}/").content.decode()
    assert "erscheint hier ab" in page and "Jetzt der Videokonferenz" not in page
    response = client.get(f"/gremien/sitzung/{later.pk}/beitreten/")
    assert response.status_code == 200 and later.video_room not in response.content.decode()

    # the meetings office runs the body but is not invited: no link
    client.force_login(office)
    assert (
        "Videokonferenz beitreten"
        not in client.get(f"/gremien/sitzung/{soon.pk}/").content.decode()
    )
    assert client.get(f"/gremien/sitzung/{soon.pk}/beitreten/").status_code == 403


@pytest.mark.django_db
def test_staff_outside_a_non_public_body_do_not_find_it(client, staff, soon, town):
    body, _ = staff
    outsider, _ = staff_member(town, Role.EMPLOYEE)
    client.force_login(outsider)
    assert client.get(f"/gremien/{body.pk}/").status_code == 404
    assert client.get(f"/gremien/sitzung/{soon.pk}/").status_code == 404
    assert client.get(f"/gremien/sitzung/{soon.pk}/beitreten/").status_code == 404


@pytest.mark.django_db
def test_an_external_member_joins_through_the_personal_link(client, staff, soon):
    _, people = staff
    token = people["external"][1].token
    page = client.get(f"/gremien/p/{token}/")
    assert page.status_code == 200 and "Videokonferenz beitreten" in page.content.decode()
    assert page["Referrer-Policy"] == "no-referrer"
    response = client.get(f"/gremien/p/{token}/sitzung/{soon.pk}/beitreten/")
    assert response.status_code == 302 and soon.video_room in response["Location"]
    assert client.get(f"/gremien/p/{token}x/").status_code == 404


@pytest.mark.django_db
def test_feeds_public_without_video_and_personal_with_the_gate_link(client, town, staff):
    council, people = crisis_staff(town, name="Rat", public=True)
    m = meeting_at(council, timezone.now() + timedelta(days=3))
    services.agenda_item_add(actor=None, body=council, meeting=m, title="Geheim", public=False)
    services.agenda_item_add(actor=None, body=council, meeting=m, title="Haushalt", public=True)
    public = client.get(f"/gremien/{council.pk}/kalender.ics")
    assert public["Content-Type"].startswith("text/calendar")
    text = public.content.decode()
    assert "CONFERENCE" not in text and "Haushalt" in text and "Geheim" not in text
    body, _ = staff
    assert client.get(f"/gremien/{body.pk}/kalender.ics").status_code == 404  # not public

    token = people["member"][1].token
    cal = Calendar.from_ical(client.get(f"/gremien/p/{token}/kalender.ics").content)
    event = cal.walk("VEVENT")[0]
    assert f"/gremien/p/{token}/sitzung/{m.pk}/beitreten/" in str(event["CONFERENCE"])


@pytest.mark.django_db
def test_autosave_conflict_returns_the_other_text_as_json(client, office, soon):
    client.force_login(office)
    item = soon.items.get()
    url = f"/gremien/top/{item.pk}/speichern/"
    ok = client.post(url, {"text": "A", "version": 0}, HTTP_ACCEPT="application/json")
    assert ok.json() == {"status": "saved", "version": 1}
    clash = client.post(url, {"text": "B", "version": 0}, HTTP_ACCEPT="application/json")
    assert clash.status_code == 409 and clash.json()["theirs"] == "A"
    # without script: the page shows both versions for merging
    page = client.post(url, {"text": "B", "version": 0})
    assert page.status_code == 409
    html = page.content.decode()
    assert "Gespeicherte Fassung der anderen Person" in html and ">B</textarea>" in html


@pytest.mark.django_db
def test_decision_and_assignment_errors_appear_at_the_field(client, office, soon):
    client.force_login(office)
    item = soon.items.get()
    response = client.post(f"/gremien/top/{item.pk}/beschluss/", {f"d{item.pk}-text": "Text"})
    assert response.status_code == 422
    assert f'id="id_d{item.pk}-yes_error"' in response.content.decode()
    response = client.post(
        f"/gremien/top/{item.pk}/auftrag/",
        {f"a{item.pk}-what": "Pläne", f"a{item.pk}-due": "2026-12-24"},
    )
    assert response.status_code == 422
    assert f'id="id_a{item.pk}-assignee_error"' in response.content.decode()


@pytest.mark.django_db
def test_series_form_puts_a_bad_rule_at_the_field(client, office, staff):
    body, _ = staff
    client.force_login(office)
    response = client.post(
        f"/gremien/{body.pk}/reihe/neu/",
        {
            "title": "Lage",
            "rule": "FREQ=SECONDLY",
            "first_date": "2026-12-07",
            "time": "08:00",
            "duration_minutes": 60,
            "mode": "online",
            "holiday_policy": "skip",
        },
    )
    assert response.status_code == 200
    assert 'id="id_rule_error"' in response.content.decode()
    assert not body.series.exists()


@pytest.mark.django_db
def test_backlog_item_is_scheduled_onto_a_meeting(client, office, staff, soon):
    body, _ = staff
    client.force_login(office)
    client.post(f"/gremien/{body.pk}/themenspeicher/", {"title": "Fördermittel"})
    item = AgendaItem.objects.get(title="Fördermittel", meeting=None)
    client.post(f"/gremien/sitzung/{soon.pk}/top/{item.pk}/einplanen/")
    item.refresh_from_db()
    assert item.meeting == soon and item.position == 2


@pytest.mark.django_db
def test_minutes_download_as_pdf(client, office, soon):
    client.force_login(office)
    item = soon.items.get()
    services.minutes_save(actor=None, item=item, text="Lage stabil.", base_version=0)
    services.decision_record(actor=None, item=item, text="Weiter so.", unanimous=True)
    response = client.get(f"/gremien/sitzung/{soon.pk}/protokoll.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and len(response.content) > 5000
    fonts = re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([\w-]+)", _pdf_objects(response.content))
    assert fonts and all(f.startswith(b"Fira-Sans") for f in fonts)  # KERN's, no fallback


def _pdf_objects(pdf: bytes) -> bytes:
    """The PDF with its compressed streams inflated (font names sit in object streams)."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            parts.append(zlib.decompressobj().decompress(stream))
        except zlib.error:
            continue
    return b"".join(parts)


@pytest.mark.django_db
def test_the_feed_folds_and_escapes_as_rfc5545_says(town):
    council, _ = crisis_staff(town, name="Ausschuss für Umwelt, Klima; Verkehr", public=True)
    m = meeting_at(council, timezone.now() + timedelta(days=1), title="Sitzung " + "Ä" * 80)
    services.agenda_item_add(
        actor=None, body=council, meeting=m, title="Öffentlich, mit; Zeichen", public=True
    )
    data = ical.feed([m], name=council.name, public_only=True)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    event = Calendar.from_ical(data).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == f"{council.name}: Sitzung " + "Ä" * 80
    assert "1. Öffentlich, mit; Zeichen" in str(event["DESCRIPTION"])
    assert event["DTSTART"].dt == m.start.replace(microsecond=0)


@pytest.mark.django_db
def test_members_accept_or_decline_also_through_the_personal_link(client, staff, soon):
    _, people = staff
    member_user, member = people["member"]
    client.force_login(member_user)
    client.post(f"/gremien/sitzung/{soon.pk}/antwort/", {"answer": "yes"})
    assert soon.attendances.get(membership=member).status == "accepted"
    client.logout()
    external = people["external"][1]
    response = client.post(
        f"/gremien/p/{external.token}/sitzung/{soon.pk}/antwort/", {"answer": "no"}
    )
    assert response.status_code == 302
    assert soon.attendances.get(membership=external).status == "declined"


@pytest.mark.django_db
def test_a_deputy_stands_in_and_counts_for_the_quorum(client, office, staff, soon, town):
    body, people = staff
    _, employee = staff_member(town)
    deputy = bodies.membership_add(
        actor=None,
        body=body,
        employee=employee,
        role="deputy",
        function="Leitung",
        rank=2,
        voting=False,
    )
    Attendance.objects.create(meeting=soon, membership=deputy, municipality=town, status="present")
    chair = soon.attendances.get(membership=people["chair"][1])
    client.force_login(office)
    client.post(
        f"/gremien/sitzung/{soon.pk}/teilnahme/{chair.pk}/",
        {"status": "excused", "deputy": deputy.pk},
    )
    chair.refresh_from_db()
    assert chair.status == "excused" and chair.deputy == deputy
    page = client.get(f"/gremien/sitzung/{soon.pk}/").content.decode()
    assert "vertreten durch" in page and "1 von 4 stimmberechtigten Sitzen" in page


@pytest.mark.django_db
def test_the_public_feed_reads_a_fixed_number_of_queries_however_many_meetings(
    client, town, settings, django_assert_max_num_queries
):
    settings.RATHAUS_MEETINGS_CACHE_SECONDS = 0  # written from the database every time
    council, _ = crisis_staff(town, name="Rat", public=True)
    room = RoomFactory(location__municipality=town, municipality=town)
    for day in range(12):
        start = timezone.now() + timedelta(days=day + 1)
        m = meeting_at(council, start, mode="in_person", room=room)
        services.agenda_item_add(
            actor=None, body=council, meeting=m, title=f"TOP {day}", public=True
        )
    with django_assert_max_num_queries(4):
        text = client.get(f"/gremien/{council.pk}/kalender.ics").content.decode()
    assert text.count("BEGIN:VEVENT") == 12 and "TOP 11" in text and "Raum" in text


@pytest.mark.django_db
def test_rooms_show_their_normal_and_pandemic_capacity(client, town, staff, office):
    body, _ = staff
    room = RoomFactory(
        location__municipality=town, municipality=town, capacity_normal=40, capacity_pandemic=12
    )
    m = meeting_at(body, timezone.now() + timedelta(days=2), mode="in_person", room=room)
    client.force_login(office)
    assert (
        "12 Plätze unter Pandemiebedingungen"
        in client.get(f"/gremien/sitzung/{m.pk}/").content.decode()
    )
    form = client.get(f"/gremien/{body.pk}/sitzung/neu/").content.decode()
    assert "40 Plätze, Pandemie 12" in form


@pytest.mark.django_db
def test_the_public_feed_written_from_values_says_what_the_model_path_says(client, town, settings):
    settings.RATHAUS_MEETINGS_CACHE_SECONDS = 0  # written from the database every time
    council, _ = crisis_staff(town, name="Rat; Umwelt, Klima", public=True)
    room = RoomFactory(location__municipality=town, municipality=town)
    in_room = meeting_at(council, timezone.now() + timedelta(days=1), mode="in_person", room=room)
    online = meeting_at(council, timezone.now() + timedelta(days=2), title="Sitzung " + "Ä" * 60)
    services.agenda_item_add(
        actor=None, body=council, meeting=in_room, title="Öffentlich, a; b", public=True
    )
    services.agenda_item_add(
        actor=None, body=council, meeting=in_room, title="Vertraulich", public=False
    )
    served = client.get(f"/gremien/{council.pk}/kalender.ics").content
    expected = ical.feed([in_room, online], name=council.name, public_only=True)

    def events(data: bytes) -> list[dict]:
        return [
            {k: v.to_ical() for k, v in event.items() if k != "DTSTAMP"}
            for event in Calendar.from_ical(data).walk("VEVENT")
        ]

    assert events(served) == events(expected)
    assert b"Vertraulich" not in served and b"CONFERENCE" not in served
    assert all(len(line) <= 75 for line in served.split(b"\r\n"))


@pytest.mark.django_db
def test_the_office_makes_an_agenda_item_non_public_and_back_after_a_confirmation(
    client, town, office, make_user
):
    council, _ = crisis_staff(town, name="Rat", public=True)
    m = meeting_at(council, timezone.now() + timedelta(days=3))
    item = services.agenda_item_add(
        actor=None, body=council, meeting=m, title="Grundstück", public=True
    )
    client.force_login(office)
    page = client.get(f"/gremien/sitzung/{m.pk}/").content.decode()
    link = f"/gremien/top/{item.pk}/oeffentlichkeit/"
    assert f'href="{link}"' in page and "TOP 1 nicht öffentlich machen" in page
    confirm = client.get(link).content.decode()
    assert "zeigen den Punkt und seine Dokumente nicht mehr" in confirm
    assert "„gelöscht“" in confirm and "Ja, nicht öffentlich machen" in confirm
    assert "Grundstück" in client.get(f"/gremien/{council.pk}/kalender.ics").content.decode()

    done = client.post(link, follow=True)
    assert "TOP 1 ist jetzt nicht öffentlich." in done.content.decode()
    item.refresh_from_db()
    assert item.public is False
    assert "Grundstück" not in client.get(f"/gremien/{council.pk}/kalender.ics").content.decode()
    oparl = client.get(f"/oparl/v1/agendaitem/{item.pk}").json()
    assert oparl["deleted"] is True and "name" not in oparl
    assert AuditEntry.objects.filter(summary="TOP Grundstück: nicht öffentlich gemacht").exists()

    page = client.get(f"/gremien/sitzung/{m.pk}/").content.decode()
    assert "TOP 1 öffentlich machen" in page
    assert "Ja, öffentlich machen" in client.get(link).content.decode()
    client.post(link)
    item.refresh_from_db()
    assert item.public is True
    assert client.get(f"/oparl/v1/agendaitem/{item.pk}").json().get("deleted") is not True
    assert "Grundstück" in client.get(f"/gremien/{council.pk}/kalender.ics").content.decode()

    client.force_login(make_user(Role.PLANNER, municipality=town))
    assert client.get(link).status_code == 403
    assert client.post(link).status_code == 403
