"""Retreat: collected goals become action fields and goals in one step, all or nothing."""

import pytest

from rathaus.steering.models import ActionField, Goal
from rathaus.steering.services.retreat import retreat_goals_apply

pytestmark = pytest.mark.django_db


def test_goals_become_fields_and_goals_and_existing_ones_are_reused(world):
    text = (
        "Neues Quartier | 800 Wohnungen | 11\n"
        "\n"
        "Bildung | Jede Schule digital | 4, 9\n"
        "Bildung | Ganztag für alle\n"
    )
    result = retreat_goals_apply(actor=world["users"]["mayor"], plan=world["plan"], text=text)
    assert (result.fields_created, result.goals_created, result.goals_existing) == (1, 2, 1)
    education = ActionField.objects.get(plan=world["plan"], title="Bildung")
    assert Goal.objects.get(action_field=education, title="Jede Schule digital").sdgs == [4, 9]


def test_a_bad_line_refuses_everything_with_its_number(world):
    text = "Bildung | Ganztag\nnur ein Feld\nKlima | Wärme | 18\n"
    result = retreat_goals_apply(actor=world["users"]["mayor"], plan=world["plan"], text=text)
    assert [line for line, _msg in result.errors] == [2, 3]
    assert not ActionField.objects.filter(title="Bildung").exists()


def test_the_retreat_page_is_for_the_leadership(client, world):
    client.force_login(world["users"]["owner"])
    assert client.get("/steuerung/klausur/").status_code == 403
    client.force_login(world["users"]["mayor"])
    response = client.post("/steuerung/klausur/", {"text": "Bildung | Ganztag für alle | 4"})
    assert response.status_code == 302
    assert Goal.objects.filter(title="Ganztag für alle").exists()
