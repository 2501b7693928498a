"""A rhythm that follows the situation (issue 13, point 9): proposals from indicators, a person
decides, the series changes from tomorrow."""

import pytest
from django.apps import apps
from django.urls import reverse

from rathaus.core.models import AuditEntry
from rathaus.core.problems import Conflict, DomainError
from rathaus.core.tests.factories import OrgUnitFactory
from rathaus.engines.recurrence.rhythm import Signal, meetings_per_week, propose
from rathaus.meetings.models import RhythmProposal
from rathaus.meetings.services import maintenance, rhythm
from rathaus.meetings.services import meetings as meeting_services
from rathaus.meetings.tests.factories import local

NOW = local(2026, 12, 3, 9)  # a Thursday


def _indicator(town, name, status):
    # the steering app's model, looked up like the app's adapter does (apps never import each other)
    model = apps.get_model("steering", "Indicator")
    return model.objects.create(
        municipality=town,
        name=name,
        unit="Personen",
        polarity="down",
        responsible_unit=OrgUnitFactory(municipality=town),
        status=status,
        analysis={"explanation": f"{name}: Lage {status}"},
    )


def _series(body, rule="FREQ=WEEKLY;BYDAY=MO,WE,FR"):
    return meeting_services.series_create(
        actor=None,
        body=body,
        title="Lage",
        rule=rule,
        first_start=local(2026, 11, 30, 8),  # a Monday
        standing_items=["Lagebericht"],
        now=NOW,
    )


def test_red_steps_a_three_times_weekly_series_up_to_every_workday():
    proposal = propose("FREQ=WEEKLY;BYDAY=MO,WE,FR", 0, [Signal("Infektionen", "red", "steigt")])
    assert proposal.direction == "up" and proposal.rule == "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"
    assert proposal.reasons == (Signal("Infektionen", "red", "steigt"),)


def test_all_green_steps_down_to_weekly_on_the_first_weekday_and_amber_keeps_the_rhythm():
    green = [Signal("A", "green"), Signal("B", "green")]
    assert propose("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", 2, green).rule == "FREQ=WEEKLY;BYDAY=WE"
    assert propose("FREQ=WEEKLY;BYDAY=MO", 0, green) is None
    assert propose("FREQ=WEEKLY;BYDAY=MO,WE,FR", 0, [*green, Signal("C", "amber")]) is None
    assert propose("FREQ=DAILY", 0, [Signal("A", "red")]) is None
    assert propose("FREQ=WEEKLY;BYDAY=MO,WE,FR", 0, []) is None


def test_meetings_per_week_reads_frequency_days_and_interval():
    assert meetings_per_week("FREQ=WEEKLY;BYDAY=MO,WE,FR") == 3
    assert meetings_per_week("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TH") == 0.5
    assert meetings_per_week("FREQ=DAILY") == 7
    assert meetings_per_week("FREQ=MONTHLY;BYDAY=1MO") == 0.25


@pytest.mark.django_db
def test_a_red_indicator_leads_to_a_proposal_with_its_reason_and_accepting_plans_daily(
    staff, office
):
    body, _ = staff
    series = _series(body)
    red = _indicator(body.municipality, "Neuinfektionen", "red")
    _indicator(body.municipality, "Auslastung Kliniken", "green")
    rhythm.series_indicators_set(actor=office, series=series, indicator_ids=[red.pk])
    proposal = rhythm.rhythm_check(series=series, now=NOW)
    assert proposal.direction == "up"
    assert "Neuinfektionen" in proposal.reason and "Lage red" in proposal.reason
    # checking again keeps the one open proposal
    assert rhythm.rhythm_check(series=series, now=NOW).pk == proposal.pk
    rhythm.rhythm_decide(actor=office, proposal=proposal, accept=True, now=NOW)
    series.refresh_from_db()
    assert series.rule == "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"
    days = {m.start.date() for m in series.meetings.filter(start__gte=local(2026, 12, 7, 0))}
    assert local(2026, 12, 8).date() in days  # a Tuesday, new in the daily rhythm
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.decided_by == office
    assert AuditEntry.objects.filter(object_type="meetings.RhythmProposal").exists()


