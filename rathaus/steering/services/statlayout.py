"""What the statistics tables of German offices have in common: German numbers, the special
signs that stand where a number is not given, months written out ("Juni 2025"), headings
broken over lines ("sozialversicherungs-\\npflichtig"), and areas named by key or name."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.problems import DomainError
from rathaus.steering.models import Indicator, IndicatorValue
from rathaus.steering.services.indicators import indicator_analyse, indicator_value_record

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: The signs of official statistics ("Zeichenerklärung"); none of them is a number, none is 0.
SIGNS = {
    "*": gettext_lazy("anonymisiert (Geheimhaltung)"),
    "-": gettext_lazy("nichts vorhanden"),
    "–": gettext_lazy("nichts vorhanden"),
    "x": gettext_lazy("Nachweis nicht sinnvoll"),
    ".": gettext_lazy("Zahlenwert nicht verfügbar"),
    "...": gettext_lazy("Angabe fällt später an"),
    "…": gettext_lazy("Angabe fällt später an"),
}

MONTHS = {
    "januar": 1,
    "jan": 1,
    "jänner": 1,
    "februar": 2,
    "feb": 2,
    "märz": 3,
    "maerz": 3,
    "mär": 3,
    "mrz": 3,
    "april": 4,
    "apr": 4,
    "mai": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "dezember": 12,
    "dez": 12,
}
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
MONTH_YEAR = re.compile(rf"\b({_MONTH_NAMES})\.?\s+((?:19|20|21)\d\d)\b", re.IGNORECASE)
DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.((?:19|20|21)\d\d)\b")
GERMAN = re.compile(r"^-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
TRAILING_P = re.compile(r"^(.*\d)\s*p$", re.IGNORECASE)
COUNT_UNITS = {"personen", "person", "anzahl", "pers.", "beschäftigte", "arbeitslose"}


def heading(text: str) -> str:
    """Lower case, words joined again where a line break split them, one space between words,
    footnote marks dropped: "Sozialversicherungs-\\npflichtig  Beschäftigte¹)" →
    "sozialversicherungspflichtig beschäftigte"."""
    text = text.replace("\u00ad", "").replace("\u00a0", " ")
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
    text = re.sub(r"[¹²³⁴⁵⁶⁷⁸⁹]+|\b\d\)", " ", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def months_in(text: str) -> list[date]:
    """Every month named in a text, as the first of the month, in order of appearance."""
    found: list[tuple[int, date]] = []
    for match in DAY_MONTH_YEAR.finditer(text):
        day, month, year = (int(g) for g in match.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            found.append((match.start(), date(year, month, 1)))
    for match in MONTH_YEAR.finditer(text):
        found.append((match.start(), date(int(match.group(2)), MONTHS[match.group(1).lower()], 1)))
    return [d for _, d in sorted(found)]


def month_of(value: object) -> date | None:
    """The month a title cell names: a date cell, "Juni 2025", "Stichtag 30.06.2025"."""
    if isinstance(value, datetime | date):
        return date(value.year, value.month, 1)
    if isinstance(value, str):
        months = months_in(value)
        return months[0] if months else None
    return None


def german_number(text: str) -> float | None:
    """ "1.234,5", "1234", "12,3" → a number; "1.234" is one thousand two hundred thirty-four."""
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if not GERMAN.match(text):
        return None
    number = float(text.replace(".", "").replace(",", "."))
    return number if math.isfinite(number) else None


def sign_of(text: str) -> str | None:
    """The special sign a cell holds ("*", "-", "x", "."), or None."""
    text = text.strip().lower()
    return text if text in SIGNS else None


class CellValue(NamedTuple):
    """What one cell of a statistics table says: a value, or why there is none (``note``), or
    why the file is refused (``error``)."""

    value: float | None
    note: str = ""
    provisional: bool = False
    error: str = ""


def text_value(text: str, *, provisional_p: bool = False) -> CellValue:
    """A cell's text read as the statistics write it: empty or a special sign gives no value
    (with the sign's meaning — never 0), else a German number; with ``provisional_p`` a trailing
    "p" marks a provisional value ("1.234p", as the BA writes it). Anything else, control
    characters included, is an error."""
    text = text.strip()
    if not text:
        return CellValue(None, _("leer"))
    if CONTROL.search(text):
        return CellValue(None, error=_("Steuerzeichen sind nicht erlaubt."))
    sign = sign_of(text)
    if sign is not None:
        return CellValue(None, f"„{text}“ – {SIGNS[sign]}")
    marked = TRAILING_P.match(text) if provisional_p else None
    number = german_number(marked.group(1) if marked else text)
    if number is None:
        return CellValue(
            None,
            error=_("„%(v)s“ ist keine Zahl im deutschen Format (z. B. 1.234,5).")
            % {"v": text[:20]},
        )
    return CellValue(number, provisional=bool(marked))


def counts_people(unit: str) -> bool:
    return unit.strip().lower() in COUNT_UNITS


def area_name(text: str) -> str:
    """A municipality's name as tables write it, reduced for comparison: "Herten, Stadt" and
    "Stadt Herten" and "Herten (Kreis Recklinghausen)" → "herten"."""
    text = re.sub(r"\(.*?\)", " ", text.lower())
    text = re.sub(r",\s*(st|stadt|gemeinde|gem\.|krfr\.? stadt|kreisfreie stadt)\.?\s*$", "", text)
    text = re.sub(r"^(stadt|gemeinde|hansestadt)\s+", "", text.strip())
    return re.sub(r"\s+", " ", text).strip(" ,")


def ags_of(text: str) -> str | None:
    """The 8-digit AGS in a key cell: an AGS, a 12-digit ARS (Land, Kreis, Verband, Gemeinde) or
    an AGS Excel stored as a number and so lost its leading zero."""
    digits = re.sub(r"\s", "", text)
    if not digits.isdigit():
        return None
    if len(digits) == 7:
        digits = "0" + digits
    if len(digits) == 11:
        digits = "0" + digits
    if len(digits) == 12:
        return digits[:5] + digits[9:]
    return digits if len(digits) == 8 else None


KEY_PREFIX = re.compile(r"^\s*(\d{7,12})\s+(\S.*)$")


def key_and_name(text: str) -> tuple[str | None, str]:
    """ "05562016 Herten, Stadt" → ("05562016", "Herten, Stadt"); "Herten" → (None, "Herten")."""
    match = KEY_PREFIX.match(text)
    if match:
        return ags_of(match.group(1)), match.group(2)
    return None, text


@dataclass(frozen=True)
class Checked:
    """One value a preview showed and the user confirmed: stored as it is, checked once more."""

    indicator_id: int
    ref_date: date
    value: float
    provisional: bool
    line: int
    where: str  # "Blatt „Tabelle 1“" or "" — for the audit entry

    def as_session(self) -> list:
        return [
            self.indicator_id,
            self.ref_date.isoformat(),
            self.value,
            self.provisional,
            self.line,
            self.where,
        ]

    @classmethod
    def from_session(cls, row: list) -> Checked:
        pk, ref, value, provisional, line, where = row
        return cls(int(pk), date.fromisoformat(ref), float(value), bool(provisional), line, where)


@dataclass
class StoreResult:
    created: int = 0
    unchanged: int = 0
    revised: int = 0


def status_of(indicator_id: int, ref_date: date, value: float, provisional: bool) -> tuple:
    """("new" | "unchanged" | "revision", current value or None) against the stored series."""
    current = (
        IndicatorValue.objects.filter(indicator_id=indicator_id, ref_date=ref_date, confirmed=True)
        .order_by("-version")
        .values_list("value", "provisional")
        .first()
    )
    if current is None:
        return "new", None
    if current[0] == value and current[1] == provisional:
        return "unchanged", current[0]
    return "revision", current[0]


@transaction.atomic
def checked_values_store(
    *,
    actor,
    municipality,
    rows: list[Checked],
    label: str,
    now: datetime | None = None,
) -> StoreResult:
    """Stores the confirmed values of a preview (only indicators of ``municipality`` with a
    count or the same unit as before); a month with a value gets a new version only when the
    value or its provisional mark differs — a revision, never a duplicate. Audited once,
    every touched indicator analysed once after the commit."""
    now = now_or(now)
    indicators = Indicator.objects.in_bulk([row.indicator_id for row in rows], field_name="pk")
    result = StoreResult()
    touched: dict[int, Indicator] = {}
    for row in rows:
        indicator = indicators.get(row.indicator_id)
        if indicator is None or indicator.municipality_id != municipality.pk:
            raise DomainError("unknown_indicator", _("Eine Kennzahl gehört nicht zur Kommune."))
        state, _current = status_of(indicator.pk, row.ref_date, row.value, row.provisional)
        stored = indicator_value_record(
            actor=actor,
            indicator=indicator,
            ref_date=row.ref_date,
            value=row.value,
            provisional=row.provisional,
            analyse=False,
            now=now,
        )
        if stored is None:
            result.unchanged += 1
            continue
        result.created += 1
        result.revised += state == "revision"
        touched[indicator.pk] = indicator
    audit.record(
        actor=actor,
        action="action",
        municipality_id=municipality.pk,
        object_type="steering.IndicatorValue",
        object_id="import",
        summary=_("%(label)s: %(c)d neu (davon %(r)d Revisionen), %(u)d unverändert")
        % {"label": label, "c": result.created, "r": result.revised, "u": result.unchanged},
    )
    for indicator in touched.values():
        transaction.on_commit(
            lambda indicator=indicator: indicator_analyse(indicator=indicator, now=now)
        )
    return result
