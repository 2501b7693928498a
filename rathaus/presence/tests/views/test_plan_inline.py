"""Editing a cell updates only the person's row (htmx), and the room list shows free places
(issue 11, point 16)."""

import pytest

from rathaus.presence.models import Activity, PlanAssignment
from rathaus.presence.tests.conftest import MONDAY

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def cell_url(period, employee, day):
    return f"/planung/zeitraeume/{period.pk}/plan/{employee.pk}/{day.isoformat()}/"


def office_rows(period, world):
    return PlanAssignment.objects.filter(
        period=period, employee__in=world["office_staff"], activity=Activity.OFFICE
    ).select_related("employee")


def test_the_grid_opens_the_cell_form_in_place(client, solved, world):
    client.force_login(world["users"]["planner"])
    grid = client.get(f"/planung/zeitraeume/{solved.pk}/plan/").content.decode()
    assert 'id="cell-editor"' in grid and 'hx-target="#cell-editor"' in grid
    anna = world["office_staff"][0]
    form = client.get(cell_url(solved, anna, MONDAY), **HX).content.decode()
    assert "<html" not in form and 'hx-post="' in form and "Prüfen und speichern" in form


def test_saving_a_cell_answers_with_the_row_not_the_grid(client, solved, world):
    client.force_login(world["users"]["planner"])
    grid_size = len(client.get(f"/planung/zeitraeume/{solved.pk}/plan/").content)
    for row in office_rows(solved, world):  # the first office day the rules let go home
        employee = row.employee
        response = client.post(cell_url(solved, employee, row.day), {"activity": "home"}, **HX)
        assert response.status_code == 200
        text = response.content.decode()
        if "Änderung abgelehnt" not in text:
            break
    else:
        pytest.fail("no office day could become home office")
    assert f'<tr id="e{employee.pk}" hx-swap-oob="true">' in text
    assert text.count("<tr") == 1 and "<html" not in text
    assert len(response.content) < grid_size / 3
    assert "geändert" in text  # announced in the editor's live region
    row.refresh_from_db()
    assert row.activity == Activity.HOME


def test_a_refused_change_stays_in_the_inline_form(client, solved, world):
    client.force_login(world["users"]["planner"])
    clerk = world["clerks"][0]
    response = client.post(cell_url(solved, clerk, MONDAY), {"activity": "home"}, **HX)
    assert response.status_code == 200  # htmx swaps only 2xx answers
    text = response.content.decode()
    assert "Änderung abgelehnt" in text and "keinen Homeoffice-Arbeitsplatz" in text
    assert "<html" not in text


def test_without_htmx_the_cell_form_is_still_a_page(client, solved, world):
    client.force_login(world["users"]["planner"])
    row = office_rows(solved, world).first()
    url = cell_url(solved, row.employee, row.day)
    assert "<html" in client.get(url).content.decode()
    response = client.post(url, {"activity": "office", "room": row.room_id})
    assert response.status_code == 302, response.content.decode()[-2000:]


def test_the_room_list_shows_free_places(client, solved, world):
    client.force_login(world["users"]["planner"])
    page = client.get(f"/planung/zeitraeume/{solved.pk}/raeume/").content.decode()
    assert "frei</strong>" in page
    big = world["rooms"][0]  # 2 places
    taken = PlanAssignment.objects.filter(
        period=solved, room=big, day=MONDAY, activity=Activity.OFFICE
    ).count()
    expected = {0: "2 Plätze frei", 1: "1 Platz frei", 2: "voll"}[taken]
    assert f"{taken}/2 – " in page and expected in page
