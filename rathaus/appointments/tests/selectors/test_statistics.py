# ruff: noqa: F401, F811  (pytest fixtures imported from counter_fixtures)
"""Statistics on a small known data set: exact numbers in selectors, page, CSV and API."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from rathaus.appointments.models import Appointment, DateException
from rathaus.appointments.selectors import statistics as statistics_selectors
from rathaus.appointments.tests.counter_fixtures import clerk, make_appointment
from rathaus.appointments.tests.helpers import NOW, at, make_office
from rathaus.core.models import Role

S = Appointment.Status
SRC = Appointment.Source
MONDAY = date(2027, 3, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def known_day(town, other_town):
    """Monday 1 March 2027, two counters open 08–12 (240 minutes each).

    planned: a1 08:00 15' online served (waited 10'), a2 08:15 30' online served (5'),
             a3 09:00 15' online no-show, a4 09:15 15' staff served (20'),
             a5 10:00 cancelled (not realised)
    walk-in: w1 served (30'), w2 no-show (40')
    waits [5, 10, 20, 30, 40] → median 20, p90 36; no-shows 2 / 6; online 3 / 6;
    walk-in 2 / 6; Schalter 1 45 / 240, Schalter 2 30 / 240; booking lead [7, 3, 0, 1] → 2
    """
    location, (c1, c2), ausweis, kfz = make_office(town, counters=2, name="Statistikamt")

    def visit(a, checked_in, called, outcome):
        a.checked_in_at, a.called_at = checked_in, called
        a.called_counter = a.counter or c2
        a.status = outcome
        a.save()
        return a

    a1 = make_appointment(location, c1, at(1, 8), ausweis, booked_at=at(22, 12, month=2))
    visit(a1, at(1, 7, 55), at(1, 8, 5), S.SERVED)
    a2 = make_appointment(location, c1, at(1, 8, 15), kfz, booked_at=at(26, 9, month=2))
    visit(a2, at(1, 8, 15), at(1, 8, 20), S.SERVED)
    make_appointment(location, c2, at(1, 9), ausweis, status=S.NO_SHOW, booked_at=at(1, 6, 30))
    a4 = make_appointment(
        location, c2, at(1, 9, 15), ausweis, source=SRC.STAFF, booked_at=at(28, 10, month=2)
    )
    visit(a4, at(1, 9), at(1, 9, 20), S.SERVED)
    make_appointment(location, c1, at(1, 10), ausweis, status=S.CANCELLED, booked_at=at(1, 6, 45))
    w1 = make_appointment(
        location, None, at(1, 9, 5), ausweis, source=SRC.WALK_IN, booked_at=at(1, 9, 5)
    )
    visit(w1, at(1, 9, 5), at(1, 9, 35), S.SERVED)
    w2 = make_appointment(
        location, None, at(1, 9, 10), ausweis, source=SRC.WALK_IN, booked_at=at(1, 9, 10)
    )
    visit(w2, at(1, 9, 10), at(1, 9, 50), S.NO_SHOW)
    # outside the period or the municipality: never counted
    make_appointment(location, c1, at(2, 9), ausweis, status=S.NO_SHOW, booked_at=at(1, 7))
    foreign, (fc,), fa, _fk = make_office(other_town, counters=1, name="Fremdes Amt")
    make_appointment(foreign, fc, at(1, 9), fa, status=S.NO_SHOW)
    return location, c1, c2, ausweis, kfz


def test_statistics_exact_numbers(known_day):
    location, c1, c2, ausweis, kfz = known_day
    s = statistics_selectors.statistics([location], MONDAY, MONDAY, now=NOW)
    assert (s.served, s.no_shows) == (4, 2)
    assert s.no_show_rate == pytest.approx(2 / 6)
    assert s.waiting_count == 5
    assert s.waiting_median_minutes == 20
    assert s.waiting_p90_minutes == pytest.approx(36)
    assert s.realised == 6
    assert {k: n for k, _l, n in s.by_source} == {
        "online": 3,
        "walk_in": 2,
        "staff": 1,
        "waiting_list": 0,
    }
    assert s.online_share == pytest.approx(0.5)
    assert s.walk_in_share == pytest.approx(2 / 6)
    use = {u.counter.pk: (u.booked_minutes, u.open_minutes) for u in s.utilisation}
    assert use == {c1.pk: (45, 240), c2.pk: (30, 240)}
    assert [u.ratio for u in s.utilisation] == [pytest.approx(0.1875), pytest.approx(0.125)]
    # bookings made on that Monday: a3, a5 (cancelled later, still a booking) and the
    # Tuesday appointment; walk-ins are not bookings
    assert s.bookings_per_day == [(MONDAY, 3)]
    assert s.booking_lead_median_days == 2
    # lead time now (Monday 07:00): Ausweis free at 08:00 (Schalter 2), Kfz at 08:50
    # (Schalter 1 busy until 08:45; slots lie on the 10-minute grid)
    lead = {lt.service.pk: (lt.days, lt.earliest) for lt in s.lead_times}
    assert lead[ausweis.pk] == (0, at(1, 8))
    assert lead[kfz.pk] == (0, at(1, 8, 50))


def test_open_minutes_follow_exceptions_and_holidays(known_day, town):
    location, c1, c2, *_ = known_day
    DateException.objects.create(
        municipality=town, location=location, counter=c1, date=date(2027, 3, 3), closed=True
    )
    s = statistics_selectors.statistics(
        [location], MONDAY, date(2027, 3, 7), now=NOW, with_lead_times=False
    )
    use = {u.counter.pk: u.open_minutes for u in s.utilisation}
    assert use == {c1.pk: 4 * 240, c2.pk: 5 * 240}  # Wednesday closed for Schalter 1
    easter = statistics_selectors.statistics(
        [location], date(2027, 3, 26), date(2027, 3, 26), with_lead_times=False
    )  # Good Friday (NW)
    assert {u.open_minutes for u in easter.utilisation} == {0}


def test_percentile_interpolates_like_numpy():
    assert statistics_selectors.percentile([1, 2, 3, 4], 90) == pytest.approx(3.7)
    assert statistics_selectors.percentile([7], 90) == 7
    assert statistics_selectors.percentile([], 90) is None


def test_statistics_page_shows_numbers_charts_and_tables(client, clerk, known_day):
    location, c1, *_ = known_day
    client.force_login(clerk)
    response = client.get(
        reverse("appointments:statistics"),
        {"standort": location.pk, "von": "2027-03-01", "bis": "2027-03-01"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "33,3 %" in body and "(2 von 6)" in body  # no-show rate
    assert "20,0 Minuten" in body and "36,0 Minuten" in body
    assert "50,0 %" in body  # online share
    assert "18,8 %" in body and "12,5 %" in body  # utilisation
    assert body.count("<svg") == 4 and "<title>Schalter 1: 18,8 %</title>" in body
    assert body.count("<caption") >= 4
    assert 'style="' not in body  # CSP: no inline styles


def test_statistics_form_errors_are_german_and_never_fail(client, clerk, known_day):
    client.force_login(clerk)
    url = reverse("appointments:statistics")
    body = client.get(url, {"von": "2027-03-05", "bis": "2027-03-01"}).content.decode()
    assert "„bis“ darf nicht vor „von“ liegen." in body
    body = client.get(url, {"von": "morgen", "standort": "999999"}).content.decode()
    assert "Bitte ein gültiges Datum eingeben" in body
    assert "Bitte wählen Sie einen Standort aus der Liste." in body
    response = client.get(reverse("appointments:statistics_csv"), {"tabelle": "??", "bis": "x"})
    # an export of another period than asked for would mislead: refused with the reason
    assert response.status_code == 400
    assert "Bitte ein gültiges Datum eingeben" in response.content.decode()
    assert client.get(reverse("appointments:statistics_csv"), {"tabelle": "??"}).status_code == 200


def test_csv_export_per_day(client, clerk, known_day):
    location, *_ = known_day
    client.force_login(clerk)
    response = client.get(
        reverse("appointments:statistics_csv"),
        {"standort": location.pk, "von": "2027-03-01", "bis": "2027-03-02"},
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "Datum;Buchungen;Termine;online;Wartemarken;Erledigt;Nicht erschienen;"
        "Nichterscheinen (%);Wartezeit Median (Min.);Wartezeit 90. Perzentil (Min.);"
        "Gebuchte Minuten;Geöffnete Minuten;Auslastung (%)"
    )
    assert lines[1] == "01.03.2027;3;6;3;2;4;2;33,3;20,0;36,0;75;480;15,6"
    assert lines[2] == "02.03.2027;0;1;1;0;0;1;100,0;–;–;15;480;3,1"


def test_csv_export_per_counter_and_lead_time(client, clerk, known_day):
    location, *_ = known_day
    client.force_login(clerk)
    params = {"standort": location.pk, "von": "2027-03-01", "bis": "2027-03-01"}
    lines = (
        client.get(reverse("appointments:statistics_csv"), {**params, "tabelle": "schalter"})
        .content.decode("utf-8-sig")
        .splitlines()
    )
    assert lines == [
        "Standort;Schalter;Gebuchte Minuten;Geöffnete Minuten;Auslastung (%)",
        "Statistikamt;Schalter 1;45;240;18,8",
        "Statistikamt;Schalter 2;30;240;12,5",
    ]
    lines = (
        client.get(reverse("appointments:statistics_csv"), {**params, "tabelle": "vorlauf"})
        .content.decode("utf-8-sig")
        .splitlines()
    )
    assert lines[0] == "Standort;Leistung;Vorlaufzeit (Tage);Nächster freier Termin"
    assert len(lines) == 3


def test_statistics_api_json(client, make_user, town, known_day):
    location, c1, *_ = known_day
    client.force_login(make_user(Role.LEADERSHIP, municipality=town))
    response = client.get(
        "/api/v1/appointments/staff/statistics",
        {"date_from": "2027-03-01", "date_to": "2027-03-01", "location_id": location.pk},
    )
    assert response.status_code == 200
    data = response.json()
    assert data["no_show_rate"] == pytest.approx(2 / 6)
    assert data["waiting_median_minutes"] == 20
    assert data["waiting_p90_minutes"] == pytest.approx(36)
    assert data["online_share"] == pytest.approx(0.5)
    assert data["utilisation"][0] == {
        "counter_id": c1.pk,
        "counter": "Schalter 1",
        "location_id": location.pk,
        "booked_minutes": 45,
        "open_minutes": 240,
        "utilisation": 0.1875,
    }
    bad = client.get(
        "/api/v1/appointments/staff/statistics",
        {"date_from": "2027-03-05", "date_to": "2027-03-01"},
    )
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"


def test_csv_export_neutralises_formula_cells(client, clerk, known_day):
    location, c1, *_ = known_day
    c1.name = '=HYPERLINK("http://example.invalid","Schalter")'
    c1.save()
    client.force_login(clerk)
    params = {"standort": location.pk, "von": "2027-03-01", "bis": "2027-03-01"}
    lines = (
        client.get(reverse("appointments:statistics_csv"), {**params, "tabelle": "schalter"})
        .content.decode("utf-8-sig")
        .splitlines()
    )
    assert lines[1].startswith('Statistikamt;"\'=HYPERLINK(""http://example.invalid')
    assert lines[2] == "Statistikamt;Schalter 2;30;240;12,5"  # legitimate rows unchanged
