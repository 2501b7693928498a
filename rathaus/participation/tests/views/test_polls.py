"""Poll pages: ranking and free text on the public page, the moderators' answers page, the
CSV export, and the chart with its data table on the report."""

import pytest
from django.urls import reverse

from rathaus.core.models import Role
from rathaus.participation.models import Poll, PollAnswer, PollOption, Visibility
from rathaus.participation.services import posts
from rathaus.participation.tests.test_views import join_in_browser_session
from rathaus.participation.views import staff

pytestmark = pytest.mark.django_db


def make_poll(process, kind, labels=()):
    poll = Poll.objects.create(
        municipality=process.municipality, process=process, question=f"Frage {kind}", kind=kind
    )
    for i, label in enumerate(labels):
        PollOption.objects.create(
            municipality=process.municipality, poll=poll, label=label, position=i
        )
    return poll


def vote_url(poll):
    return reverse("participation:poll_vote", args=[poll.process_id, poll.pk])


def test_a_resident_ranks_and_sees_the_points_with_a_data_table(client, process):
    poll = make_poll(process, Poll.Kind.RANKING, ["Bäume", "Bänke"])
    trees, benches = poll.options.all()
    join_in_browser_session(client, process, street="Lindenstraße", house_number="12")
    page = client.get(reverse("participation:process", args=[process.pk])).content.decode()
    assert f'name="rank_{trees.pk}"' in page
    twice = client.post(
        vote_url(poll), {f"rank_{trees.pk}": "1", f"rank_{benches.pk}": "1"}, follow=True
    )
    assert "Jeder Platz darf nur einmal vergeben werden." in twice.content.decode()
    done = client.post(
        vote_url(poll), {f"rank_{trees.pk}": "2", f"rank_{benches.pk}": "1"}, follow=True
    )
    body = done.content.decode()
    assert "Danke! Ihre Antwort ist gespeichert." in body
    assert "Punkte (Borda)" in body and "<svg" in body
    assert body.index(">Bänke</th>") < body.index(">Bäume</th>")  # ranked from the top
    assert "selected>Platz 1" in body  # the own ranking is shown again


def test_free_text_is_published_only_after_moderation(client, process, moderator, planner):
    poll = make_poll(process, Poll.Kind.TEXT)
    join_in_browser_session(client, process, street="Lindenstraße", house_number="12")
    sent = client.post(
        vote_url(poll), {f"poll_{poll.pk}": '=HYPERLINK("x") <i>Schatten</i>'}, follow=True
    )
    assert "sobald die Moderation sie gelesen hat" in sent.content.decode()
    client.logout()
    public = reverse("participation:process", args=[process.pk])
    assert "Schatten" not in client.get(public).content.decode()
    answer = PollAnswer.objects.get()

    client.force_login(planner)  # planners read, only moderators decide
    page = client.get(reverse("participation:poll_answers", args=[poll.pk]))
    assert page.status_code == 200 and "&lt;i&gt;Schatten" in page.content.decode()
    moderate = reverse("participation:poll_answer_moderate", args=[answer.pk])
    assert client.post(moderate, {"action": "publish"}).status_code == 403
    csv_body = client.get(
        reverse("participation:poll_answers_csv", args=[poll.pk])
    ).content.decode()
    assert "'=HYPERLINK" in csv_body and f"U{poll.pk}-0001" in csv_body

    client.force_login(moderator)
    client.post(moderate, {"action": "publish"})
    client.logout()
    assert "&lt;i&gt;Schatten&lt;/i&gt;" in client.get(public).content.decode()
    client.force_login(moderator)
    client.post(moderate, {"action": "hide", f"answer{answer.pk}-reason": "Werbung"})
    answer.refresh_from_db()
    assert (answer.visibility, answer.moderation_reason) == (Visibility.HIDDEN, "Werbung")


def test_answers_page_needs_a_staff_role_of_the_same_town(client, process, make_user, town):
    poll = make_poll(process, Poll.Kind.TEXT)
    client.force_login(make_user(Role.CLERK, municipality=town))
    assert client.get(reverse("participation:poll_answers", args=[poll.pk])).status_code == 403


def test_report_shows_charts_by_district_with_their_tables(client, process, resident, planner):
    client.force_login(planner)
    body = client.get(reverse("participation:report", args=[process.pk])).content.decode()
    assert 'id="chart-stadtteile-title"' in body and 'role="img"' in body
    assert "Teilnehmende nach Stadtteil" in body and "Beteiligung nach Stadtteil" in body


def test_council_pdf_has_reference_numbers_and_a_table_for_every_chart(
    client, process, resident, planner, monkeypatch
):
    posts.idea_create(process=process, participant=resident, title="Bänke", body="Mehr Bänke")
    make_poll(process, Poll.Kind.RANKING, ["Bäume", "Bänke"])
    seen = {}

    def fake_pdf(html):  # WeasyPrint is slow to start; the HTML is what the PDF shows
        seen["html"] = html
        return b"%PDF-1.7 fake"

    monkeypatch.setattr(staff, "html_to_pdf", fake_pdf)
    client.force_login(planner)
    response = client.get(reverse("participation:report_pdf", args=[process.pk]))
    assert response["Content-Type"] == "application/pdf"
    html = seen["html"]
    assert f"B{process.pk}-0001" in html and "Bänke" in html
    for after_chart in html.split("<svg")[1:]:  # every chart is followed by its table
        assert "<table" in after_chart.split("<svg")[0]
    assert "Ideen nach Stand" in html and "Beteiligung nach Stadtteil" in html
