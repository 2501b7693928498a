"""Long CSV import: all or nothing, line-numbered errors, revisions instead of duplicates."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rathaus.steering.models import IndicatorValue
from rathaus.steering.services.imports import first_time, indicator_values_import
from rathaus.steering.tests.conftest import NOW

pytestmark = pytest.mark.django_db


def run(world, text):
    return indicator_values_import(
        actor=world["users"]["mayor"],
        municipality=world["indicator"].municipality,
        open_lines=lambda: io.StringIO(text, newline=""),
        now=NOW,
    )


def test_a_clean_file_is_imported_and_a_changed_month_becomes_a_revision(world):
    last = world["months"][-1]
    text = (
        "datum;gebiet;kennzahl;wert;einheit\n"
        f"{last:%Y-%m};Gesamtstadt;Angezeigte Kurzarbeit;1.234,5;Personen\n"
        "2031-03;Gesamtstadt;Angezeigte Kurzarbeit;410;Personen\n"
    )
    report = run(world, text)
    assert report.ok and report.created == 2
    revised = IndicatorValue.objects.get(indicator=world["indicator"], ref_date=last, version=2)
    assert revised.value == 1234.5
    again = run(world, text)
    assert again.ok and again.created == 0 and again.unchanged == 2


def test_a_bad_file_is_refused_whole_with_line_numbers(world):
    before = IndicatorValue.objects.count()
    text = (
        "datum;gebiet;kennzahl;wert;einheit\n"
        "2031-03;Gesamtstadt;Angezeigte Kurzarbeit;410;Personen\n"
        "2031-13;Gesamtstadt;Angezeigte Kurzarbeit;410;Personen\n"
        "2031-04;Gesamtstadt;Angezeigte Kurzarbeit;viele;Personen\n"
        "2031-05;Gesamtstadt;Angezeigte Kurzarbeit;3;Prozent\n"
        "2031-03;Gesamtstadt;Angezeigte Kurzarbeit;411;Personen\n"
        "2031-06;Gesamtstadt;Unbekannt;1;Personen\n"
        "2031-07;Gesamtstadt;Angezeigte Kurzarbeit\n"
    )
    report = run(world, text)
    assert [line for line, _msg in report.errors] == [3, 4, 5, 6, 7, 8]
    assert "Einheit" in report.errors[2][1] and "weiter oben" in report.errors[3][1]
    assert IndicatorValue.objects.count() == before


def test_a_wrong_header_is_refused(world):
    report = run(world, "a,b,c\n1,2,3\n")
    assert report.errors and report.errors[0][0] == 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(1, 3), st.integers(0, 2400)), max_size=40))
def test_the_repeat_check_finds_exactly_the_months_seen_before(pairs):
    """The bit field per indicator answers like a set of (indicator, month), in any order."""
    seen: dict[int, tuple[int, int]] = {}
    remembered: set[tuple[int, int]] = set()
    for key, index in pairs:
        assert first_time(seen, key, index) == ((key, index) not in remembered)
        remembered.add((key, index))
