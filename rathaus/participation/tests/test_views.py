"""Pages: public process and idea pages, joining with ALTCHA, posting, the personal link with
moderation feedback, GDPR export and deletion, staff pages with permissions, CSV export."""

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from rathaus.core.models import Role
from rathaus.participation.models import (
    Idea,
    ParagraphComment,
    Participant,
    Process,
    Visibility,
    VisionChapter,
    VisionParagraph,
)
from rathaus.participation.services import moderation, participants, posts
from rathaus.participation.services import processes as process_services
from rathaus.participation.tests.conftest import altcha_payload

pytestmark = pytest.mark.django_db


def join_in_browser_session(client, process, **data):
    form = {"pseudonym": "Nachbarin", "consent": "on", "altcha": altcha_payload(), **data}
    return client.post(reverse("participation:join", args=[process.pk]), form)


def test_public_pages_escape_html(client, process, resident):
    idea = posts.idea_create(
        process=process,
        participant=resident,
        title="<script>x</script>",
        body="<img src=x onerror=alert(1)>",
    )
    for url in (
        reverse("participation:index"),
        reverse("participation:process", args=[process.pk]),
        reverse("participation:idea", args=[idea.pk]),
        reverse("participation:accountability", args=[process.pk]),
    ):
        body = client.get(url).content.decode()
        assert "<script>x</script>" not in body and "<img src=x" not in body, url
        assert "&lt;script&gt;" in body or url.endswith("beteiligung/"), url


def test_unpublished_process_is_not_public(client, process):
    process.published = False
    process.save()
    assert client.get(reverse("participation:process", args=[process.pk])).status_code == 404


def test_join_refuses_another_district_at_the_field_and_admits_a_resident(client, process):
    refused = join_in_browser_session(client, process, street="Südparkweg", house_number="3")
    assert refused.status_code == 200
    assert "liegt in Südfeld" in refused.content.decode()
    assert not Participant.objects.exists()
    joined = join_in_browser_session(client, process, street="Lindenstraße", house_number="3")
    assert "mein-link/" in joined.content.decode()
    response = client.post(
        reverse("participation:idea_new", args=[process.pk]),
        {"title": "Bänke", "body": "Mehr Bänke bitte", "district": ""},
    )
    idea = Idea.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/idee/{idea.pk}/")
    response = client.post(reverse("participation:comment", args=[idea.pk]), {"body": "Und Bäume"})
    assert response.status_code == 302
    assert idea.comments.count() == 1


def test_join_without_proof_of_work_is_refused(client, process):
    response = client.post(
        reverse("participation:join", args=[process.pk]),
        {"pseudonym": "Bot", "consent": "on", "street": "Lindenstraße", "house_number": "3"},
    )
    assert "Sicherheitsprüfung" in response.content.decode()
    assert not Participant.objects.exists()


def test_posting_without_joining_redirects_to_join(client, process):
    response = client.get(reverse("participation:idea_new", args=[process.pk]))
    assert response.status_code == 302 and response["Location"].endswith("/mitmachen/")


