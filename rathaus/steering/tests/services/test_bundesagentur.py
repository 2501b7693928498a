"""The Federal Employment Agency's Excel tables, read by their labels, all or nothing."""

import io
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from rathaus.core.tabular import TabularError
from rathaus.core.uploads import UploadRefused
from rathaus.steering.models import Indicator, IndicatorValue
from rathaus.steering.services.bundesagentur import ba_read, checked_rows, kind_choices
from rathaus.steering.services.statlayout import checked_values_store
from rathaus.steering.tests.conftest import NOW

pytestmark = pytest.mark.django_db

AGS = "05562016"

TITLE = [
    ["Sozialversicherungspflichtig Beschäftigte, Arbeitslose und Kurzarbeit nach Gemeinden"],
    ["Berichtsmonat Juni 2025"],
    ["Erstellungsdatum: 15.07.2025"],
]
HEADER = [
    [
        "Regionalschlüssel",
        "Gemeinde",
        "Sozialversicherungs-\npflichtig Beschäftigte",
        None,
        "Arbeitslose",
        None,
        "Anzeigen über Kurzarbeit",
        None,
    ],
    [
        None,
        None,
        "am Arbeitsort",
        "am Wohnort",
        "insgesamt",
        "darunter Frauen",
        "Anzeigen",
        "Personen",
    ],
    [1, 2, 3, 4, 5, 6, 7, 8],
]
DATA = [
    ["05562004", "Datteln, Stadt", 9000, 10000, 800, 350, 2, 40],
    [AGS, "Herten, Stadt", 18123, "20.456", 3100, 1400, 3, "*"],
    ["05562020", "Waltrop, Stadt", 7000, 9000, 600, 250, "-", "-"],
]


