"""Agenda items proposed from other modules (a steering case …) land in a body's backlog with
their source reference."""

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from rathaus.core.problems import DomainError
from rathaus.core.tests.factories import MunicipalityFactory, OrgUnitFactory, UserFactory
from rathaus.meetings.services import proposals
from rathaus.meetings.tests.factories import crisis_staff


@pytest.mark.django_db
def test_the_link_prefills_the_form_and_the_proposal_lands_in_the_backlog(client, staff, office):
    body, _ = staff
    client.force_login(office)
    url = reverse("meetings:proposal_create")
    page = client.get(
        url, {"titel": "Kurzarbeit steigt", "quelle": "steering", "link": "/steuerung/faelle/7/"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="Kurzarbeit steigt"' in html and 'value="Steuerungsfall"' in html
    response = client.post(
        url,
        {
            "body": body.pk,
            "title": "Kurzarbeit steigt",
            "source_label": "Steuerungsfall",
            "source_url": "/steuerung/faelle/7/",
        },
    )
    assert response.status_code == 302
    item = body.agenda_items.get(meeting=None, title="Kurzarbeit steigt")
    assert item.kind == "proposed" and item.proposed_by == office
    body_page = client.get(reverse("meetings:body", args=[body.pk])).content.decode()
    assert 'href="/steuerung/faelle/7/"' in body_page and "vorgeschlagen von" in body_page


@pytest.mark.django_db
def test_a_script_link_is_refused_at_the_source_url_field(client, staff, office):
    body, _ = staff
    client.force_login(office)
    response = client.post(
        reverse("meetings:proposal_create"),
        {"body": body.pk, "title": "X", "source_url": "javascript:alert(1)"},
    )
    assert response.status_code == 200
    assert "http(s)-Adresse" in response.context["form"].errors["source_url"][0]
    assert not body.agenda_items.filter(title="X").exists()
    with pytest.raises(DomainError):
        proposals.clean_source_url("//evil.example/x")
    assert proposals.clean_source_url("https://example.org/a") == "https://example.org/a"


@pytest.mark.django_db
def test_a_member_may_propose_only_for_bodies_they_can_see(client, town, staff, make_user):
    body, people = staff
    other, _ = crisis_staff(town, name="Verwaltungsvorstand", kind="board")
    member = people["member"][0]
    client.force_login(member)
    response = client.post(reverse("meetings:proposal_create"), {"body": other.pk, "title": "Y"})
    assert response.status_code == 200 and "body" in response.context["form"].errors
    assert not other.agenda_items.exists()
    response = client.post(reverse("meetings:proposal_create"), {"body": body.pk, "title": "Y"})
    assert response.status_code == 302 and body.agenda_items.filter(title="Y").exists()


@pytest.mark.django_db
def test_the_steering_case_page_links_to_the_proposal_form_with_its_title(client, town):
    # the steering app's model, looked up through the registry (apps never import each other)
    case = apps.get_model("steering", "SteeringCase").objects.create(
        municipality=town,
        kind="indicator",
        trigger="indicator:1:out_of_band",
        title="Kurzarbeit außerhalb des Korridors",
        assigned_unit=OrgUnitFactory(municipality=town),
        opened_at=timezone.now(),
    )
    client.force_login(office_user_with_leadership(town))
    html = client.get(f"/steuerung/faelle/{case.pk}/").content.decode()
    link = reverse("meetings:proposal_create")
    assert f'href="{link}?titel=Kurzarbeit%20au%C3%9Ferhalb%20des%20Korridors' in html
    assert "quelle=steering" in html and "Für eine Tagesordnung vorschlagen" in html


def office_user_with_leadership(town):
    return UserFactory(municipality=town, roles=["leadership"])


def _pool_request(municipality, title):
    # the staff pool's model, looked up through the registry (apps never import each other)
    return apps.get_model("staffpool", "StaffRequest").objects.create(
        municipality=municipality,
        title=title,
        requester_label="Gesundheitsamt",
        slots=5,
        start=timezone.localdate(),
        end=timezone.localdate() + timezone.timedelta(days=30),
    )


@pytest.mark.django_db
def test_an_open_staff_pool_request_is_proposed_for_the_agenda(client, town, staff):
    body, _ = staff
    request = _pool_request(town, "Kontaktnachverfolgung")
    _pool_request(town, "Schon besetzt").__class__.objects.filter(title="Schon besetzt").update(
        status="covered"
    )
    client.force_login(office_user_with_leadership(town))
    url = reverse("meetings:proposal_create")
    page = client.get(url, {"gremium": body.pk}).content.decode()
    assert "Offene Anfragen im Personalpool" in page
    assert "Kontaktnachverfolgung" in page and "Schon besetzt" not in page
    detail = reverse("staffpool:request_detail", args=[request.pk])
    prefill = client.get(
        url,
        {
            "titel": "Personalanfrage: Kontaktnachverfolgung (Gesundheitsamt, 5 Personen ab heute)",
            "quelle": "staffpool",
            "link": detail,
            "gremium": body.pk,
        },
    ).content.decode()
    assert 'value="Anfrage im Personalpool"' in prefill and f'value="{detail}"' in prefill
    assert "quelle=staffpool" in page and "gremium=" in page
    client.post(
        url,
        {
            "body": body.pk,
            "title": "Personalanfrage: Kontaktnachverfolgung",
            "source_label": "Anfrage im Personalpool",
            "source_url": detail,
        },
    )
    body_page = client.get(reverse("meetings:body", args=[body.pk])).content.decode()
    assert f'href="{detail}"' in body_page


@pytest.mark.django_db
def test_staff_pool_requests_are_listed_only_for_people_who_may_see_the_pool(client, town, office):
    _pool_request(town, "Kontaktnachverfolgung")
    client.force_login(office)  # the meetings office has no staff-pool role
    page = client.get(reverse("meetings:proposal_create")).content.decode()
    assert "Kontaktnachverfolgung" not in page and "Offene Anfragen im Personalpool" not in page


@pytest.mark.django_db
def test_the_staff_pool_request_page_links_to_the_prefilled_proposal(client, town, staff):
    body, _ = staff
    request = _pool_request(town, "Kontaktnachverfolgung")
    client.force_login(office_user_with_leadership(town))
    detail = reverse("staffpool:request_detail", args=[request.pk])
    page = client.get(detail).content.decode()
    link = f"{reverse('meetings:proposal_create')}?personalanfrage={request.pk}"
    assert f'href="{link}"' in page and "Für eine Tagesordnung vorschlagen" in page
    form = client.get(link).content.decode()
    assert "Personalanfrage: Kontaktnachverfolgung (Gesundheitsamt, 5 Personen ab" in form
    assert 'value="Anfrage im Personalpool"' in form and f'value="{detail}"' in form
    # a request of a town outside the user's region is not read: the form stays empty
    elsewhere = _pool_request(MunicipalityFactory(), "Fremde Anfrage")
    other = client.get(reverse("meetings:proposal_create"), {"personalanfrage": elsewhere.pk})
    assert other.status_code == 200 and "Fremde Anfrage" not in other.content.decode()
    assert client.get(link.replace(str(request.pk), "x9")).status_code == 200
