"""District map: which district (Stadtteil) an address belongs to, from a street directory.

Django-free: frozen dataclasses in and out; the ``participation`` app stores the directory
(streets with house-number ranges per district, imported as CSV) and asks this engine whether
a citizen's address lies in the districts a process is meant for.

Public API
----------

``StreetRange(street, first, last, parity, district)``
    House numbers ``first``…``last`` (inclusive) of ``street`` belong to ``district`` (a code);
    ``parity`` is ``"all"``, ``"odd"`` or ``"even"`` (one side of the street).

``normalize_street(name) -> str``
    The comparison key: case-folded, ``ß`` → ``ss``, ``str.``/``straße`` → ``strasse``,
    spaces, hyphens and dots removed ("Lindenstr. " == "linden-straße").

``parse_house_number(text) -> int | None``
    ``"12"``, ``"12a"``, ``"12 b"`` → 12; anything else → None.

``Directory(ranges)`` / ``.district_of(street, number) -> str | None``
    The district of an address, or None when the directory does not know it.
    ``.problems() -> list[str]`` names overlapping ranges that point to different districts.

``parse_directory_csv(text) -> ParseResult``
    Semicolon- or comma-separated rows ``Straße;von;bis;Seite;Stadtteil`` (header optional,
    ``Seite`` empty/alle, ungerade, gerade). ``ParseResult.ranges`` and ``.errors`` — each error
    carries its line number and a German message; nothing is guessed.

``point_in_polygon(x, y, ring) -> bool``
    Even-odd rule on one linear ring of (x, y) pairs (GeoJSON order: lon, lat).

Performance: ``district_of`` is a dict lookup plus a scan of that street's ranges (a handful).
"""

from rathaus.engines.districtmap.directory import (
    Directory,
    LineError,
    ParseResult,
    StreetRange,
    normalize_street,
    parse_directory_csv,
    parse_house_number,
    point_in_polygon,
)

__all__ = [
    "Directory",
    "LineError",
    "ParseResult",
    "StreetRange",
    "normalize_street",
    "parse_directory_csv",
    "parse_house_number",
    "point_in_polygon",
]
