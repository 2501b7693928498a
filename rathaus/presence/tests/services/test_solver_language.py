"""Solver messages and rule labels follow the planner's language (issue 11, point 22)."""

import pytest
from django.utils import translation

from rathaus.presence.models import CoverageRequirement
from rathaus.presence.services import solving

pytestmark = pytest.mark.django_db


def make_infeasible(period, world):
    # Four people per early shift, but only four clerks who must also cover the late shift.
    CoverageRequirement.objects.filter(
        period=period, shift_type=world["early"], qualification=None
    ).update(required=4)


def test_an_english_planner_gets_the_reasons_in_english(period, world):
    make_infeasible(period, world)
    with translation.override("en"):
        job = solving.job_start(actor=world["users"]["planner"], period=period)
    job.refresh_from_db()
    assert job.message.startswith("No plan possible: "), job.message
    reasons = [r["message"] for r in job.result["reasons"]]
    assert reasons
    for text in reasons:
        for german in (" am ", "nötig", "Personen", "Schichtteams", "verfügbar"):
            assert german not in text, text


def test_a_german_planner_keeps_the_engines_detailed_reasons(period, world):
    make_infeasible(period, world)
    with translation.override("de"):
        job = solving.job_start(actor=world["users"]["planner"], period=period)
    job.refresh_from_db()
    assert job.message.startswith("Kein Plan möglich: ")
    period.refresh_from_db()
    assert period.explanation and job.message.endswith(period.explanation[0]["message"])


def test_rule_labels_are_german_on_german_pages_and_english_on_english_ones(client, period, world):
    client.force_login(world["users"]["planner"])
    url = f"/planung/zeitraeume/{period.pk}/regeln/"
    german = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    label = 'for="id_coverage-shift_type">'
    assert "Shift type" not in german
    assert german.split(label)[1].startswith("Schicht"), german.split(label)[1][:60]
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Copy rules from" in english
    assert english.split(label)[1].startswith("Shift"), english.split(label)[1][:60]
