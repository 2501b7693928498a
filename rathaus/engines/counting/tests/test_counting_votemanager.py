from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rathaus.engines.counting import CsvImportError, CsvMeta, DistrictResult, read_csv, write_csv
from rathaus.engines.counting.votemanager import header

from .factories import ags_codes, any_results, brief, election_dates, safe_text, urne

META = CsvMeta(date(2025, 9, 14), "Bürgermeisterwahl", "05314000")
HEAD = "datum;wahl;ags;gebiet-nr;gebiet-name;max-schnellmeldungen;anz-schnellmeldungen;"
HEAD += "A1;A2;A3;A;B;B1;C;D;D1;D2;D3"


def sample() -> list[DistrictResult]:
    return [
        urne("0101", (400, 300, 100), invalid=10, card=20),
        DistrictResult("0102", 'Altstadt "Süd"; Markt', "urne", 700, 20, 0, 720, votes=(None,) * 3),
        brief("B91061", (50, 25, 25), invalid=1),
    ]


def test_export_layout():
    text = write_csv(META, sample())
    lines = text.split("\r\n")
    assert lines[0] == HEAD
    assert (
        lines[1]
        == "14.09.2025;Bürgermeisterwahl;05314000;0101;Bezirk 0101;1;1;1630;20;0;1650;810;20;10;800;400;300;100"
    )
    assert (
        lines[2]
        == '14.09.2025;Bürgermeisterwahl;05314000;0102;"Altstadt ""Süd""; Markt";1;0;700;20;0;720;;;;;;;'
    )
    assert lines[3].startswith(
        "14.09.2025;Bürgermeisterwahl;05314000;B91061;Briefwahl B91061;1;1;0;0;0;0;101;"
    )
    assert lines[4] == "" and len(lines) == 5  # every line ends with CRLF


def test_import_returns_meta_and_results_with_kinds():
    meta, rs = read_csv(
        write_csv(META, sample()), expected_districts={"0101", "0102", "B91061"}, n_candidates=3
    )
    assert meta == META
    assert rs == sample()
    assert [r.kind for r in rs] == ["urne", "urne", "brief"]


def test_import_accepts_bytes_bom_and_lf():
    text = write_csv(META, sample())
    assert read_csv(b"\xef\xbb\xbf" + text.encode())[1] == sample()
    assert read_csv(text.replace("\r\n", "\n"))[1] == sample()
    assert read_csv("\ufeff" + text)[1] == sample()


def test_postal_with_empty_eligible_is_written_as_zero():
    r = DistrictResult("9001", "Brief", "brief", None, None, None, None, 3, 3, 0, 3, (1, 1, 1))
    _, (back,) = read_csv(write_csv(META, [r]))
    assert back.kind == "brief" and back.A == 0


def test_kind_mapping_overrides_inference():
    _, rs = read_csv(
        write_csv(META, sample()),
        expected_districts={"0101": "urne", "0102": "urne", "B91061": "urne"},
    )
    assert rs[2].kind == "urne"


def test_non_utf8_is_rejected_clearly():
    text = write_csv(META, sample()).encode("utf-8").replace("ü".encode(), "ü".encode("latin-1"))
    with pytest.raises(CsvImportError) as err:
        read_csv(text)
    ((line, msg),) = err.value.problems
    assert line == 2 and "nicht UTF-8" in msg
    with pytest.raises(CsvImportError, match="Byte-Position 3"):
        read_csv(b"\xef\xbb\xbf\xff")


