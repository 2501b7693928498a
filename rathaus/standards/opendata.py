"""The open-data format of the service standards (stable schema, version 1).

Long CSV, one row per promise, location and day; ``;`` separated, ``.`` as decimal mark,
UTF-8, lines end in CRLF. Columns, in this order (the first eight are the regional exchange
format of the issue; the last four were added for the fair comparison):

    date;ags;location;leika;metric;value;unit;definition_version;cases;successes;promise;municipality

``value`` is successes / cases in percent with one decimal, ``unit`` is ``%``. When the region
publishes anonymised, ``ags`` is empty and ``municipality``/``location`` are pseudonyms.
Cells that a spreadsheet would read as a formula are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date

COLUMNS = (
    "date",
    "ags",
    "location",
    "leika",
    "metric",
    "value",
    "unit",
    "definition_version",
    "cases",
    "successes",
    "promise",
    "municipality",
)
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class OpenRow:
    date: date
    ags: str
    location: str
    leika: str
    metric: str
    value: str
    unit: str
    definition_version: int
    cases: int
    successes: int
    promise: str
    municipality: str


def percent(successes: int, cases: int) -> str:
    return f"{100 * successes / cases:.1f}" if cases else ""


def safe_cell(text: str) -> str:
    """Neutralises formula cells (=, +, -, @, tab, CR at the start)."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def write_csv(rows: list[OpenRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        # attribute access, not dataclasses.asdict (which deep-copies: 10× slower here)
        writer.writerow(
            [row.date.isoformat()] + [safe_cell(str(getattr(row, k))) for k in COLUMNS[1:]]
        )
    return out.getvalue()


def write_json(rows: list[OpenRow]) -> str:
    return json.dumps(
        {
            "schema_version": SCHEMA_VERSION,
            "columns": list(COLUMNS),
            "rows": [
                {k: (r.date.isoformat() if k == "date" else getattr(r, k)) for k in COLUMNS}
                for r in rows
            ],
        },
        ensure_ascii=False,
    )


def dcat(*, region_name: str, region_slug: str, base_url: str, modified: date | None) -> dict:
    """DCAT-AP.de metadata of the dataset as JSON-LD."""
    csv_url = f"{base_url}/standards/oeffentlich/{region_slug}/daten.csv"
    json_url = f"{base_url}/standards/oeffentlich/{region_slug}/daten.json"
    page_url = f"{base_url}/standards/oeffentlich/{region_slug}/"
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "dcatde": "http://dcat-ap.de/def/dcatde/",
            "foaf": "http://xmlns.com/foaf/0.1/",
        },
        "@type": "dcat:Dataset",
        "@id": page_url + "#dataset",
        "dct:title": f"Servicestandards {region_name}",
        "dct:description": (
            "Leistungsversprechen der Region und ihre tägliche Messung je Kommune, "
            "Standort und Leistung (aus den Termindaten der Bürgerbüros)."
        ),
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": region_name},
        "dct:modified": modified.isoformat() if modified else None,
        "dct:accrualPeriodicity": {
            "@id": "http://publications.europa.eu/resource/authority/frequency/DAILY"
        },
        "dct:license": {"@id": "http://dcat-ap.de/def/licenses/dl-zero-de/2.0"},
        "dcatde:licenseAttributionByText": region_name,
        "dcat:theme": {"@id": "http://publications.europa.eu/resource/authority/data-theme/GOVE"},
        "dcat:landingPage": {"@id": page_url},
        "dcat:distribution": [
            {
                "@type": "dcat:Distribution",
                "dcat:accessURL": {"@id": csv_url},
                "dcat:downloadURL": {"@id": csv_url},
                "dct:format": {
                    "@id": "http://publications.europa.eu/resource/authority/file-type/CSV"
                },
                "dcat:mediaType": "text/csv",
                "dct:conformsTo": {"@id": page_url + "#schema-v1"},
            },
            {
                "@type": "dcat:Distribution",
                "dcat:accessURL": {"@id": json_url},
                "dcat:downloadURL": {"@id": json_url},
                "dct:format": {
                    "@id": "http://publications.europa.eu/resource/authority/file-type/JSON"
                },
                "dcat:mediaType": "application/json",
            },
        ],
    }