def test_personal_link_shows_the_moderators_reason_and_takes_an_answer(client, process, moderator):
    person, token = participants.participant_join(
        process=process, pseudonym="Laut", consent=True, street="Lindenstraße", house_number="5"
    )
    idea = posts.idea_create(process=process, participant=person, title="A", body="b")
    comment = posts.comment_create(idea=idea, participant=person, body="Frechheit")
    moderation.post_hide(actor=moderator, post=comment, reason="Bitte ohne Beleidigung.")
    page = client.get(reverse("participation:personal", args=[token])).content.decode()
    assert "Bitte ohne Beleidigung." in page
    response = client.post(
        reverse("participation:reply_comment", args=[token, comment.pk]),
        {f"comment{comment.pk}-reply": "Sorry"},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.author_reply == "Sorry"
    public = client.get(reverse("participation:idea", args=[idea.pk])).content.decode()
    assert "Frechheit" not in public and "ausgeblendet" in public


def test_personal_export_and_erasure(client, process):
    person, token = participants.participant_join(
        process=process,
        pseudonym="Datensparsam",
        consent=True,
        street="Lindenstraße",
        house_number="5",
    )
    posts.idea_create(process=process, participant=person, title="A", body="b")
    data = json.loads(client.get(reverse("participation:personal_export", args=[token])).content)
    assert data["oeffentlicher_name"] == "Datensparsam" and data["stadtteil"] == "Nordviertel"
    assert len(data["ideen"]) == 1
    client.post(reverse("participation:erase", args=[token]), {"confirm": "1"})
    assert not Participant.objects.exists() and not Idea.objects.exists()
    assert client.get(reverse("participation:personal", args=[token])).status_code == 404


def test_flagging_a_comment(client, process, resident):
    idea = posts.idea_create(process=process, participant=resident, title="A", body="b")
    comment = posts.comment_create(idea=idea, participant=resident, body="Werbung")
    response = client.post(
        reverse("participation:comment_flag", args=[comment.pk]), {"reason": "Spam"}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.flag_count == 1


def test_staff_pages_need_their_roles(
    client, make_user, town, process, resident, planner, moderator
):
    idea = posts.idea_create(process=process, participant=resident, title="A", body="b")
    client.force_login(make_user(Role.CLERK, municipality=town))
    assert client.get(reverse("participation:staff_index")).status_code == 403
    assert client.get(reverse("participation:moderation")).status_code == 403
    client.force_login(planner)
    for url in (
        reverse("participation:staff_index"),
        reverse("participation:process_new"),
        reverse("participation:manage", args=[process.pk]),
        reverse("participation:report", args=[process.pk]),
        reverse("participation:idea_manage", args=[idea.pk]),
        reverse("participation:streets"),
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("participation:moderation")).status_code == 403
    client.force_login(moderator)
    assert client.get(reverse("participation:moderation")).status_code == 200
    assert client.post(reverse("participation:publish", args=[process.pk])).status_code == 403


def test_planner_creates_a_process_and_invites_by_code(client, planner, districts):
    client.force_login(planner)
    response = client.post(
        reverse("participation:process_new"),
        {
            "title": "Neue Brücke",
            "kind": "planning",
            "summary": "Eine Brücke",
            "audience": "districts",
            "districts": [districts["SUED"].pk],
            "moderation": "pre",
            "start": "2026-05-01",
            "publish": "on",
        },
    )
    assert response.status_code == 302
    process = Process.objects.get(title="Neue Brücke")
    assert list(process.districts.all()) == [districts["SUED"]]
    codes = client.post(
        reverse("participation:invite", args=[process.pk]),
        {"name": "Haushalte Brückenstraße", "kind": "households", "count": 3},
    )
    assert codes.status_code == 200 and codes.content.decode().count("<code>") == 3


def test_csv_export_neutralises_formula_cells(client, planner, process, resident):
    posts.idea_create(process=process, participant=resident, title="=HYPERLINK(1)", body="@SUM(A1)")
    client.force_login(planner)
    body = client.get(reverse("participation:export_ideas", args=[process.pk])).content.decode()
    assert "'=HYPERLINK(1)" in body and "'@SUM(A1)" in body


def test_street_directory_import_reports_line_numbers(client, planner, town, districts):
    client.force_login(planner)
    bad = SimpleUploadedFile("s.csv", "Straße;von;bis;Seite;Stadtteil\nA-Weg;5;1;;NORD\n".encode())
    page = client.post(reverse("participation:streets"), {"file": bad}).content.decode()
    assert "Zeile 2" in page
    good = SimpleUploadedFile("s.csv", "Neue Straße;1;20;gerade;SUED\n".encode())
    assert client.post(reverse("participation:streets"), {"file": good}).status_code == 302
    assert town.pk and districts["SUED"].streets.count() == 1


def test_moderator_hides_from_the_queue(client, moderator, process, resident):
    idea = posts.idea_create(process=process, participant=resident, title="A", body="b")
    comment = posts.comment_create(idea=idea, participant=resident, body="Spam")
    posts.post_flag(comment=comment, reason="Werbung")
    client.force_login(moderator)
    queue = client.get(reverse("participation:moderation")).content.decode()
    assert "Werbung" in queue
    client.post(
        reverse("participation:moderate_comment", args=[comment.pk]),
        {"action": "hide", f"comment{comment.pk}-reason": "Keine Werbung bitte."},
    )
    comment.refresh_from_db()
    assert (
        comment.visibility == Visibility.HIDDEN
        and comment.moderation_reason == "Keine Werbung bitte."
    )


def test_vision_paragraph_page_takes_a_proposal_and_the_planner_revises(client, process, planner):
    chapter = VisionChapter.objects.create(
        municipality=process.municipality, process=process, title="Kern"
    )
    paragraph = VisionParagraph.objects.create(
        municipality=process.municipality,
        chapter=chapter,
        text="Alter Satz.",
        created_at=process.created_at,
    )
    join_in_browser_session(client, process, street="Lindenstraße", house_number="3")
    url = reverse("participation:paragraph", args=[paragraph.pk])
    client.post(url, {"body": "Besser so", "proposal": "Neuer Satz."})
    note = ParagraphComment.objects.get()
    client.force_login(planner)
    response = client.post(
        reverse("participation:paragraph_revise", args=[paragraph.pk]),
        {"text": "Neuer Satz.", "sources": [note.pk]},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Fassung 2" in page and "Geändert nach diesen Beiträgen" in page


def test_cached_public_page_shows_new_ideas_and_a_fresh_csrf_token(client, process, resident):
    url = reverse("participation:process", args=[process.pk])
    first = client.get(url).content.decode()
    assert "Bänke am Markt" not in first
    posts.idea_create(process=process, participant=resident, title="Bänke am Markt", body="b")
    assert "Bänke am Markt" in client.get(url).content.decode()
    other = client.__class__()
    tokens = [
        re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', c.get(url).content.decode())[1]
        for c in (client, other)
    ]
    assert tokens[0] != tokens[1] and "\x00" not in tokens[0]


def test_unpublishing_ends_the_cached_page_at_once(client, process, planner):
    url = reverse("participation:process", args=[process.pk])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # served from the cache
    process_services.process_publish(actor=planner, process=process, published=False)
    assert client.get(url).status_code == 404


def test_excel_export_has_reference_numbers_and_no_formulas(client, planner, process, resident):
    posts.idea_create(process=process, participant=resident, title="=1+1", body="Text")
    client.force_login(planner)
    response = client.get(reverse("participation:export_ideas_xlsx", args=[process.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == f"B{process.pk}-0001"
    assert sheet["B2"].value == "'=1+1" and sheet["B2"].data_type == "s"


def test_district_list_names_the_processes_of_each_district(client, town, process, resident):
    posts.idea_create(process=process, participant=resident, title="A", body="b")
    page = client.get(reverse("participation:districts", args=[town.slug])).content.decode()
    assert "Nordviertel" in page and process.title in page and "1 Idee an diesem Ort" in page
    assert client.get(reverse("participation:districts", args=["gibt-es-nicht"])).status_code == 404
