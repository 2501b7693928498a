"""Council papers: list with deadlines counted back along the path, create and edit pages,
consultations with their deadline checked at the field, results; tenancy."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rathaus.meetings.models import Paper
from rathaus.meetings.services import papers
from rathaus.meetings.tests.factories import crisis_staff, meeting_at


def days_ahead(n: int):
    """17:00 local time ``n`` days from now (the pages run on the real clock)."""
    today = timezone.localtime().replace(hour=17, minute=0, second=0, microsecond=0)
    return today + timedelta(days=n)


@pytest.fixture
def council(town):
    body, _ = crisis_staff(town, name="Rat", kind="council", public=True)
    body.paper_lead_days = 21
    body.save()
    return body


def _paper(town, **kw):
    return papers.paper_create(
        actor=None,
        municipality=town,
        reference=kw.pop("reference", "V/2026/010"),
        title=kw.pop("title", "Technologiepark Nord"),
        date=date(2026, 11, 20),
        **kw,
    )


@pytest.mark.django_db
def test_the_office_creates_a_paper_on_the_page_and_lands_on_it(client, town, office):
    client.force_login(office)
    response = client.post(
        reverse("meetings:paper_new"),
        {
            "reference": "V/2026/077",
            "title": "Quartier am Bahnhof",
            "kind": "decision",
            "date": "2026-12-01",
            "origin": "Handlungsfeld Neues Quartier",
            "proposal": "Der Rat beschließt …",
            "public": "on",
        },
    )
    paper = Paper.objects.get(municipality=town, reference="V/2026/077")
    assert response.status_code == 302 and response["Location"].endswith(f"/{paper.pk}/")
    assert paper.origin == "Handlungsfeld Neues Quartier" and paper.public


@pytest.mark.django_db
def test_a_taken_reference_is_a_german_error_at_the_reference_field(client, town, office):
    _paper(town, reference="V/2026/001")
    client.force_login(office)
    response = client.post(
        reverse("meetings:paper_new"),
        {"reference": "V/2026/001", "title": "Doppelt", "kind": "decision", "date": "2026-12-01"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["reference"] == ["Diese Drucksachennummer ist schon vergeben."]


@pytest.mark.django_db
def test_editing_changes_the_text_but_a_decided_paper_is_final(client, town, office, council):
    paper = _paper(town)
    client.force_login(office)
    url = reverse("meetings:paper_edit", args=[paper.pk])
    assert client.get(url).status_code == 200
    data = {"title": "Technologiepark Nord (neu)", "kind": "decision", "status": "submitted"}
    client.post(url, {**data, "date": "2026-11-21"})
    paper.refresh_from_db()
    assert paper.title == "Technologiepark Nord (neu)" and paper.status == "submitted"
    paper.status = Paper.Status.DECIDED
    paper.save()
    response = client.post(url, {**data, "title": "Nachträglich", "date": "2026-11-21"})
    assert "kann nicht mehr geändert werden" in response.content.decode()
    paper.refresh_from_db()
    assert paper.title == "Technologiepark Nord (neu)"


@pytest.mark.django_db
def test_a_consultation_whose_deadline_passed_is_refused_at_the_meeting_field(
    client, town, office, council
):
    paper = _paper(town)
    too_soon = meeting_at(council, days_ahead(10))  # 21 days' lead: the deadline has passed
    client.force_login(office)
    url = reverse("meetings:consultation_new", args=[paper.pk])
    response = client.post(url, {"c-meeting": too_soon.pk, "c-role": "decide"})
    assert response.status_code == 400
    error = response.context["consultation_form"].errors["meeting"][0]
    assert "Einreichungsfrist" in error and "verstrichen" in error
    assert not paper.consultations.exists()
    in_time = meeting_at(council, days_ahead(30))
    response = client.post(url, {"c-meeting": in_time.pk, "c-role": "decide"})
    assert response.status_code == 302
    assert paper.consultations.get().deadline == in_time.start.date() - timedelta(days=21)


@pytest.mark.django_db
def test_the_list_shows_the_next_deadline_counted_back_along_the_path(
    client, town, office, council
):
    committee, _ = crisis_staff(town, name="Ausschuss Wirtschaft", kind="committee", public=True)
    committee.paper_lead_days = 14
    committee.save()
    first = meeting_at(committee, days_ahead(40))
    second = meeting_at(council, days_ahead(60))
    paper = _paper(town)
    papers.consultation_add(actor=None, paper=paper, meeting=first)
    papers.consultation_add(actor=None, paper=paper, meeting=second, role="decide")
    client.force_login(office)
    html = client.get(reverse("meetings:papers")).content.decode()
    first_deadline = (first.start.date() - timedelta(days=14)).strftime("%d.%m.%Y")
    second_deadline = (second.start.date() - timedelta(days=21)).strftime("%d.%m.%Y")
    assert f"{first_deadline} (Ausschuss Wirtschaft)" in html  # the next deadline
    assert second_deadline in html and "Neue Vorlage" in html


@pytest.mark.django_db
def test_the_result_of_the_deciding_consultation_decides_the_paper(client, town, office, council):
    paper = _paper(town)
    meeting = meeting_at(council, days_ahead(40))
    consultation = papers.consultation_add(actor=None, paper=paper, meeting=meeting, role="decide")
    client.force_login(office)
    client.post(
        reverse("meetings:consultation_result", args=[consultation.pk]),
        {"r-result": "einstimmig beschlossen"},
    )
    paper.refresh_from_db()
    assert paper.status == "decided"


@pytest.mark.django_db
def test_a_paper_of_another_town_is_not_found_and_staff_cannot_create(
    client, town, other_town, office, make_user
):
    foreign = _paper(other_town, reference="X/1")
    client.force_login(office)
    assert client.get(reverse("meetings:paper_edit", args=[foreign.pk])).status_code == 404
    clerk = make_user("employee", municipality=town)
    client.force_login(clerk)
    assert client.get(reverse("meetings:paper_new")).status_code == 403
