"""Services of the staff pool: refusals in planners' words, matching, the secondment path."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from rathaus.core.models import AuditEntry, Employee
from rathaus.core.problems import Conflict, DomainError
from rathaus.presence.models import Absence
from rathaus.staffpool import selectors
from rathaus.staffpool.models import HeldDay, LedgerEntry, PoolMember, Secondment, StaffingFloor
from rathaus.staffpool.services import matching, members, requests, secondments
from rathaus.staffpool.services.ledger import cases_book
from rathaus.staffpool.services.maintenance import (
    requests_close_finished,
    secondments_remind_ending,
)

from .conftest import MONDAY, NOW, promise_with_figures, request_data

pytestmark = pytest.mark.django_db


def _matched(pool, n_members=3, **kw):
    helpers = [pool.member(pool.other, login=True) for _ in range(n_members)]
    req = requests.request_create(
        actor=pool.coordinator, municipality=pool.town, data=request_data(**kw), now=NOW
    )
    matching.request_match(actor=pool.coordinator, requests=[req], now=NOW)
    return req, helpers


def _approve(pool, secondment, **kw):
    kw.setdefault("works_council_on", NOW.date())
    return secondments.secondment_approve(
        actor=pool.other_coordinator, secondment=secondment, now=NOW, **kw
    )


def test_a_request_in_the_past_is_refused(pool):
    pool.member(pool.other)
    with pytest.raises(DomainError) as exc:
        requests.request_create(
            actor=pool.coordinator,
            municipality=pool.town,
            data=request_data(start=NOW.date() - timedelta(days=1)),
            now=NOW,
        )
    assert exc.value.code == "period_past"


def test_a_skill_nobody_in_the_region_has_is_named(pool):
    pool.member(pool.other)
    with pytest.raises(DomainError) as exc:
        requests.request_create(
            actor=pool.coordinator,
            municipality=pool.town,
            data=request_data(required_skills=["it_support"]),
            now=NOW,
        )
    assert exc.value.code == "skill_missing"
    assert "IT-Unterstützung" in exc.value.message


def test_matching_proposes_helpers_of_other_towns_only(pool):
    pool.member(pool.town)  # own town: never lent to itself
    req, helpers = _matched(pool)
    proposed = set(req.secondments.values_list("member_id", flat=True))
    assert len(proposed) == 2
    assert proposed <= {h.pk for h in helpers}
    assert req.secondments.first().status == Secondment.Status.PROPOSED


def test_a_short_request_says_why_in_planners_words(pool):
    pool.member(pool.other, skills=("contact_tracing",))
    req = requests.request_create(
        actor=pool.coordinator, municipality=pool.town, data=request_data(slots=3), now=NOW
    )
    matching.request_match(actor=pool.coordinator, requests=[req], now=NOW)
    req.refresh_from_db()
    (message,) = [selectors.shortfall_message(n) for n in req.match_note]
    assert message.startswith("1 von 3 Plätzen")
    assert "Kontaktnachverfolgung" in message


def test_a_qualification_that_expires_before_the_request_ends_does_not_count(pool):
    from_the_start = pool.member(pool.other, login=True)
    expiring = pool.member(pool.other, skills=())
    members.qualification_set(
        actor=pool.other_coordinator,
        member=expiring,
        skill="contact_tracing",
        valid_until=MONDAY + timedelta(days=3),  # the request runs for almost two weeks
    )
    req = requests.request_create(
        actor=pool.coordinator, municipality=pool.town, data=request_data(slots=2), now=NOW
    )
    matching.request_match(actor=pool.coordinator, requests=[req], now=NOW)
    req.refresh_from_db()
    assert set(req.secondments.values_list("member_id", flat=True)) == {from_the_start.pk}
    (message,) = [selectors.shortfall_message(n) for n in req.match_note]
    assert message.startswith("1 von 2 Plätzen")


def test_approval_needs_the_works_council_step(pool):
    req, _helpers = _matched(pool)
    with pytest.raises(DomainError) as exc:
        _approve(pool, req.secondments.first(), works_council_on=None)
    assert exc.value.code == "works_council_missing"


def test_beyond_three_months_needs_a_hearing(pool):
    req, _helpers = _matched(pool)
    s = req.secondments.first()
    Secondment.objects.filter(pk=s.pk).update(end=s.start + timedelta(days=120))
    s.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        _approve(pool, s)
    assert exc.value.code == "hearing_missing"
    _approve(pool, s, hearing_on=NOW.date())


def test_civil_servants_need_their_consent(pool):
    helper = pool.member(pool.other, employment="civil_servant")
    req = requests.request_create(
        actor=pool.coordinator, municipality=pool.town, data=request_data(slots=1), now=NOW
    )
    matching.request_match(actor=pool.coordinator, requests=[req], now=NOW)
    s = req.secondments.get(member=helper)
    with pytest.raises(DomainError) as exc:
        _approve(pool, s)
    assert exc.value.code == "consent_missing"


def test_only_the_home_town_approves(pool):
    req, _helpers = _matched(pool)
    with pytest.raises(DomainError) as exc:
        secondments.secondment_approve(
            actor=pool.coordinator,
            secondment=req.secondments.first(),
            works_council_on=NOW.date(),
            now=NOW,
        )
    assert exc.value.status == 403


def test_lending_below_the_staffing_floor_warns_until_confirmed(pool):
    req, _helpers = _matched(pool)
    StaffingFloor.objects.create(
        municipality=pool.other, org_unit=pool.units[pool.other.pk], minimum=3
    )
    s = req.secondments.first()
    with pytest.raises(DomainError) as exc:
        _approve(pool, s)
    assert exc.value.code == "below_floor"
    assert "Mindest" in exc.value.message
    _approve(pool, s, floor_override=True)
    s.refresh_from_db()
    assert s.floor_override is True


def test_the_floor_keeps_matching_from_lending_a_unit_empty(pool):
    for _ in range(3):
        pool.member(pool.other)
    StaffingFloor.objects.create(
        municipality=pool.other, org_unit=pool.units[pool.other.pk], minimum=2
    )
    req = requests.request_create(
        actor=pool.coordinator, municipality=pool.town, data=request_data(slots=3), now=NOW
    )
    matching.request_match(actor=pool.coordinator, requests=[req], now=NOW)
    req.refresh_from_db()
    assert req.secondments.count() == 1
    assert req.match_note[0]["reason"] == "FLOOR"


def test_accepting_writes_the_absence_the_ledger_and_logs_the_disclosure(pool):
    req, _helpers = _matched(pool)
    s = req.secondments.first()
    _approve(pool, s)
    secondments.secondment_accept(actor=s.member.employee.user, secondment=s, now=NOW)
    s.refresh_from_db()
    assert s.status == Secondment.Status.ACCEPTED
    absence = Absence.objects.get(pk=s.absence_id)
    assert (absence.kind, absence.start, absence.end) == ("seconded", s.start, s.end)
    assert absence.municipality_id == pool.other.pk
    hours = sum(e.hours for e in LedgerEntry.objects.filter(secondment=s))
    assert hours == Decimal("78.0")  # two weeks of 39 hours
    assert AuditEntry.objects.filter(summary__contains="offengelegt").count() == 2
    req.refresh_from_db()
    assert req.status == "partly"


def test_only_the_helper_accepts(pool):
    req, _helpers = _matched(pool)
    s = req.secondments.first()
    _approve(pool, s)
    with pytest.raises(DomainError):
        secondments.secondment_accept(actor=pool.other_coordinator, secondment=s, now=NOW)


def test_a_helper_is_never_held_twice_for_overlapping_days(pool):
    helper = pool.member(pool.other, login=True)
    first = requests.request_create(
        actor=pool.coordinator, municipality=pool.town, data=request_data(slots=1), now=NOW
    )
    second = requests.request_create(
        actor=pool.coordinator, municipality=pool.town, data=request_data(slots=1), now=NOW
    )
    matching.request_match(actor=pool.coordinator, requests=[first], now=NOW)
    matching.request_match(actor=pool.coordinator, requests=[second], now=NOW)
    a, b = first.secondments.get(member=helper), second.secondments.get(member=helper)
    _approve(pool, a)
    with pytest.raises(Conflict) as exc:
        _approve(pool, b)
    assert exc.value.code == "double_booked"
    assert HeldDay.objects.filter(member=helper).count() == a.days


def test_declining_frees_the_days(pool):
    req, _helpers = _matched(pool)
    s = req.secondments.first()
    _approve(pool, s)
    secondments.secondment_decline(actor=s.member.employee.user, secondment=s)
    assert not HeldDay.objects.filter(secondment=s).exists()


def test_cancelling_removes_absence_and_bookings(pool):
    req, _helpers = _matched(pool)
    s = req.secondments.first()
    _approve(pool, s)
    secondments.secondment_accept(actor=s.member.employee.user, secondment=s, now=NOW)
    secondments.secondment_cancel(actor=pool.other_coordinator, secondment=s)
    assert not Absence.objects.filter(employee=s.member.employee, kind="seconded").exists()
    assert not LedgerEntry.objects.filter(secondment=s).exists()


def test_standing_down_cancels_open_proposals(pool):
    req, _helpers = _matched(pool)
    requests.request_stand_down(actor=pool.coordinator, request=req)
    assert not req.secondments.filter(status="proposed").exists()
    assert MONDAY  # the fixed calendar of the module


def test_case_exchange_books_hours_in_the_same_ledger(pool):
    rows = cases_book(
        actor=pool.coordinator,
        lender=pool.town,
        borrower=pool.other,
        start=MONDAY,
        end=MONDAY + timedelta(days=11),
        hours_per_week=Decimal("20.0"),
        note="Wohngeld",
    )
    assert [r.hours for r in rows] == [Decimal("20.0"), Decimal("20.0")]
    assert {r.kind for r in rows} == {"cases"}
    rows_by = {
        b.name: b for b in selectors.balances(pool.coordinator, today=MONDAY + timedelta(weeks=3))
    }
    assert rows_by[pool.town.name].lent == Decimal("40.0")
    with pytest.raises(DomainError):
        cases_book(
            actor=pool.coordinator,
            lender=pool.town,
            borrower=pool.town,
            start=MONDAY,
            end=MONDAY,
            hours_per_week=Decimal("1"),
        )


def test_helper_and_home_coordinator_hear_once_before_the_end(pool, mailoutbox):
    req, _helpers = _matched(pool)
    s = req.secondments.first()
    s.member.employee.email = "helfer@example.org"
    s.member.employee.save()
    _approve(pool, s)
    secondments.secondment_accept(actor=s.member.employee.user, secondment=s, now=NOW)
    before_end = NOW + (s.end - NOW.date()) - timedelta(days=3)
    assert secondments_remind_ending(now=NOW) == 0  # more than two weeks ahead
    assert secondments_remind_ending(now=before_end) == 1
    assert secondments_remind_ending(now=before_end) == 0  # only once
    (mail,) = mailoutbox
    assert "helfer@example.org" in mail.to and pool.other_coordinator.email in mail.to
    assert s.member.pseudonym in mail.body


def test_a_request_is_closed_once_its_period_is_over_and_open_proposals_lapse(pool):
    req, _helpers = _matched(pool)
    agreed = req.secondments.order_by("pk").first()
    _approve(pool, agreed)
    secondments.secondment_accept(actor=agreed.member.employee.user, secondment=agreed, now=NOW)
    last_day = NOW + (req.end - NOW.date())
    assert requests_close_finished(now=last_day) == 0  # still running on its last day
    assert requests_close_finished(now=last_day + timedelta(days=1)) == 1
    req.refresh_from_db()
    assert req.get_status_display() == "abgeschlossen"
    assert {s.status for s in req.secondments.exclude(pk=agreed.pk)} <= {"cancelled"}
    assert req.secondments.get(pk=agreed.pk).status == "accepted"
    assert AuditEntry.objects.filter(
        municipality=req.municipality, summary__startswith="Anfrage abgeschlossen"
    ).exists()
    assert requests_close_finished(now=last_day + timedelta(days=2)) == 0  # only once


def test_extending_beyond_three_months_needs_the_hearing_and_moves_absence_and_ledger(pool):
    req, _helpers = _matched(pool)
    s = req.secondments.first()
    _approve(pool, s)
    secondments.secondment_accept(actor=s.member.employee.user, secondment=s, now=NOW)
    longer = s.start + timedelta(days=120)
    with pytest.raises(DomainError) as exc:
        secondments.secondment_extend(actor=pool.other_coordinator, secondment=s, new_end=longer)
    assert exc.value.code == "hearing_missing"
    s = secondments.secondment_extend(
        actor=pool.other_coordinator, secondment=s, new_end=longer, hearing_on=NOW.date()
    )
    assert HeldDay.objects.filter(secondment=s).count() == 121
    absence = Absence.objects.get(pk=s.absence_id)
    assert absence.end == longer
    assert Absence.objects.filter(employee=s.member.employee, kind="seconded").count() == 1
    assert LedgerEntry.objects.filter(secondment=s).latest("week").week <= longer


def test_a_new_request_alerts_the_members_who_could_serve_it(
    pool, mailoutbox, django_capture_on_commit_callbacks
):
    fits = pool.member(pool.other)
    pool.member(pool.other, skills=("hotline",))  # lacks the skill
    pool.member(pool.town)  # the requesting town's own member
    for m in PoolMember.objects.all():
        m.employee.email = f"{m.pseudonym.lower()}@example.org"
        m.employee.save()
    with django_capture_on_commit_callbacks(execute=True):
        requests.request_create(
            actor=pool.coordinator, municipality=pool.town, data=request_data(), now=NOW
        )
    assert [m.to for m in mailoutbox] == [[f"{fits.pseudonym.lower()}@example.org"]]
    assert "Kontaktnachverfolgung" in mailoutbox[0].subject


def _citizen_office(*members):
    Employee.objects.filter(pk__in=[m.employee_id for m in members]).update(
        job_role=Employee.JobRole.CLERK
    )


def test_lending_a_clerk_while_the_lenders_promise_is_missed_warns_until_confirmed(pool):
    req, helpers = _matched(pool)
    _citizen_office(*helpers)
    promise_with_figures(pool.other, successes=140)  # 70 % against a promise of 90 %
    s = req.secondments.first()
    with pytest.raises(DomainError) as exc:
        _approve(pool, s)
    assert exc.value.code == "below_standard"
    assert "Termin in 10 Arbeitstagen" in exc.value.message and "70 %" in exc.value.message
    assert not s.held_days.exists()
    _approve(pool, s, standard_override=True)
    s.refresh_from_db()
    assert s.status == Secondment.Status.APPROVED and s.standard_override is True
    assert AuditEntry.objects.filter(summary__contains="trotz Servicestandard").exists()


def test_a_promise_met_only_within_the_uncertainty_still_warns(pool):
    req, helpers = _matched(pool)
    _citizen_office(*helpers)
    promise_with_figures(pool.other, successes=184)  # 92 %, but the interval reaches below 90 %
    warnings = selectors.standard_warnings(req.secondments.first(), today=NOW.date())
    assert [w.missed for w in warnings] == [False]


def test_a_promise_met_with_certainty_or_lending_outside_the_citizen_office_does_not_warn(pool):
    req, helpers = _matched(pool)
    promise_with_figures(pool.other, successes=200)
    s = req.secondments.first()
    assert selectors.standard_warnings(s, today=NOW.date()) == []  # not in the citizen office
    _citizen_office(*helpers)
    assert selectors.standard_warnings(s, today=NOW.date()) == []  # 100 % of 200 cases
    _approve(pool, s)
    s.refresh_from_db()
    assert s.standard_override is False


def test_too_few_cases_give_no_warning_about_apromise_with_figures(pool):
    req, helpers = _matched(pool)
    _citizen_office(*helpers)
    promise_with_figures(pool.other, successes=4, cases=20)
    assert selectors.standard_warnings(req.secondments.first(), today=NOW.date()) == []


def test_only_the_lenders_own_promises_count(pool):
    req, helpers = _matched(pool)
    _citizen_office(*helpers)
    promise_with_figures(pool.town, successes=20)  # the borrower misses its promise, not the lender
    assert selectors.standard_warnings(req.secondments.first(), today=NOW.date()) == []


def test_the_secondment_page_shows_the_service_standard_warning_and_asks_to_confirm(client, pool):
    req, helpers = _matched(pool)
    _citizen_office(*helpers)
    promise_with_figures(pool.other, successes=140, today=timezone.localdate())
    s = req.secondments.first()
    client.force_login(pool.other_coordinator)
    page = client.get(f"/personalpool/abordnungen/{s.pk}/").content.decode()
    assert "Termin in 10 Arbeitstagen" in page and "70 %" in page
    refused = client.post(
        f"/personalpool/abordnungen/{s.pk}/", {"works_council_on": NOW.date().isoformat()}
    )
    assert refused.status_code == 200 and "Servicestandard der eigenen Kommune" in (
        refused.content.decode()
    )
    client.post(
        f"/personalpool/abordnungen/{s.pk}/",
        {"works_council_on": NOW.date().isoformat(), "standard_override": "on"},
    )
    s.refresh_from_db()
    assert s.status == Secondment.Status.APPROVED and s.standard_override


def test_a_request_the_floor_leaves_short_is_offered_case_exchange_by_the_lender(pool):
    for _ in range(3):
        pool.member(pool.other)
    StaffingFloor.objects.create(
        municipality=pool.other, org_unit=pool.units[pool.other.pk], minimum=2
    )
    req = requests.request_create(
        actor=pool.coordinator, municipality=pool.town, data=request_data(slots=3), now=NOW
    )
    matching.request_match(actor=pool.coordinator, requests=[req], now=NOW)
    req.refresh_from_db()
    messages = [selectors.shortfall_message(n) for n in req.match_note]
    assert messages[-1].startswith("Statt Abordnung: Fallbearbeitung anfragen")
    assert f"{pool.other.name} (2 Personen)" in messages[-1]
