"""District outlines: the GeoJSON import (all or nothing, feature- and line-numbered errors)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.models import Municipality
from rathaus.engines.districtmap.geo import parse_districts_geojson
from rathaus.participation import caching
from rathaus.participation.models import District, Process


@dataclass(frozen=True)
class OutlineImport:
    updated: int
    created: int
    errors: list[tuple[int, str]]


@transaction.atomic
def district_outlines_import(*, actor, municipality: Municipality, text: str) -> OutlineImport:
    """Set the outlines of the municipality's districts from a GeoJSON FeatureCollection.

    A feature whose code names an existing district replaces its outline (and name); a new
    code creates the district. Districts missing from the file keep their outline. Any error
    stores nothing.
    """
    result = parse_districts_geojson(text)
    if result.errors:
        return OutlineImport(0, 0, [(e.line, e.message) for e in result.errors])
    existing = {d.code: d for d in District.objects.filter(municipality=municipality)}
    updated = created = 0
    for item in result.shapes:
        district = existing.get(item.code)
        if district is None:
            District.objects.create(
                municipality=municipality, code=item.code, name=item.name, geometry=item.geometry
            )
            created += 1
        else:
            district.name, district.geometry = item.name, item.geometry
            district.save(update_fields=["name", "geometry"])
            updated += 1
    for process_id in Process.objects.filter(municipality=municipality).values_list(
        "pk", flat=True
    ):
        caching.bump(process_id)  # process pages draw the map
    audit.record(
        actor=actor,
        action="import",
        municipality_id=municipality.pk,
        object_type="participation.District",
        summary=_("Stadtteil-Umrisse: %(u)d geändert, %(c)d neu") % {"u": updated, "c": created},
    )
    return OutlineImport(updated, created, [])
