"""The district map: outlines as SVG paths, labels, ideas placed on it, optional tiles.

Drawn on the server (no script, no third-party tile server unless the town configures one);
every district is a link and every idea a link with its title, and each page that shows the
map also lists the same things as text (the list alternative).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rathaus.engines.districtmap.geo import (
    MapFrame,
    frame_for,
    label_point,
    locate,
    svg_path,
    tiles,
)
from rathaus.participation import conf
from rathaus.participation.models import District, Idea, Visibility

PICKER_WIDTH = 360


@dataclass(frozen=True)
class Area:
    district: District
    path: str
    label_x: float
    label_y: float
    highlighted: bool


@dataclass(frozen=True)
class Marker:
    idea: Idea
    x: float
    y: float


@dataclass(frozen=True)
class TileImage:
    href: str
    x: float
    y: float
    size: float


@dataclass(frozen=True)
class DistrictMap:
    frame: MapFrame
    areas: list[Area]
    markers: list[Marker] = field(default_factory=list)
    tiles: list[TileImage] = field(default_factory=list)
    attribution: str = ""
    link_districts: bool = True

    @property
    def width(self) -> int:
        return self.frame.width

    @property
    def height(self) -> int:
        return self.frame.height


def outlined(municipality_id: int) -> list[District]:
    return list(
        District.objects.filter(municipality_id=municipality_id, geometry__isnull=False).order_by(
            "name"
        )
    )


def _tiles(frame: MapFrame) -> list[TileImage]:
    template = conf.tile_url()
    if not template:
        return []
    return [
        TileImage(template.format(z=t.z, x=t.x, y=t.y), t.left, t.top, t.size) for t in tiles(frame)
    ]


def district_map(
    municipality_id: int,
    *,
    ideas=(),
    highlight=(),
    width: int = 640,
    link_districts: bool = True,
) -> DistrictMap | None:
    """The map of a municipality's districts with ``ideas`` that have a place; None when no
    district has an outline (pages then show the list only)."""
    districts = outlined(municipality_id)
    frame = frame_for([d.geometry for d in districts], width=width)
    if frame is None:
        return None
    areas = []
    for district in districts:
        x, y = frame.to_svg(*label_point(district.geometry))
        areas.append(
            Area(district, svg_path(district.geometry, frame), x, y, district.pk in highlight)
        )
    markers = [
        Marker(idea, *frame.to_svg(idea.longitude, idea.latitude)) for idea in ideas if idea.placed
    ]
    return DistrictMap(
        frame, areas, markers, _tiles(frame), conf.tile_attribution(), link_districts
    )


def picker_place(municipality_id: int, x, y) -> tuple[float, float] | None:
    """The (longitude, latitude) a click on the picker image at pixel (x, y) means."""
    frame = frame_for([d.geometry for d in outlined(municipality_id)], width=PICKER_WIDTH)
    try:
        px, py = float(x), float(y)
    except (TypeError, ValueError):
        return None
    if frame is None or not (0 <= px <= frame.width and 0 <= py <= frame.height):
        return None
    lon, lat = frame.to_lonlat(px, py)
    return round(lon, 6), round(lat, 6)


def district_at(municipality_id: int, place: tuple[float, float]) -> District | None:
    districts = {d.code: d for d in outlined(municipality_id)}
    code = locate(place[0], place[1], {c: d.geometry for c, d in districts.items()})
    return districts.get(code) if code else None


def placed_ideas(process) -> list[Idea]:
    """The published ideas of a process that have a place, newest first."""
    return list(
        Idea.objects.filter(
            process=process,
            visibility=Visibility.PUBLISHED,
            longitude__isnull=False,
            latitude__isnull=False,
        )
        .select_related("district")
        .order_by("-created_at", "-pk")
    )