def test_all_problems_are_reported_at_once():
    good = write_csv(META, sample()).split("\r\n")
    bad = [
        good[0],
        good[1].replace(";400;", ";4x0;").replace(";810;", ";-810;"),
        good[1],  # duplicate of line 2's district
        good[2].replace("14.09.2025", "2025-09-14"),
        good[3].replace("B91061", "X999"),
        "14.09.2025;Bürgermeisterwahl;05314000;0200;Kurz;1;0;1;2",
        good[3].replace("05314000", "05314001").replace("B91061", "0300"),
    ]
    with pytest.raises(CsvImportError) as err:
        read_csv(
            "\r\n".join(bad),
            expected_districts={"0101", "0102", "B91061", "0200", "0300"},
            n_candidates=4,
        )
    problems = err.value.problems
    text = "\n".join(f"{n}: {m}" for n, m in problems)
    assert (1, "3 Stimmenspalten (D1…D3), erwartet 4 bei 4 Bewerber(n)") in problems
    assert "2: D1: '4x0' ist keine ganze Zahl" in text
    assert "2: B: '-810' ist negativ" in text
    assert "3: gebiet-nr: 0101 ist doppelt (zuerst in Zeile 2)" in text
    assert "4: datum: '2025-09-14' ist kein Datum" in text
    assert "5: gebiet-nr: X999 ist kein Wahlbezirk dieser Wahl" in text
    assert "6: 9 Spalten statt 18" in text
    assert "7: datum/wahl/ags weichen von Zeile 2 ab" in text
    assert "Zeile 2:" in str(err.value)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "leer"),
        ("\r\n\r\n", "leer"),
        ("a;b;c\r\n", "Kopfzeile"),
        (HEAD.replace("D3", "D4") + "\r\n", "Kopfzeile"),
        (HEAD + "\r\n", "keine Wahlbezirke"),
        (HEAD + '\r\n"offen', "CSV-Format"),
    ],
)
def test_structural_errors(text, fragment):
    with pytest.raises(CsvImportError) as err:
        read_csv(text)
    assert fragment in str(err.value)


def test_quick_report_flag_must_match_figures():
    line = write_csv(META, sample()).split("\r\n")
    with pytest.raises(
        CsvImportError, match="anz-schnellmeldungen: 1, aber die Meldung ist unvollständig"
    ):
        read_csv("\r\n".join([line[0], line[2].replace(";1;0;", ";1;1;", 1)]))


def test_huge_numbers_are_rejected_not_crashing():
    line = write_csv(META, sample()).split("\r\n")
    with pytest.raises(CsvImportError, match="zu groß"):
        read_csv("\r\n".join([line[0], line[1].replace(";400;", ";" + "9" * 5000 + ";")]))


@st.composite
def metas(draw: st.DrawFn) -> CsvMeta:
    return CsvMeta(draw(election_dates), draw(safe_text), draw(ags_codes))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(metas(), any_results())
def test_round_trip_is_byte_identical(meta, results):
    first = write_csv(meta, results)
    meta2, back = read_csv(first)
    assert meta2 == meta
    assert write_csv(meta2, back) == first
    # Also through bytes, as uploads arrive.
    assert write_csv(*read_csv(first.encode("utf-8"))) == first
    assert [r.number for r in back] == [r.number for r in results]


def _must_only_raise_import_error(data):
    for kwargs in (
        {},
        {"expected_districts": {"1", "B"}, "n_candidates": 1},
        {"expected_districts": {"1": "brief"}},
    ):
        try:
            read_csv(data, **kwargs)
        except CsvImportError as err:
            assert err.problems and all(isinstance(n, int) and m for n, m in err.problems)


@given(st.text())
def test_fuzz_text_never_crashes(text):
    _must_only_raise_import_error(text)


@given(st.binary())
def test_fuzz_bytes_never_crashes(data):
    _must_only_raise_import_error(data)


@given(
    st.lists(st.text(st.sampled_from(';"\r\n0123-x.B\ufeff'), max_size=12), max_size=40),
    st.integers(1, 3),
)
def test_fuzz_near_valid_files_never_crash(cells, n):
    # Start from a real header so the fuzzing reaches the row checks.
    body = ";".join(cells)
    _must_only_raise_import_error(";".join(header(n)) + "\r\n" + body)
    _must_only_raise_import_error(";".join(header(n)) + "\n14.09.2025;W;05314000;" + body)


def test_open_data_csv_neutralises_formula_names_and_reads_them_back():
    meta = CsvMeta(date(2025, 9, 14), "=cmd|' /C calc'!A0", "05999001")
    result = DistrictResult(
        "0101", "@SUM(1+1)", "urne", 900, 95, 5, 1000, 603, 5, 3, 600, (300, 200, 100)
    )
    text = write_csv(meta, [result])
    line = text.splitlines()[1]
    assert line.startswith("14.09.2025;'=cmd|' /C calc'!A0;05999001;0101;'@SUM(1+1);")
    read_meta, (read,) = read_csv(text)
    assert read_meta.election == meta.election and read.name == "@SUM(1+1)"
