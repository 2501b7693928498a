"""Street directory → district lookup (see the package docstring for the contract)."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field

PARITIES = ("all", "odd", "even")
PARITY_WORDS = {
    "": "all",
    "alle": "all",
    "all": "all",
    "beide": "all",
    "ungerade": "odd",
    "odd": "odd",
    "gerade": "even",
    "even": "even",
}
MAX_NUMBER = 9999
MAX_LINES = 100_000
_NUMBER = re.compile(r"^\s*(\d{1,4})\s*[a-zA-Z]?\s*$")
_STREET_SUFFIX = re.compile(r"(strasse|str)$")


@dataclass(frozen=True)
class StreetRange:
    street: str
    first: int
    last: int
    parity: str
    district: str

    def contains(self, number: int) -> bool:
        if not self.first <= number <= self.last:
            return False
        if self.parity == "odd":
            return number % 2 == 1
        if self.parity == "even":
            return number % 2 == 0
        return True


@dataclass(frozen=True)
class LineError:
    line: int
    message: str


@dataclass(frozen=True)
class ParseResult:
    ranges: tuple[StreetRange, ...] = ()
    errors: tuple[LineError, ...] = field(default_factory=tuple)


def normalize_street(name: str) -> str:
    key = (name or "").casefold().replace("ß", "ss")
    key = re.sub(r"[\s.\-]+", "", key)
    return _STREET_SUFFIX.sub("strasse", key)


def parse_house_number(text: str | int | None) -> int | None:
    if isinstance(text, int):
        return text if 0 < text <= MAX_NUMBER else None
    match = _NUMBER.match(text or "")
    if not match:
        return None
    number = int(match.group(1))
    return number if 0 < number <= MAX_NUMBER else None


def _overlap(a: StreetRange, b: StreetRange) -> bool:
    low, high = max(a.first, b.first), min(a.last, b.last)
    if low > high:
        return False
    if "all" in (a.parity, b.parity) or a.parity == b.parity:
        return any(a.contains(n) and b.contains(n) for n in range(low, min(high, low + 2) + 1))
    return False


class Directory:
    """An in-memory street directory; build once per request or cache per municipality."""

    def __init__(self, ranges: tuple[StreetRange, ...] | list[StreetRange]):
        self._by_street: dict[str, list[StreetRange]] = defaultdict(list)
        for item in ranges:
            self._by_street[normalize_street(item.street)].append(item)

    def district_of(self, street: str, number: int | str | None) -> str | None:
        house = parse_house_number(number)
        if house is None:
            return None
        for item in self._by_street.get(normalize_street(street), ()):
            if item.contains(house):
                return item.district
        return None

    def knows_street(self, street: str) -> bool:
        return normalize_street(street) in self._by_street

    def problems(self) -> list[str]:
        found = []
        for items in self._by_street.values():
            for i, a in enumerate(items):
                for b in items[i + 1 :]:
                    if a.district != b.district and _overlap(a, b):
                        found.append(
                            f"{a.street} {max(a.first, b.first)}–{min(a.last, b.last)}: "
                            f"{a.district} und {b.district}"
                        )
        return found


def _row(cells: list[str], line: int) -> StreetRange | LineError:
    if len(cells) != 5:
        return LineError(line, "Erwartet werden 5 Spalten: Straße; von; bis; Seite; Stadtteil.")
    street, first_text, last_text, side, district = (c.strip() for c in cells)
    if not street or len(street) > 200 or any(ord(ch) < 32 for ch in street):
        return LineError(line, "Der Straßenname fehlt oder ist ungültig.")
    first, last = parse_house_number(first_text), parse_house_number(last_text)
    if first is None or last is None:
        return LineError(line, "Die Hausnummern „von“ und „bis“ müssen Zahlen von 1 bis 9999 sein.")
    if first > last:
        return LineError(line, "„von“ ist größer als „bis“.")
    parity = PARITY_WORDS.get(side.casefold())
    if parity is None:
        return LineError(line, "Die Seite muss leer, „alle“, „gerade“ oder „ungerade“ sein.")
    if not district or len(district) > 40:
        return LineError(line, "Der Stadtteil (Kürzel) fehlt oder ist zu lang.")
    return StreetRange(street, first, last, parity, district)


def parse_directory_csv(text: str) -> ParseResult:
    sample = text[:2000]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    ranges: list[StreetRange] = []
    errors: list[LineError] = []
    lines = io.StringIO(text, newline=None).read().split("\n")
    for index, line in enumerate(lines, start=1):
        try:
            cells = next(csv.reader([line], delimiter=delimiter), [])
        except csv.Error:
            errors.append(LineError(index, "Die Zeile ist kein gültiges CSV."))
            continue
        if index > MAX_LINES:
            errors.append(LineError(index, f"Mehr als {MAX_LINES} Zeilen."))
            break
        if not any(c.strip() for c in cells):
            continue
        if index == 1 and cells and normalize_street(cells[0]) in {"strasse", "street"}:
            continue
        result = _row(cells, index)
        if isinstance(result, LineError):
            errors.append(result)
        else:
            ranges.append(result)
    return ParseResult(tuple(ranges), tuple(errors))


def point_in_polygon(x: float, y: float, ring: list[tuple[float, float]]) -> bool:
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside
