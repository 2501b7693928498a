"""Reader for the "Shift Scheduling Benchmark Data" text format (schedulingbenchmarks.org).

The file is a sequence of ``SECTION_*`` headers, each followed by comma-separated rows;
``#`` starts a comment line and blank lines are ignored. Every problem is reported as a
:class:`NrpFormatError` carrying the 1-based line number, so a CLI can print it without a
traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)


class NrpFormatError(ValueError):
    """A malformed instance file; ``line`` is 1-based (0 when the problem has no line)."""

    def __init__(self, line: int, message: str, source: str = "") -> None:
        self.line = line
        self.message = message
        self.source = source
        where = f"{source}:" if source else "line "
        super().__init__(f"{where}{line}: {message}" if line else f"{source or 'input'}: {message}")


@dataclass(frozen=True)
class Shift:
    id: str
    minutes: int
    cannot_follow: tuple[str, ...]  # shifts forbidden on the day after this one


@dataclass(frozen=True)
class Staff:
    id: str
    max_shifts: tuple[tuple[str, int], ...]  # (shift id, max count); absent shift => 0 allowed
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int

    def max_of(self, shift_id: str) -> int:
        return dict(self.max_shifts).get(shift_id, 0)


@dataclass(frozen=True)
class Request:
    staff: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class Cover:
    day: int
    shift: str
    requirement: int
    weight_under: int
    weight_over: int


@dataclass(frozen=True)
class NrpInstance:
    name: str
    horizon: int
    shifts: tuple[Shift, ...]
    staff: tuple[Staff, ...]
    days_off: tuple[tuple[str, tuple[int, ...]], ...]  # (staff id, day indexes)
    on_requests: tuple[Request, ...]
    off_requests: tuple[Request, ...]
    cover: tuple[Cover, ...]

    @property
    def shift_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.shifts)

    @property
    def staff_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.staff)

    def days_off_of(self, staff_id: str) -> frozenset[int]:
        return frozenset(d for sid, days in self.days_off if sid == staff_id for d in days)

    @property
    def weekends(self) -> tuple[tuple[int, int], ...]:
        """(Saturday, Sunday) day pairs; all instances start on a Monday."""
        return tuple((7 * w + 5, 7 * w + 6) for w in range(self.horizon // 7))


def _int(text: str, line: int, what: str, minimum: int = 0) -> int:
    text = text.strip()
    try:
        value = int(text)
    except ValueError:
        raise NrpFormatError(line, f"{what}: expected an integer, got {text!r}") from None
    if value < minimum:
        raise NrpFormatError(line, f"{what}: must be >= {minimum}, got {value}")
    return value


def _fields(row: str, line: int, count: int, section: str) -> list[str]:
    parts = [p.strip() for p in row.split(",")]
    if len(parts) != count:
        raise NrpFormatError(
            line, f"{section}: expected {count} comma-separated fields, got {len(parts)}"
        )
    return parts


class _Parser:
    def __init__(self, name: str) -> None:
        self.name = name
        self.horizon: int | None = None
        self.shifts: list[Shift] = []
        self.shift_lines: list[int] = []
        self.staff: list[Staff] = []
        self.staff_lines: list[int] = []
        self.days_off: list[tuple[str, tuple[int, ...]]] = []
        self.on: list[Request] = []
        self.off: list[Request] = []
        self.cover: list[Cover] = []
        self.staff_set: set[str] = set()
        self.shift_set: set[str] = set()
        self.cover_keys: set[tuple[int, str]] = set()

    # Shift ids used by staff MaxShifts may only be checked once SECTION_SHIFTS is complete,
    # so per-row checks needing other sections run lazily via these helpers.
    def _known_staff(self, sid: str, line: int) -> None:
        if sid not in self.staff_set:
            raise NrpFormatError(line, f"unknown staff id {sid!r}")

    def _known_shift(self, sid: str, line: int) -> None:
        if sid not in self.shift_set:
            raise NrpFormatError(line, f"unknown shift id {sid!r}")

    def _day(self, text: str, line: int, what: str) -> int:
        day = _int(text, line, what)
        assert self.horizon is not None
        if day >= self.horizon:
            raise NrpFormatError(line, f"{what} {day} is outside the horizon 0..{self.horizon - 1}")
        return day

    def row(self, section: str, row: str, line: int) -> None:
        if section != "SECTION_HORIZON" and self.horizon is None:
            raise NrpFormatError(line, f"{section} before the horizon was given")
        if section == "SECTION_HORIZON":
            if self.horizon is not None:
                raise NrpFormatError(line, "SECTION_HORIZON: more than one horizon value")
            self.horizon = _int(row, line, "horizon", minimum=1)
        elif section == "SECTION_SHIFTS":
            sid, minutes, follow = _fields(row, line, 3, section)
            if not sid or sid in self.shift_set:
                raise NrpFormatError(line, f"empty or duplicate shift id {sid!r}")
            self.shift_set.add(sid)
            banned = tuple(f.strip() for f in follow.split("|") if f.strip())
            self.shifts.append(Shift(sid, _int(minutes, line, "shift length"), banned))
            self.shift_lines.append(line)
        elif section == "SECTION_STAFF":
            self._staff_row(row, line)
        elif section == "SECTION_DAYS_OFF":
            parts = [p.strip() for p in row.split(",")]
            if len(parts) < 2:
                raise NrpFormatError(line, f"{section}: expected staff id and day indexes")
            self._known_staff(parts[0], line)
            days = tuple(self._day(p, line, "day off") for p in parts[1:] if p)
            self.days_off.append((parts[0], days))
        elif section in ("SECTION_SHIFT_ON_REQUESTS", "SECTION_SHIFT_OFF_REQUESTS"):
            staff, day, shift, weight = _fields(row, line, 4, section)
            self._known_staff(staff, line)
            self._known_shift(shift, line)
            req = Request(staff, self._day(day, line, "day"), shift, _int(weight, line, "weight"))
            (self.on if section == "SECTION_SHIFT_ON_REQUESTS" else self.off).append(req)
        elif section == "SECTION_COVER":
            day, shift, need, under, over = _fields(row, line, 5, section)
            self._known_shift(shift, line)
            cover = Cover(
                self._day(day, line, "cover day"),
                shift,
                _int(need, line, "requirement"),
                _int(under, line, "weight for under"),
                _int(over, line, "weight for over"),
            )
            if (cover.day, shift) in self.cover_keys:
                raise NrpFormatError(line, f"duplicate cover row for day {cover.day}, {shift}")
            self.cover_keys.add((cover.day, shift))
            self.cover.append(cover)

    def _staff_row(self, row: str, line: int) -> None:
        parts = _fields(row, line, 8, "SECTION_STAFF")
        sid = parts[0]
        if not sid or sid in self.staff_set:
            raise NrpFormatError(line, f"empty or duplicate staff id {sid!r}")
        limits: list[tuple[str, int]] = []
        for item in (p for p in parts[1].split("|") if p.strip()):
            if "=" not in item:
                raise NrpFormatError(line, f"MaxShifts entry {item!r} is not SHIFT=COUNT")
            shift, count = item.split("=", 1)
            self._known_shift(shift.strip(), line)
            limits.append((shift.strip(), _int(count, line, "MaxShifts count")))
        nums = [_int(p, line, f"staff field {i + 3}") for i, p in enumerate(parts[2:])]
        self.staff.append(Staff(sid, tuple(limits), *nums))
        self.staff_set.add(sid)
        self.staff_lines.append(line)

    def finish(self) -> NrpInstance:
        if self.horizon is None:
            raise NrpFormatError(0, "no SECTION_HORIZON value")
        known = self.shift_set
        for shift, line in zip(self.shifts, self.shift_lines, strict=True):
            for banned in shift.cannot_follow:
                if banned not in known:
                    raise NrpFormatError(line, f"unknown shift id {banned!r} in cannot-follow")
        return NrpInstance(
            name=self.name,
            horizon=self.horizon,
            shifts=tuple(self.shifts),
            staff=tuple(self.staff),
            days_off=tuple(self.days_off),
            on_requests=tuple(self.on),
            off_requests=tuple(self.off),
            cover=tuple(self.cover),
        )


def parse_text(text: str, name: str = "instance", source: str = "") -> NrpInstance:
    """Parse instance text; errors name ``source`` (a path) when given."""
    parser = _Parser(name)
    section: str | None = None
    try:
        for number, raw in enumerate(text.splitlines(), start=1):
            row = raw.strip()
            if not row or row.startswith("#"):
                continue
            if row.startswith("SECTION_"):
                if row not in SECTIONS:
                    raise NrpFormatError(number, f"unknown section {row!r}")
                section = row
                continue
            if section is None:
                raise NrpFormatError(number, "data before the first SECTION_ header")
            parser.row(section, row, number)
        return parser.finish()
    except NrpFormatError as err:
        if err.source or not source:
            raise
        raise NrpFormatError(err.line, err.message, source) from None


def parse_file(path: str | Path) -> NrpInstance:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise NrpFormatError(0, f"not UTF-8 text ({err.reason})", str(path)) from None
    return parse_text(text, name=path.stem, source=str(path))
