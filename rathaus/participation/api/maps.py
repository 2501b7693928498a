"""The district map as data: a municipality's district outlines and the places of a process's
ideas, both as GeoJSON FeatureCollections (WGS 84, longitude before latitude)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from rathaus.core.problems import NotFound
from rathaus.participation.api.common import public_process_or_404
from rathaus.participation.selectors import maps as map_selectors
from rathaus.participation.selectors import processes as process_selectors

router = Router()


@router.get(
    "/municipalities/{municipality_slug}/districts",
    summary="District outlines as a GeoJSON FeatureCollection (districts without outline have "
    "geometry null)",
)
def district_outlines(request: HttpRequest, municipality_slug: str):
    town = process_selectors.public_municipality(municipality_slug)
    if town is None:
        raise NotFound("not_found", _("Diese Kommune wurde nicht gefunden."))
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": d.code,
                "geometry": d.geometry,
                "properties": {
                    "code": d.code,
                    "name": d.name,
                    "processes": [p.pk for p in d.open_processes],
                    "ideas": d.idea_count,
                },
            }
            for d in process_selectors.public_districts(town)
        ],
    }


@router.get(
    "/processes/{process_id}/places",
    summary="Published ideas with a place on the map, as GeoJSON points",
)
def idea_places(request: HttpRequest, process_id: int):
    process = public_process_or_404(process_id)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": idea.reference,
                "geometry": {"type": "Point", "coordinates": [idea.longitude, idea.latitude]},
                "properties": {
                    "id": idea.pk,
                    "reference": idea.reference,
                    "title": idea.title,
                    "district": idea.district.name if idea.district else None,
                    "status": idea.status,
                    "status_label": idea.get_status_display(),
                },
            }
            for idea in map_selectors.placed_ideas(process)
        ],
    }
