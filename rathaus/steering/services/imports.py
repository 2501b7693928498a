"""Import of indicator values from the generic long CSV: date; area; indicator; value; unit.

All or nothing: a first pass checks every line (columns, dates, numbers, units, unknown
indicators, a month given twice in one file) and collects errors with line numbers; only a
clean file is written, in one transaction, in batches. A value that differs from the current
one becomes a new version (a revision), an equal value changes nothing. Memory stays flat in
the number of lines: repeats are found with one bit per month of each indicator's span
(``first_time``), whatever the number of lines.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.tabular import LineReport
from rathaus.steering import caching
from rathaus.steering.models import Indicator, IndicatorValue

COLUMNS = ("datum", "gebiet", "kennzahl", "wert", "einheit")
ALIASES = {
    "date": "datum",
    "area": "gebiet",
    "indicator": "kennzahl",
    "value": "wert",
    "unit": "einheit",
}
BATCH = 5000
MAX_ERRORS = 200
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m", "%d.%m.%Y", "%m/%Y", "%m.%Y")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
GERMAN_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$|^-?\d+,\d+$")


@dataclass
class ImportReport(LineReport):
    lines: int = 0
    created: int = 0
    unchanged: int = 0
    indicators: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class _Line:
    line: int
    indicator_id: int
    ref_date: date
    value: float


@lru_cache(maxsize=4096)
def parse_date(text: str) -> date | None:
    """First of the month; a file repeats the same few hundred dates, so answers are cached."""
    text = text.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().replace(day=1)
        except ValueError:
            continue
    return None


def parse_number(text: str) -> float | None:
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," not in text and text.count(".") <= 1:
        try:
            number = float(text)
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    if GERMAN_NUMBER.match(text):
        text = text.replace(".", "").replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _rows(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    iterator = iter(lines)
    first = next(iterator, "")
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(_chain(first, iterator), delimiter=delimiter)
    for row in reader:
        yield reader.line_num, row


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first.lstrip("\ufeff")
    yield from rest


def _header(row: list[str]) -> list[str] | None:
    names = [ALIASES.get(c.strip().lower(), c.strip().lower()) for c in row]
    return names if sorted(names) == sorted(COLUMNS) else None


def _check(number, values, indicators, seen, report) -> _Line | None:
    def refuse(message):
        report.errors.append((number, message))

    if CONTROL.search("".join(values.values())):
        return refuse(_("Steuerzeichen sind nicht erlaubt."))
    key = (values["kennzahl"].strip().lower(), values["gebiet"].strip().lower() or "gesamtstadt")
    known = indicators.get(key)
    if known is None:
        return refuse(
            _("Unbekannte Kennzahl „%(k)s“ im Gebiet „%(g)s“.")
            % {"k": values["kennzahl"][:80], "g": values["gebiet"][:40]}
        )
    indicator_id, unit = known
    ref_date = parse_date(values["datum"])
    if ref_date is None:
        return refuse(
            _("Ungültiges Datum „%(d)s“ (erwartet z. B. 2026-03 oder 31.03.2026).")
            % {"d": values["datum"][:20]}
        )
    value = parse_number(values["wert"])
    if value is None:
        return refuse(_("Der Wert „%(v)s“ ist keine Zahl.") % {"v": values["wert"][:20]})
    if values["einheit"].strip() != unit:
        return refuse(
            _("Einheit „%(e)s“ passt nicht zur Kennzahl (%(u)s).")
            % {"e": values["einheit"][:20], "u": unit}
        )
    if not first_time(seen, indicator_id, ref_date.year * 12 + ref_date.month - 1):
        return refuse(_("Dieser Monat steht für diese Kennzahl schon weiter oben in der Datei."))
    return _Line(number, indicator_id, ref_date, value)


def first_time(seen: dict[int, tuple[int, int]], key: int, index: int) -> bool:
    """Marks month ``index`` of ``key`` as seen; False when it was seen before. Per key one
    integer used as a bit field from its earliest month on: 20 years are 240 bits."""
    base, bits = seen.get(key, (index, 0))
    if index < base:
        bits <<= base - index
        base = index
    bit = 1 << (index - base)
    if bits & bit:
        return False
    seen[key] = (base, bits | bit)
    return True


def _validated(lines: Iterable[str], indicators, report: ImportReport) -> Iterator[_Line]:
    rows = _rows(lines)
    first = next(rows, None)
    header = _header(first[1]) if first else None
    if header is None:
        report.errors.append((1, _("Kopfzeile erwartet: datum; gebiet; kennzahl; wert; einheit.")))
        return
    seen: dict[int, tuple[int, int]] = {}
    for number, row in rows:
        if not any(c.strip() for c in row):
            continue
        report.lines += 1
        if len(row) != len(COLUMNS):
            report.errors.append((number, _("%(n)d Spalten statt 5.") % {"n": len(row)}))
        else:
            checked = _check(number, dict(zip(header, row, strict=True)), indicators, seen, report)
            if checked is not None:
                yield checked
        if len(report.errors) >= MAX_ERRORS:
            report.errors.append((number, _("Zu viele Fehler, Prüfung abgebrochen.")))
            return


def _write_batch(batch: list[_Line], municipality, actor, published: date, report) -> None:
    ids = {line.indicator_id for line in batch}
    dates = {line.ref_date for line in batch}
    current: dict[tuple[int, date], tuple[int, float]] = {}
    for row in IndicatorValue.objects.filter(indicator_id__in=ids, ref_date__in=dates).values_list(
        "indicator_id", "ref_date", "version", "value"
    ):
        key = (row[0], row[1])
        if key not in current or current[key][0] < row[2]:
            current[key] = (row[2], row[3])
    new = []
    actor_id = getattr(actor, "pk", None)
    for line in batch:
        version, value = current.get((line.indicator_id, line.ref_date), (0, None))
        if value == line.value:
            report.unchanged += 1
            continue
        new.append(
            (
                municipality.pk,
                line.indicator_id,
                line.ref_date,
                version + 1,
                line.value,
                published,
                False,
                actor_id,
                None,
                True,
            )
        )
        report.indicators.add(line.indicator_id)
    _insert(new)
    report.created += len(new)


COPY_COLUMNS = (
    "municipality_id",
    "indicator_id",
    "ref_date",
    "version",
    "value",
    "published_on",
    "provisional",
    "entered_by_id",
    "confirmed_by_id",
    "confirmed",
)


def _insert(rows: list[tuple]) -> None:
    """PostgreSQL: COPY (a million values in well under a minute); elsewhere bulk_create."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        table = IndicatorValue._meta.db_table
        with connection.cursor() as cursor:
            sql = f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        return
    IndicatorValue.objects.bulk_create(
        [IndicatorValue(**dict(zip(COPY_COLUMNS, row, strict=True))) for row in rows],
        batch_size=1000,
    )


