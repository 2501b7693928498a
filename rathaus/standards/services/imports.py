"""Import of figures that are not measured here (115 line, first-contact resolution,
processing times): the long CSV/Excel format, refused whole with line numbers.

Columns: ``date;ags;location;leika;metric;value;unit;definition_version;cases`` (``cases``
added to the regional format: without a case count no fair verdict is possible);
optional ``successes``, ``promise`` and ``municipality`` (so the open-data file itself can be
read back). ``value`` is a share in percent (``,`` or ``.`` as decimal mark), ``unit`` is
``%``. ``location`` empty = a figure of the whole municipality.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.models import Location, Municipality, Region
from rathaus.core.problems import DomainError
from rathaus.core.tabular import Row, TabularError, read_table
from rathaus.standards import caching
from rathaus.standards.models import (
    MEASURED,
    DailyFigure,
    ManualEntry,
    Promise,
    PromiseMembership,
)
from rathaus.standards.services.manual import EntryData, entries_create

MAX_BYTES = 2 * 1024 * 1024
REQUIRED = [
    "date",
    "ags",
    "location",
    "leika",
    "metric",
    "value",
    "unit",
    "definition_version",
    "cases",
]
OPTIONAL = ["successes", "promise", "municipality"]
UNIT = "%"


@dataclass(frozen=True)
class Parsed:
    line: int
    promise: Promise
    municipality: Municipality
    location: Location | None
    day: date
    cases: int
    successes: int


class _Lookups:
    """Everything a row may refer to, loaded once (rows never query)."""

    def __init__(self, region: Region, allowed: set[int]):
        self.towns = {m.ags: m for m in Municipality.objects.filter(region=region, id__in=allowed)}
        self.locations = {
            (loc.municipality_id, loc.name): loc
            for loc in Location.objects.filter(municipality_id__in=allowed)
        }
        self.promises = list(Promise.objects.filter(region=region, active=True))
        self.members = set(
            PromiseMembership.objects.filter(promise__region=region).values_list(
                "promise_id", "municipality_id"
            )
        )
        self.keys = {p.leika_key for p in self.promises}


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ".").strip())


def _promise(v: dict, look: _Lookups, errors: list[str]) -> Promise | None:
    if v["leika"] not in look.keys:
        errors.append(
            _("LeiKa-Schlüssel „%(key)s“ hat kein Versprechen der Region.") % {"key": v["leika"]}
        )
        return None
    found = [p for p in look.promises if p.leika_key == v["leika"] and p.metric == v["metric"]]
    if not found:
        errors.append(
            _("Kennzahl „%(metric)s“ gibt es für diese Leistung nicht.") % {"metric": v["metric"]}
        )
        return None
    promise = found[0]
    if promise.metric in MEASURED:
        errors.append(_("Diese Kennzahl wird aus den Termindaten gemessen, nicht importiert."))
    if v["unit"] != UNIT:
        errors.append(
            _("Einheit „%(unit)s“ passt nicht zur Kennzahl (erwartet: %(expected)s).")
            % {"unit": v["unit"], "expected": UNIT}
        )
    if v["definition_version"] != str(promise.version):
        errors.append(
            _("Definition Version %(got)s, gültig ist Version %(version)s.")
            % {"got": v["definition_version"], "version": promise.version}
        )
    return promise


def _place(v: dict, look: _Lookups, errors: list[str]):
    town = look.towns.get(v["ags"])
    if town is None:
        errors.append(_("Unbekannter oder nicht erlaubter AGS „%(ags)s“.") % {"ags": v["ags"]})
        return None, None
    location = None
    if v["location"]:
        location = look.locations.get((town.id, v["location"]))
        if location is None:
            errors.append(_("Unbekannter Standort „%(name)s“.") % {"name": v["location"]})
    return town, location


def _counts(v: dict, errors: list[str]) -> tuple[int, int] | None:
    try:
        value = _number(v["value"])
        cases = int(v["cases"])
    except (InvalidOperation, ValueError):
        errors.append(_("Wert und Fallzahl müssen Zahlen sein."))
        return None
    if not Decimal(0) <= value <= Decimal(100) or cases < 1:
        errors.append(_("Wert zwischen 0 und 100, Fallzahl mindestens 1."))
        return None
    successes = round(value * cases / 100)
    if v.get("successes"):
        if not v["successes"].isdigit() or int(v["successes"]) > cases:
            errors.append(_("Treffer müssen eine Zahl bis zur Fallzahl sein."))
            return None
        successes = int(v["successes"])
    return cases, successes


def _day(v: dict, today: date, errors: list[str]) -> date | None:
    try:
        day = date.fromisoformat(v["date"])
    except ValueError:
        errors.append(_("Datum im Format JJJJ-MM-TT angeben."))
        return None
    if day > today:
        errors.append(_("Das Datum liegt in der Zukunft."))
    return day


def _parse(row: Row, look: _Lookups, today: date) -> tuple[Parsed | None, list[str]]:
    if "__error__" in row.values:
        return None, [row.values["__error__"]]
    v, errors = row.values, []
    day = _day(v, today, errors)
    promise = _promise(v, look, errors)
    town, location = _place(v, look, errors)
    counts = _counts(v, errors)
    if promise and town and (promise.id, town.id) not in look.members:
        errors.append(_("Die Kommune ist diesem Versprechen nicht beigetreten."))
    if errors or not (day and promise and town and counts):
        return None, errors
    return Parsed(row.line, promise, town, location, day, counts[0], counts[1]), []


def _check_file(data: bytes, filename: str, look: _Lookups, today: date):
    if len(data) > MAX_BYTES:
        raise DomainError("too_large", _("Die Datei ist größer als 2 MB."), status=413)
    try:
        rows = read_table(data, filename, required=REQUIRED, optional=OPTIONAL)
    except TabularError as exc:
        raise DomainError("unreadable", str(exc), status=422) from exc
    parsed, problems, seen = [], [], {}
    for row in rows:
        item, errors = _parse(row, look, today)
        if item:
            key = (
                item.promise.id,
                item.municipality.id,
                item.location and item.location.id,
                item.day,
            )
            if key in seen:
                errors = [_("Tag doppelt (schon in Zeile %(line)s).") % {"line": seen[key]}]
            seen.setdefault(key, row.line)
        problems += [{"line": row.line, "message": m} for m in errors]
        if item and not errors:
            parsed.append(item)
    if problems or not parsed:
        raise DomainError(
            "import_refused",
            _("Die Datei wurde nicht übernommen: %(n)s Fehler.") % {"n": len(problems)}
            if problems
            else _("Die Datei enthält keine Werte."),
            status=422,
            errors=problems,
        )
    return parsed


def _as_entries(*, actor, parsed: list[Parsed], now: datetime) -> int:
    items = [
        (i.line, EntryData(i.promise, i.municipality, i.location, i.day, i.cases, i.successes))
        for i in parsed
    ]
    entries_create(actor=actor, items=items, origin=ManualEntry.Origin.IMPORT, now=now)
    return len(items)


def _store(parsed: list[Parsed], now: datetime) -> None:
    for item in parsed:
        DailyFigure.objects.filter(
            promise=item.promise,
            municipality=item.municipality,
            location=item.location,
            day=item.day,
            source=DailyFigure.Source.IMPORTED,
        ).delete()
    DailyFigure.objects.bulk_create(
        [
            DailyFigure(
                municipality=i.municipality,
                promise=i.promise,
                location=i.location,
                day=i.day,
                cases=i.cases,
                successes=i.successes,
                definition_version=i.promise.version,
                source=DailyFigure.Source.IMPORTED,
                computed_at=now,
            )
            for i in parsed
        ]
    )


@transaction.atomic
def figures_import(
    *,
    actor,
    region: Region,
    allowed: set[int],
    data: bytes,
    filename: str,
    now: datetime | None = None,
) -> int:
    """Imports the file for the municipalities in ``allowed`` (all or nothing). Returns the
    number of rows.

    A file uploaded by a person is figures supplied by hand: its rows become pending
    :class:`ManualEntry` rows that a second person of each municipality confirms (four
    eyes). Only a file fed in by the system itself (``actor`` None: a scheduled transfer
    from the 115 service centre, a management command) is stored at once; imported rows for
    the same promise, place and day are then replaced.
    """
    now = now_or(now)
    look = _Lookups(region, allowed)
    parsed = _check_file(data, filename, look, timezone.localtime(now).date())
    if getattr(actor, "is_authenticated", False):
        return _as_entries(actor=actor, parsed=parsed, now=now)
    _store(parsed, now)
    caching.bump(region.id)
    audit.record(
        actor=actor,
        action="action",
        object_type="standards.DailyFigure",
        object_id=region.slug,
        summary=f"Servicestandards importiert: {len(parsed)} Zeilen aus {filename[:100]}",
    )
    return len(parsed)
