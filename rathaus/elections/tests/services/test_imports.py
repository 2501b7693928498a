"""votemanager open-data CSV: byte-identical round trip, imports refused whole with line numbers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rathaus.core.models import Role, User
from rathaus.elections.models import Result
from rathaus.elections.selectors.results import csv_export
from rathaus.elections.services.imports import results_import_csv
from rathaus.elections.services.results import result_approve, result_enter

from ..conftest import district, enter_and_approve, figures, make_election

pytestmark = pytest.mark.django_db


def _state(election):
    return list(
        Result.objects.filter(election=election)
        .order_by("district__number")
        .values_list("state", "a", "b", "c", "d", "votes")
    )


@pytest.fixture
def counted(election, officer_a, officer_b):
    enter_and_approve(election, "0101", figures([300, 200, 100]), officer_a, officer_b)
    result_enter(  # entered, not approved
        result=district(election, "B01").result,
        actor=officer_a,
        figures=figures([50, 40, 10], postal=True),
    )
    return election  # 0102 not reported: empty cells, eligible voters known


def test_export_import_export_is_byte_identical(town, counted, officer_a):
    for approved_only in (True, False):
        first = csv_export(counted, approved_only=approved_only)
        copy = make_election(town)
        outcome = results_import_csv(
            election=copy, data=first.encode("utf-8"), actor=officer_a, commit=True
        )
        assert outcome.ok, outcome.errors
        assert csv_export(copy, approved_only=False).encode() == first.encode()


def test_csv_layout_empty_cell_is_not_zero(client, counted):
    response = client.get(reverse("elections:public_csv", args=[counted.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8").split("\r\n")
    assert lines[0] == (
        "datum;wahl;ags;gebiet-nr;gebiet-name;max-schnellmeldungen;anz-schnellmeldungen;"
        "A1;A2;A3;A;B;B1;C;D;D1;D2;D3"
    )
    by_number = {line.split(";")[3]: line for line in lines[1:] if line}
    assert by_number["0101"].endswith(";1;1;900;95;5;1000;603;5;3;600;300;200;100")
    assert by_number["0102"].endswith(";1;0;1400;100;0;1500;;;;;;;")  # not reported ≠ 0
    assert by_number["B01"].endswith(";1;0;0;0;0;0;;;;;;;")  # entered, not approved yet


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.one_of(st.none(), st.lists(st.integers(0, 300), min_size=3, max_size=3)),
        min_size=3,
        max_size=3,
    )
)
def test_round_trip_property(town, officer_a, officer_b, reports):
    source = make_election(town)
    eligible = {"0101": (900, 95, 5, 1000), "0102": (1400, 100, 0, 1500)}
    for number, votes in zip(("0101", "0102", "B01"), reports, strict=True):
        if votes is not None:
            enter_and_approve(
                source,
                number,
                figures(votes, a=eligible.get(number, (0, 0, 0, 0)), postal=number == "B01"),
                officer_a,
                officer_b,
            )
    text = csv_export(source)
    target = make_election(town)
    assert results_import_csv(election=target, data=text.encode(), actor=officer_a, commit=True).ok
    assert csv_export(target, approved_only=False) == text


def _upload(client, election, data: bytes):
    return client.post(
        reverse("elections:import", args=[election.pk]),
        {"file": SimpleUploadedFile("ergebnis.csv", data, content_type="text/csv")},
    )


def _good_csv(election) -> str:
    source = make_election(election.municipality)
    source.title = election.title
    source.save()

    a = User.objects.create_user("csv_a", password="x-passwort-123", roles=[Role.ELECTION_OFFICER])
    b = User.objects.create_user("csv_b", password="x-passwort-123", roles=[Role.ELECTION_OFFICER])
    enter_and_approve(source, "0101", figures([300, 200, 100]), a, b)
    enter_and_approve(source, "0102", figures([500, 400, 300], a=(1400, 100, 0, 1500)), a, b)
    return csv_export(source)


def test_import_preview_then_confirm_enters_results_for_approval(
    client, election, officer_a, officer_b
):
    text = _good_csv(election)
    client.force_login(officer_a)
    response = _upload(client, election, text.encode())
    html = response.content.decode()
    assert response.status_code == 200 and "Vorschau: 2 Änderung(en)" in html
    assert "Zeile 2: Wahlbezirk 0101 (Altstadt) – erfasst" in html
    assert _state(election)[0][0] == "empty"  # nothing saved yet
    response = client.post(reverse("elections:import", args=[election.pk]), {"confirm": "1"})
    assert response.status_code == 302
    result = district(election, "0102").result
    assert result.state == Result.State.ENTERED and result.entered_by == officer_a
    assert result.votes == [500, 400, 300]
    for entered in Result.objects.filter(election=election, state=Result.State.ENTERED):
        result_approve(result=entered, actor=officer_b)
    assert Result.objects.filter(election=election, state=Result.State.APPROVED).count() == 2


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda t: t.replace("gebiet-nr", "bezirk", 1), "Zeile 1: Kopfzeile passt nicht"),
        (lambda t: t.replace(";D3\r\n", ";D3;D4\r\n", 1), "Zeile 1:"),
        (
            lambda t: t.replace(";0102;", ";0999;", 1),
            "Zeile 3: gebiet-nr: 0999 ist kein Wahlbezirk",
        ),
        (
            lambda t: t.replace(";300;200;100", ";-300;200;100", 1),
            "Zeile 2: D1: '-300' ist negativ",
        ),
        (
            lambda t: t.replace(";500;400;300", ";500;400;3x0", 1),
            "Zeile 3: D3: '3x0' ist keine ganze Zahl",
        ),
        (
            lambda t: t.replace(";500;400;300", ";500;400;301", 1),
            "Zeile 3: Wahlbezirk 0102 (Neustadt): D (gültige Stimmen)",
        ),
        (lambda t: t.replace(";0599", ";0699"), "ags:"),
        (lambda t: t.replace("14.09.2025", "13.09.2025"), "ist nicht der Wahltag"),
    ],
)
def test_bad_import_is_refused_whole_with_line_numbers(
    client, election, officer_a, mutate, expected
):
    text = _good_csv(election)
    bad = mutate(text)
    assert bad != text
    client.force_login(officer_a)
    before = _state(election)
    response = _upload(client, election, bad.encode("utf-8"))
    html = response.content.decode()
    assert response.status_code == 422
    assert "Es wurde nichts importiert" in html
    assert expected in html.replace("&#x27;", "'"), html[html.find("import-errors") :][:800]
    assert _state(election) == before  # in particular line 2 (valid) was not imported


def test_windows_1252_file_is_refused_with_line_number(client, election, officer_a):
    text = _good_csv(election)
    client.force_login(officer_a)
    response = _upload(client, election, text.encode("cp1252"))
    html = response.content.decode()
    assert response.status_code == 422
    assert "Zeile 2: Die Datei ist nicht UTF-8-kodiert" in html
    assert _state(election)[0][0] == "empty"


def test_import_cannot_overwrite_approved_results(election, officer_a, officer_b):
    enter_and_approve(election, "0101", figures([1, 2, 3]), officer_a, officer_b)
    text = _good_csv(election)
    outcome = results_import_csv(
        election=election, data=text.encode(), actor=officer_a, commit=True
    )
    assert not outcome.ok
    assert outcome.errors[0][0] == 2 and "bereits freigegeben" in outcome.errors[0][1]
    assert district(election, "0102").result.state == Result.State.EMPTY