def indicator_values_import(
    *,
    actor,
    municipality,
    open_lines: Callable[[], Iterable[str]],
    now: datetime | None = None,
) -> ImportReport:
    """Checks the whole file, then writes it; ``open_lines`` is called once per pass."""
    now = now_or(now)
    indicators = {
        (name.lower(), area.lower()): (pk, unit)
        for pk, name, area, unit in Indicator.objects.filter(municipality=municipality).values_list(
            "pk", "name", "area", "unit"
        )
    }
    check = ImportReport()
    for _line in _validated(open_lines(), indicators, check):
        pass
    if not check.ok:
        return check
    report = ImportReport(lines=check.lines)
    published = timezone.localdate(now)
    with transaction.atomic():
        batch: list[_Line] = []
        for line in _validated(open_lines(), indicators, ImportReport()):
            batch.append(line)
            if len(batch) >= BATCH:
                _write_batch(batch, municipality, actor, published, report)
                batch = []
        if batch:
            _write_batch(batch, municipality, actor, published, report)
        audit.record(
            actor=actor,
            action="action",
            municipality_id=municipality.pk,
            object_type="steering.IndicatorValue",
            object_id="import",
            summary=_("Kennzahlen-Import: %(created)s neu, %(unchanged)s unverändert")
            % {"created": report.created, "unchanged": report.unchanged},
        )
        caching.bump(municipality.pk)
    return report
