from pathlib import Path

import pytest

from rathaus.engines.roster.nrp.parser import NrpFormatError, parse_file, parse_text
from rathaus.engines.roster.nrp.tests.helpers import instance_text, nrp_dir

SMALL = instance_text(
    horizon=7,
    shifts=["E,480,", "L,600,E|L"],
    staff=["A,E=5|L=2,2400,960,5,2,2,1", "B,E=7,3000,0,6,1,1,1"],
    days_off=["A,0,6", "B,3"],
    on=["A,2,E,3"],
    off=["B,4,E,2"],
    cover=["0,E,1,100,1", "5,L,2,50,5"],
)


def test_parses_all_sections():
    inst = parse_text(SMALL, name="small")
    assert inst.name == "small"
    assert inst.horizon == 7
    assert inst.shift_ids == ("E", "L")
    assert inst.shifts[1].minutes == 600
    assert inst.shifts[1].cannot_follow == ("E", "L")
    assert inst.shifts[0].cannot_follow == ()
    a, b = inst.staff
    assert a.max_of("E") == 5 and a.max_of("L") == 2
    assert b.max_of("L") == 0  # absent from MaxShifts => not allowed
    assert (a.max_total_minutes, a.min_total_minutes) == (2400, 960)
    assert (a.max_consecutive_shifts, a.min_consecutive_shifts) == (5, 2)
    assert (a.min_consecutive_days_off, a.max_weekends) == (2, 1)
    assert inst.days_off_of("A") == frozenset({0, 6})
    assert inst.on_requests[0].weight == 3 and inst.off_requests[0].shift == "E"
    assert inst.cover[1].requirement == 2 and inst.cover[1].weight_over == 5
    assert inst.weekends == ((5, 6),)


def _error(text: str) -> NrpFormatError:
    with pytest.raises(NrpFormatError) as info:
        parse_text(text)
    return info.value


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.strip() == needle)


@pytest.mark.parametrize(
    ("bad", "good", "message"),
    [
        ("SECTION_FOO", "SECTION_COVER", "unknown section"),
        ("A,E=5|L=2,2400,960,5,2,2", "A,E=5|L=2,2400,960,5,2,2,1", "expected 8"),
        ("A,E=5|L=2,2400,lots,5,2,2,1", "A,E=5|L=2,2400,960,5,2,2,1", "expected an integer"),
        ("A,E=5|X=2,2400,960,5,2,2,1", "A,E=5|L=2,2400,960,5,2,2,1", "unknown shift id 'X'"),
        ("Z,2,E,3", "A,2,E,3", "unknown staff id 'Z'"),
        ("B,4,N,2", "B,4,E,2", "unknown shift id 'N'"),
        ("7,L,2,50,5", "5,L,2,50,5", "outside the horizon"),
        ("B,3,9", "B,3", "outside the horizon"),
    ],
)
def test_errors_name_the_line(bad, good, message):
    text = SMALL.replace(f"\n{good}\n", f"\n{bad}\n", 1)
    assert text != SMALL
    err = _error(text)
    assert message in err.message
    assert err.line == _line_of(text, bad)
    assert f"{err.line}:" in str(err)


def test_unknown_cannot_follow_shift_points_at_shift_row():
    text = SMALL.replace("L,600,E|L", "L,600,E|Q")
    err = _error(text)
    assert "'Q'" in err.message and err.line == _line_of(text, "L,600,E|Q")


def test_data_before_section_and_missing_horizon():
    assert _error("7\n").line == 1
    assert "horizon" in _error("# only a comment\n").message.lower()


def test_parse_file_names_the_path(tmp_path: Path):
    path = tmp_path / "broken.txt"
    path.write_text(SMALL.replace("SECTION_COVER", "SECTION_COVERS"))
    with pytest.raises(NrpFormatError, match=r"broken\.txt:\d+: unknown section"):
        parse_file(path)


def test_all_benchmark_files_parse():
    folder = nrp_dir()
    if not (folder / "Instance1.txt").exists():
        pytest.skip(f"benchmark instances not found at {folder} (set RATHAUS_NRP_DIR)")
    for i in range(1, 25):
        inst = parse_file(folder / f"Instance{i}.txt")
        assert len(inst.cover) == inst.horizon * len(inst.shifts)