@pytest.mark.django_db
def test_stepping_down_deletes_untouched_meetings_and_cancels_invited_ones(staff, office):
    body, _ = staff
    series = _series(body, rule="FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR")
    series.indicator_ids = [_indicator(body.municipality, "Lage", "green").pk]
    series.save()
    tuesday = series.meetings.get(start=local(2026, 12, 8, 8))
    meeting_services.meeting_invite(actor=office, meeting=tuesday, now=NOW)
    proposal = maintenance.series_rhythm_check_all(now=NOW) and series.rhythm_proposals.get()
    assert proposal.direction == "down" and proposal.proposed_rule == "FREQ=WEEKLY;BYDAY=MO"
    rhythm.rhythm_decide(actor=office, proposal=proposal, accept=True, now=NOW)
    tuesday.refresh_from_db()
    assert tuesday.cancelled  # invited: cancelled with METHOD:CANCEL, not silently deleted
    assert not series.meetings.filter(start=local(2026, 12, 9, 8)).exists()  # untouched: gone
    assert series.meetings.filter(start=local(2026, 12, 14, 8), cancelled=False).exists()


@pytest.mark.django_db
def test_a_rejected_proposal_changes_nothing_and_cannot_be_decided_twice(staff, office):
    body, _ = staff
    series = _series(body)
    series.indicator_ids = [_indicator(body.municipality, "Lage", "red").pk]
    series.save()
    proposal = rhythm.rhythm_check(series=series, now=NOW)
    rhythm.rhythm_decide(actor=office, proposal=proposal, accept=False, now=NOW)
    series.refresh_from_db()
    assert series.rule == "FREQ=WEEKLY;BYDAY=MO,WE,FR"
    with pytest.raises(Conflict):
        rhythm.rhythm_decide(actor=office, proposal=proposal, accept=True, now=NOW)


@pytest.mark.django_db
def test_when_the_situation_calms_the_open_proposal_is_superseded(staff):
    body, _ = staff
    series = _series(body)
    indicator = _indicator(body.municipality, "Lage", "red")
    series.indicator_ids = [indicator.pk]
    series.save()
    proposal = rhythm.rhythm_check(series=series, now=NOW)
    indicator.status = "amber"
    indicator.save()
    assert rhythm.rhythm_check(series=series, now=NOW) is None
    proposal.refresh_from_db()
    assert proposal.status == RhythmProposal.Status.SUPERSEDED


@pytest.mark.django_db
def test_an_indicator_of_another_town_is_refused_at_the_field(staff, other_town, office):
    body, _ = staff
    series = _series(body)
    foreign = _indicator(other_town, "Fremd", "red")
    with pytest.raises(DomainError) as info:
        rhythm.series_indicators_set(actor=office, series=series, indicator_ids=[foreign.pk])
    assert info.value.errors == [{"field": "indicators"}]


@pytest.mark.django_db
def test_the_office_ties_indicators_and_takes_the_proposal_on_the_page(client, staff, office):
    body, _ = staff
    series = _series(body)
    red = _indicator(body.municipality, "Neuinfektionen", "red")
    client.force_login(office)
    url = reverse("meetings:series_rhythm", args=[series.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Neuinfektionen" in page.content.decode()
    response = client.post(url, {"indicators": [str(red.pk)]}, follow=True)
    html = response.content.decode()
    assert "Vorschlag" in html and "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR" in html
    proposal = series.rhythm_proposals.get(status="open")
    client.post(reverse("meetings:rhythm_decide", args=[proposal.pk, "uebernehmen"]))
    series.refresh_from_db()
    assert series.rule.startswith("FREQ=DAILY")
    body_page = client.get(reverse("meetings:body", args=[body.pk])).content.decode()
    assert "Rhythmus nach Lage" in body_page


@pytest.mark.django_db
def test_a_bad_indicator_choice_is_a_german_error_at_the_field(client, staff, office):
    body, _ = staff
    series = _series(body)
    client.force_login(office)
    url = reverse("meetings:series_rhythm", args=[series.pk])
    _indicator(body.municipality, "Lage", "green")
    response = client.post(url, {"indicators": ["999999"]})
    assert response.status_code == 200
    assert "gültige" in response.content.decode()
    series.refresh_from_db()
    assert series.indicator_ids == []
