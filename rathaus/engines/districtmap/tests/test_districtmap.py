"""District lookup from the street directory: ranges, sides of the street, CSV import."""

from hypothesis import given
from hypothesis import strategies as st

from rathaus.engines.districtmap import (
    Directory,
    StreetRange,
    normalize_street,
    parse_directory_csv,
    parse_house_number,
    point_in_polygon,
)

LINDEN = [
    StreetRange("Lindenstraße", 1, 39, "odd", "NORD"),
    StreetRange("Lindenstraße", 2, 40, "even", "SUED"),
    StreetRange("Am Markt", 1, 20, "all", "ALT"),
]


def test_spellings_of_a_street_are_the_same_street():
    assert normalize_street("Lindenstr.") == normalize_street("linden-straße")
    assert normalize_street(" LINDENSTRASSE ") == normalize_street("Lindenstraße")
    assert normalize_street("Am Markt") != normalize_street("Am Markt 2")


def test_sides_of_a_street_belong_to_different_districts():
    directory = Directory(LINDEN)
    assert directory.district_of("Lindenstr.", "7") == "NORD"
    assert directory.district_of("Lindenstraße", "8a") == "SUED"
    assert directory.district_of("Lindenstraße", 41) is None
    assert directory.district_of("Unbekannter Weg", 1) is None
    assert directory.district_of("Am Markt", "zwölf") is None


def test_house_numbers_are_parsed_strictly():
    assert parse_house_number("12") == 12
    assert parse_house_number("12 b") == 12
    assert parse_house_number("0") is None
    assert parse_house_number("12-14") is None
    assert parse_house_number("=1+1") is None


def test_csv_import_reports_errors_with_line_numbers():
    text = (
        "Straße;von;bis;Seite;Stadtteil\n"
        "Lindenstraße;1;39;ungerade;NORD\n"
        "Lindenstraße;40;2;gerade;SUED\n"
        "Am Markt;1;x;;ALT\n"
        "\n"
        "Am Markt;1;20;;ALT\n"
        "Zu kurz;1\n"
    )
    result = parse_directory_csv(text)
    assert [r.district for r in result.ranges] == ["NORD", "ALT"]
    assert [e.line for e in result.errors] == [3, 4, 7]
    assert "größer" in result.errors[0].message


def test_overlapping_ranges_of_different_districts_are_named():
    directory = Directory([*LINDEN, StreetRange("Am Markt", 10, 30, "even", "NEU")])
    problems = directory.problems()
    assert len(problems) == 1 and "ALT und NEU" in problems[0]
    assert Directory(LINDEN).problems() == []


def test_point_in_polygon_square():
    square = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]
    assert point_in_polygon(5, 5, square)
    assert not point_in_polygon(15, 5, square)


@given(
    first=st.integers(1, 500),
    length=st.integers(0, 500),
    parity=st.sampled_from(["all", "odd", "even"]),
    number=st.integers(1, 1200),
)
def test_lookup_agrees_with_the_range_definition(first, length, parity, number):
    item = StreetRange("Weg", first, first + length, parity, "D")
    expected = first <= number <= first + length and (
        parity == "all" or (number % 2 == 1) == (parity == "odd")
    )
    assert (Directory([item]).district_of("weg", str(number)) == "D") == expected


@given(st.text(max_size=200))
def test_csv_parser_never_crashes_and_every_row_is_a_range_or_an_error(text):
    result = parse_directory_csv(text)
    for item in result.ranges:
        assert 1 <= item.first <= item.last <= 9999
        assert item.parity in {"all", "odd", "even"}
    assert all(e.line >= 1 for e in result.errors)