def workbook(*sheets: tuple[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def good() -> bytes:
    return workbook(("Gemeinden", TITLE + [[]] + HEADER + DATA + [["© Statistik der BA"]]))


def test_the_four_kinds_are_found_by_their_headings_and_the_town_by_its_key(ba_indicators, town):
    preview = ba_read(data=good(), municipality=town, mapping=ba_indicators)
    assert preview.ok, preview.errors
    found = {v.kind: (v.line, v.column, v.ref_date, v.value, v.note) for v in preview.values}
    assert found == {
        "arbeitsort": (9, "C", date(2025, 6, 1), 18123.0, ""),
        "wohnort": (9, "D", date(2025, 6, 1), 20456.0, ""),
        "arbeitslose": (9, "E", date(2025, 6, 1), 3100.0, ""),
        # the BA's "*" is no value — shown with its meaning, never stored as 0
        "kurzarbeit": (9, "H", date(2025, 6, 1), None, "„*“ – anonymisiert (Geheimhaltung)"),
    }
    assert [(c.indicator_id, c.value) for c in checked_rows(preview, ba_indicators)] == [
        (ba_indicators["arbeitsort"].pk, 18123.0),
        (ba_indicators["wohnort"].pk, 20456.0),
        (ba_indicators["arbeitslose"].pk, 3100.0),
    ]


def test_storing_twice_changes_nothing_and_a_changed_figure_is_a_revision(
    ba_indicators, town, world
):
    mayor = world["users"]["mayor"]
    preview = ba_read(data=good(), municipality=town, mapping=ba_indicators)
    first = checked_values_store(
        actor=mayor,
        municipality=town,
        rows=checked_rows(preview, ba_indicators),
        label="BA",
        now=NOW,
    )
    assert (first.created, first.revised, first.unchanged) == (3, 0, 0)
    again = checked_values_store(
        actor=mayor,
        municipality=town,
        rows=checked_rows(preview, ba_indicators),
        label="BA",
        now=NOW,
    )
    assert (again.created, again.unchanged) == (0, 3)
    revised = [row[:] for row in DATA]
    revised[1][2] = 18200
    data = workbook(("Gemeinden", TITLE + HEADER + revised))
    preview = ba_read(data=data, municipality=town, mapping=ba_indicators)
    third = checked_values_store(
        actor=mayor,
        municipality=town,
        rows=checked_rows(preview, ba_indicators),
        label="BA",
        now=NOW,
    )
    assert (third.created, third.revised, third.unchanged) == (1, 1, 2)
    versions = IndicatorValue.objects.filter(
        indicator=ba_indicators["arbeitsort"], ref_date=date(2025, 6, 1)
    ).order_by("version")
    assert [(v.version, v.value) for v in versions] == [(1, 18123.0), (2, 18200.0)]


def test_provisional_marks_in_the_title_or_a_trailing_p_are_kept(ba_indicators, town):
    rows = [["Arbeitsmarkt in Zahlen – vorläufige Werte"], ["Stichtag 30.06.2025"], *HEADER]
    data = [row[:] for row in DATA]
    data[1][4] = "3.100 p"
    preview = ba_read(data=workbook(("T", rows + data)), municipality=town, mapping=ba_indicators)
    assert preview.ok and all(v.provisional for v in preview.values)
    plain = [["Arbeitsmarkt"], ["Stichtag 30.06.2025"], *HEADER]
    preview = ba_read(data=workbook(("T", plain + data)), municipality=town, mapping=ba_indicators)
    assert {v.kind: v.provisional for v in preview.values}["arbeitslose"] is True
    assert {v.kind: v.provisional for v in preview.values}["arbeitsort"] is False


@pytest.mark.parametrize(
    ("title", "month"),
    [
        ("Berichtsmonat: Juni 2025", date(2025, 6, 1)),
        ("Stichtag 30.09.2024", date(2024, 9, 1)),
        ("Arbeitslose nach Gemeinden – Dez. 2024 (Datenstand: Januar 2025)", date(2024, 12, 1)),
        (datetime(2025, 3, 31), date(2025, 3, 1)),
    ],
)
def test_the_reference_month_is_read_from_the_title_cells(ba_indicators, town, title, month):
    rows = [["Statistik der Bundesagentur für Arbeit"], [title], *HEADER, *DATA]
    preview = ba_read(data=workbook(("T", rows)), municipality=town, mapping=ba_indicators)
    assert preview.ok and {v.ref_date for v in preview.values} == {month}


def test_a_key_in_front_of_the_name_and_an_ags_stored_as_number_are_found(ba_indicators, town):
    header = [["Gemeinde", "Arbeitslose"]]
    by_prefix = [["05562004 Datteln, Stadt", 800], ["05562016 Herten, Stadt", 3100]]
    rows = [["Juni 2025"], *header, *by_prefix]
    preview = ba_read(data=workbook(("T", rows)), municipality=town, mapping=ba_indicators)
    assert [(v.line, v.value) for v in preview.values] == [(4, 3100.0)]
    town.ags = "01001000"  # Flensburg: Excel keeps 1001000 when the key is a number
    town.save(update_fields=["ags"])
    rows = [["Juni 2025"], ["AGS", "Gemeinde", "Arbeitslose"], [1001000, "Flensburg", 5000]]
    preview = ba_read(data=workbook(("T", rows)), municipality=town, mapping=ba_indicators)
    assert [v.value for v in preview.values] == [5000.0]


def test_the_previous_year_s_column_is_not_taken(ba_indicators, town):
    header = [["Gemeinde", "Arbeitslose", None], [None, "Juni 2025", "Juni 2024"]]
    rows = [["Berichtsmonat Juni 2025"], *header, ["05562016 Herten", 3100, 3300]]
    preview = ba_read(data=workbook(("T", rows)), municipality=town, mapping=ba_indicators)
    assert [(v.column, v.value) for v in preview.values] == [("B", 3100.0)]


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (lambda d: d[1].__setitem__(4, "=SUM(A1:A2)"), 9, "Formel"),
        (lambda d: d[1].__setitem__(4, "viele"), 9, "„viele“ ist keine Zahl"),
        (lambda d: d.append(d[1][:]), 11, "steht mehrfach (Zeilen 9, 11)"),
    ],
)
def test_bad_cells_refuse_the_file_with_the_line_as_excel_shows_it(
    ba_indicators, town, change, line, message
):
    data = [row[:] for row in DATA]
    change(data)
    rows = TITLE + [[]] + HEADER + data
    preview = ba_read(data=workbook(("Gemeinden", rows)), municipality=town, mapping=ba_indicators)
    assert not preview.ok
    assert any(message in m for _n, m in preview.errors), preview.errors
    assert any(n == line for n, _m in preview.errors)


