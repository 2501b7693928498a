"""The SDG indicators for municipalities (SDG-Portal, Wegweiser Kommune): wide CSV, by labels."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rathaus.core.tabular import TabularError
from rathaus.core.uploads import UploadRefused
from rathaus.steering.models import Indicator, IndicatorValue
from rathaus.steering.services.sdgportal import sdg_checked, sdg_read
from rathaus.steering.services.statlayout import checked_values_store
from rathaus.steering.tests.conftest import NOW

pytestmark = pytest.mark.django_db

PORTAL = (
    "SDG-Indikatoren für Kommunen\n"
    "Kommune: Herten, Stadt\n"
    "Quelle: SDG-Portal\n"
    "\n"
    "Indikatoren;2021;2022;2023\n"
    "Arbeitslosenquote (%);8,1;7,9;-\n"
    "Flächeninanspruchnahme (m² je Einwohner:in);1.234,5;.;1.240\n"
)


def indicators(town):
    return Indicator.objects.filter(municipality=town)


def test_known_names_are_mapped_unknown_ones_offered_and_signs_give_no_value(herten_rate, town):
    preview = sdg_read(data=PORTAL.encode("cp1252"), municipality=town, indicators=indicators(town))
    assert preview.ok, preview.errors
    rate, land = preview.rows
    assert (rate.line, rate.name, rate.unit, rate.indicator_id) == (
        6,
        "Arbeitslosenquote",
        "%",
        herten_rate.pk,
    )
    assert rate.values == ((2021, 8.1, ""), (2022, 7.9, ""), (2023, None, "„-“ – nichts vorhanden"))
    assert (land.line, land.indicator_id) == (7, None)
    assert land.values[0][1] == 1234.5 and land.values[1][1] is None
    errors, checked = sdg_checked(preview.rows, {6: herten_rate, 7: None})
    assert not errors
    assert [(c.ref_date, c.value) for c in checked] == [
        (date(2021, 12, 1), 8.1),
        (date(2022, 12, 1), 7.9),
    ]


def test_storing_again_changes_nothing_and_a_changed_year_is_a_revision(herten_rate, town, world):
    mayor = world["users"]["mayor"]
    preview = sdg_read(data=PORTAL.encode(), municipality=town, indicators=indicators(town))
    _errors, checked = sdg_checked(preview.rows, {6: herten_rate})
    result = checked_values_store(
        actor=mayor, municipality=town, rows=checked, label="SDG", now=NOW
    )
    assert (result.created, result.unchanged) == (2, 0)
    result = checked_values_store(
        actor=mayor, municipality=town, rows=checked, label="SDG", now=NOW
    )
    assert (result.created, result.unchanged) == (0, 2)
    changed = PORTAL.replace("8,1;7,9", "8,1;7,7")
    preview = sdg_read(data=changed.encode(), municipality=town, indicators=indicators(town))
    _errors, checked = sdg_checked(preview.rows, {6: herten_rate})
    result = checked_values_store(
        actor=mayor, municipality=town, rows=checked, label="SDG", now=NOW
    )
    assert (result.created, result.revised, result.unchanged) == (1, 1, 1)
    versions = IndicatorValue.objects.filter(indicator=herten_rate, ref_date=date(2022, 12, 1))
    assert sorted((v.version, v.value) for v in versions) == [(1, 7.9), (2, 7.7)]


def test_the_wegweiser_names_the_area_below_the_year(herten_rate, town):
    text = (
        'Indikatoren;"2021\nHerten (Recklinghausen)";"2021\nDatteln";"2022\nHerten (Recklinghausen)"\n'
        "Arbeitslosenquote (%);8,1;6,0;7,9\n"
    )
    preview = sdg_read(data=text.encode(), municipality=town, indicators=indicators(town))
    assert preview.ok and preview.skipped == 1
    # the heading spans lines 1-4 of the file; the row is line 5, as an editor shows it
    assert [(r.line, [v for _y, v, _n in r.values]) for r in preview.rows] == [(5, [8.1, 7.9])]


def test_an_area_column_or_key_column_selects_the_rows(herten_rate, town):
    text = (
        "Indikator;GKZ;Kommune;Einheit;2022;2023\n"
        "Arbeitslosenquote;05562004;Datteln;%;6,0;5,9\n"
        "Arbeitslosenquote;05562016;Herten;%;7,9;7,5\n"
    )
    preview = sdg_read(data=text.encode(), municipality=town, indicators=indicators(town))
    assert preview.ok and preview.skipped == 1
    assert [(r.line, r.values[1][1]) for r in preview.rows] == [(3, 7.5)]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Name;Wert\nA;1\n", 1, "Keine Kopfzeile gefunden"),
        (
            "Kommune: Datteln\nIndikatoren;2022\nArbeitslosenquote (%);1\n",
            1,
            "gilt für „Kommune: Datteln“",
        ),
        ("Indikatoren;2022\nArbeitslosenquote (%);1\n", 1, "Für welches Gebiet die Werte gelten"),
        (
            "Kommune: Herten\nIndikatoren;2022\nArbeitslosenquote (%);1.5\n",
            3,
            "keine Zahl im deutschen Format",
        ),
        (
            "Kommune: Herten\nIndikatoren;2022\nArbeitslosenquote (Personen);1\n",
            3,
            "Einheit „Personen“ passt nicht",
        ),
        ("Kommune: Herten\nIndikatoren;2022\nA (%);1\nA (%);2\n", 4, "„A“ steht schon in Zeile 3"),
        ("Kommune: Herten\nIndikatoren;2022\nA (%);\x07\n", 3, "Steuerzeichen"),
        ("Kommune: Herten\nIndikatoren;2022\nA (%);-\n", 2, "keine Werte für Herten"),
    ],
)
def test_bad_files_are_refused_with_line_numbers(herten_rate, town, text, line, message):
    preview = sdg_read(data=text.encode(), municipality=town, indicators=indicators(town))
    assert not preview.ok
    assert any(n == line and message in m for n, m in preview.errors), preview.errors


def test_a_hand_mapping_to_another_unit_or_twice_is_refused(herten_rate, town, world):
    preview = sdg_read(data=PORTAL.encode(), municipality=town, indicators=indicators(town))
    errors, checked = sdg_checked(preview.rows, {6: herten_rate, 7: herten_rate})
    assert errors == [
        (7, "Einheit „m² je Einwohner:in“ passt nicht zur Kennzahl „Arbeitslosenquote“ (%).")
    ]
    errors, _checked = sdg_checked(preview.rows, {})
    assert "Keiner Zeile ist eine Kennzahl zugeordnet" in errors[0][1]


def test_binary_or_oversized_files_are_refused_before_parsing(herten_rate, town):
    with pytest.raises(TabularError):
        sdg_read(data=b"PK\x03\x04\x00\x00", municipality=town, indicators=indicators(town))
    with pytest.raises(UploadRefused):
        sdg_read(data=b"x" * (1024 * 1024 + 1), municipality=town, indicators=indicators(town))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    above=st.lists(st.sampled_from(["SDG-Portal", "Quelle: Statistische Ämter", ""]), max_size=4),
    years=st.permutations([2020, 2021, 2022]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_any_lines_above_year_order_and_encoding_give_the_same_values(
    herten_rate, town, above, years, encoding
):
    values = {2020: "8,4", 2021: "8,1", 2022: "7,9"}
    lines = [*above, "Gebietseinheit: Herten", "Indikatoren;" + ";".join(map(str, years))]
    lines.append("Arbeitslosenquote (%);" + ";".join(values[y] for y in years))
    text = "\n".join(lines) + "\n"
    preview = sdg_read(data=text.encode(encoding), municipality=town, indicators=indicators(town))
    assert preview.ok, preview.errors
    assert sorted((y, v) for y, v, _n in preview.rows[0].values) == [
        (2020, 8.4),
        (2021, 8.1),
        (2022, 7.9),
    ]