def test_area_not_found_no_month_and_a_wrong_unit_are_refused(ba_indicators, town):
    town.ags = "09162000"
    town.name = "München"
    town.save(update_fields=["ags", "name"])
    preview = ba_read(data=good(), municipality=town, mapping=ba_indicators)
    assert (
        not preview.ok and "Kein Wert für München gefunden (AGS 09162000)" in preview.errors[0][1]
    )
    town.ags, town.name = AGS, "Herten"
    town.save(update_fields=["ags", "name"])
    rows = [["Arbeitsmarkt"], *HEADER, *DATA]
    preview = ba_read(data=workbook(("T", rows)), municipality=town, mapping=ba_indicators)
    assert any("kein Berichtsmonat oder Stichtag" in m for _n, m in preview.errors)
    rate = Indicator.objects.create(
        municipality=town,
        name="Arbeitslosenquote",
        unit="%",
        polarity="down",
        responsible_unit=ba_indicators["arbeitslose"].responsible_unit,
    )
    preview = ba_read(
        data=good(), municipality=town, mapping={**ba_indicators, "arbeitslose": rate}
    )
    assert (
        9,
        "Blatt „Gemeinden“, Spalte E: „Arbeitslose“ zählt Personen, die Kennzahl "
        "„Arbeitslosenquote“ hat die Einheit „%“.",
    ) in preview.errors


def test_all_sheets_or_the_one_named_and_the_same_month_twice_with_other_values(
    ba_indicators, town
):
    other = [row[:] for row in DATA]
    other[1][4] = 3000
    data = workbook(
        ("Inhalt", [["Inhaltsverzeichnis"], ["Tabelle 1"]]),
        ("Tab1", TITLE + HEADER + DATA),
        ("Tab2", TITLE + HEADER + other),
    )
    preview = ba_read(data=data, municipality=town, mapping=ba_indicators)
    assert any("steht schon in Blatt „Tab1“" in m for _n, m in preview.errors)
    assert "Blatt „Inhalt“: keine Tabelle mit bekannten Spalten." in preview.notes
    preview = ba_read(data=data, municipality=town, mapping=ba_indicators, sheet="tab2")
    assert preview.ok and {v.value for v in preview.values if v.kind == "arbeitslose"} == {3000}
    with pytest.raises(TabularError):
        ba_read(data=data, municipality=town, mapping=ba_indicators, sheet="Tab9")


def test_not_an_excel_file_or_too_large_is_refused_before_parsing(ba_indicators, town):
    with pytest.raises(UploadRefused):
        ba_read(data=b"Gemeinde;Arbeitslose\n", municipality=town, mapping=ba_indicators)
    with pytest.raises(UploadRefused):
        ba_read(data=b"PK" + b"0" * (6 * 1024 * 1024), municipality=town, mapping=ba_indicators)


def test_a_kind_without_an_indicator_is_shown_but_not_taken(ba_indicators, town):
    preview = ba_read(
        data=good(), municipality=town, mapping={"arbeitslose": ba_indicators["arbeitslose"]}
    )
    assert preview.ok and [
        c.value for c in checked_rows(preview, {"arbeitslose": ba_indicators["arbeitslose"]})
    ] == [3100.0]
    preview = ba_read(data=good(), municipality=town, mapping={})
    assert "Bitte mindestens einer erkannten Spalte eine Kennzahl zuordnen." in preview.errors[0][1]


def test_indicators_are_preselected_by_their_names(ba_indicators):
    choices = {key: guess for key, _label, guess in kind_choices(list(ba_indicators.values()))}
    assert choices == ba_indicators


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    titles=st.lists(st.sampled_from(["Statistik der BA", "Tabelle 3", "Hinweis"]), max_size=4),
    blanks=st.integers(min_value=0, max_value=2),
    labels=st.permutations([[0], [1]]),
    groups=st.permutations([[2, 3], [4, 5], [6, 7]]),
    numbering=st.booleans(),
)
def test_any_title_rows_and_column_order_find_the_same_values(
    ba_indicators, town, titles, blanks, labels, groups, numbering
):
    """Key and name stay left of the figures (as in every BA table); everything else — extra
    title rows, blank rows, the order of the column groups, a row of column numbers — may vary."""
    order = [i for group in [*labels, *groups] for i in group]

    def arrange(row):
        return [row[i] for i in order]

    rows = (
        [[t] for t in titles]
        + [["Berichtsmonat Juni 2025"]]
        + [[] for _ in range(blanks)]
        + [arrange(r) for r in HEADER[: 3 if numbering else 2]]
        + [arrange(r) for r in DATA]
    )
    preview = ba_read(data=workbook(("T", rows)), municipality=town, mapping=ba_indicators)
    assert preview.ok, preview.errors
    found = {v.kind: v.value for v in preview.values}
    assert found == {
        "arbeitsort": 18123.0,
        "wohnort": 20456.0,
        "arbeitslose": 3100.0,
        "kurzarbeit": None,
    }
