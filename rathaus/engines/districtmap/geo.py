"""District outlines from GeoJSON: checked import, Web-Mercator frame, SVG paths, lookups.

Shapely does the geometry (validity, containment, a point inside each outline for its label);
this module adds the German, feature- and line-numbered messages and the drawing arithmetic.
Coordinates are GeoJSON's (longitude, latitude) in WGS 84. The map uses Web Mercator so that an
optional tile layer lines up with the outlines.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

from shapely.geometry import Point, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from rathaus.engines.districtmap.directory import LineError

MAX_FEATURES = 500
MAX_POINTS = 200_000
CODE_MAX = 40
NAME_MAX = 200
EARTH_RADIUS = 6_378_137.0
MAX_LATITUDE = 85.0511
TILE_SIZE = 256
_FEATURES = re.compile(r'"features"\s*:\s*\[')


@dataclass(frozen=True)
class DistrictShape:
    code: str
    name: str
    geometry: dict  # GeoJSON Polygon or MultiPolygon, as imported


@dataclass(frozen=True)
class GeoImport:
    shapes: tuple[DistrictShape, ...] = ()
    errors: tuple[LineError, ...] = ()


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def feature_lines(text: str, count: int) -> list[int]:
    """The line on which each feature of the top-level ``features`` array starts (1-based);
    ``[0] * count`` when the text does not let itself be walked that way."""
    match = _FEATURES.search(text)
    decoder = json.JSONDecoder()
    lines: list[int] = []
    position = match.end() if match else len(text)
    while match and len(lines) < count:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        try:
            _value, end = decoder.raw_decode(text, position)
        except ValueError:
            break
        lines.append(_line_of(text, position))
        position = end
    return lines if len(lines) == count else [0] * count


def _load(text: str) -> tuple[list, LineError | None]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], LineError(exc.lineno, f"Die Datei ist kein gültiges JSON ({exc.msg}).")
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return [], LineError(1, "Erwartet wird eine GeoJSON-FeatureCollection.")
    features = data.get("features")
    if not isinstance(features, list) or not features:
        return [], LineError(1, "Die FeatureCollection enthält keine Stadtteile.")
    if len(features) > MAX_FEATURES:
        return [], LineError(1, f"Höchstens {MAX_FEATURES} Stadtteile je Datei.")
    return features, None


def _points(geometry: BaseGeometry) -> int:
    polygons = getattr(geometry, "geoms", [geometry])
    return sum(len(p.exterior.coords) + sum(len(r.coords) for r in p.interiors) for p in polygons)


def _label(properties: dict, *keys: str) -> str:
    for key in keys:
        value = properties.get(key)
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip()
    return ""


def _geometry_problem(raw) -> tuple[BaseGeometry | None, str]:
    if not isinstance(raw, dict) or raw.get("type") not in ("Polygon", "MultiPolygon"):
        return None, "Der Umriss muss ein Polygon oder MultiPolygon sein."
    try:
        geometry = shape(raw)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
        return None, f"Die Koordinaten sind unlesbar ({exc})."
    if geometry.is_empty:
        return None, "Der Umriss ist leer."
    west, south, east, north = geometry.bounds
    if not (-180 <= west <= east <= 180 and -MAX_LATITUDE <= south <= north <= MAX_LATITUDE):
        return None, "Die Koordinaten liegen außerhalb von Längengrad/Breitengrad (WGS 84)."
    if not geometry.is_valid:
        return None, f"Der Umriss ist ungültig: {explain_validity(geometry)}."
    return geometry, ""


def _feature(raw, number: int, line: int) -> DistrictShape | LineError:
    where = f"Stadtteil {number}"
    if not isinstance(raw, dict) or raw.get("type") != "Feature":
        return LineError(line, f"{where}: kein GeoJSON-Feature.")
    properties = raw.get("properties") or {}
    if not isinstance(properties, dict):
        return LineError(line, f"{where}: „properties“ fehlt.")
    code = _label(properties, "code", "kuerzel", "Kürzel", "id")
    name = _label(properties, "name", "Name") or code
    if not code or len(code) > CODE_MAX or len(name) > NAME_MAX or not code.isprintable():
        return LineError(line, f"{where}: „code“ (Kürzel, höchstens {CODE_MAX} Zeichen) fehlt.")
    geometry, problem = _geometry_problem(raw.get("geometry"))
    if geometry is None:
        return LineError(line, f"{where} ({code}): {problem}")
    return DistrictShape(code, name, mapping(geometry) | {"type": geometry.geom_type})


def _overlaps(shapes: list[tuple[int, DistrictShape]]) -> list[LineError]:
    """Outlines that share more than a sliver (1 % of the smaller one) would give one point
    two districts."""
    errors, built = [], [(line, s, shape(s.geometry)) for line, s in shapes]
    for i, (line, first, a) in enumerate(built):
        for _line, second, b in built[i + 1 :]:
            if a.intersects(b) and a.intersection(b).area > 0.01 * min(a.area, b.area):
                errors.append(LineError(line, f"{first.code} und {second.code} überlappen sich."))
    return errors


def parse_districts_geojson(text: str) -> GeoImport:
    """Districts from a FeatureCollection: each feature with ``properties.code`` (the district's
    code, also ``kuerzel`` or ``id``), an optional ``name`` and a Polygon or MultiPolygon.
    Every problem is reported with the feature's number and its line in the file."""
    features, error = _load(text)
    if error:
        return GeoImport(errors=(error,))
    lines = feature_lines(text, len(features))
    errors: list[LineError] = []
    shapes: list[tuple[int, DistrictShape]] = []
    seen: set[str] = set()
    total = 0
    for number, (raw, line) in enumerate(zip(features, lines, strict=True), start=1):
        result = _feature(raw, number, line)
        if isinstance(result, LineError):
            errors.append(result)
            continue
        if result.code in seen:
            errors.append(LineError(line, f"Stadtteil {number}: Kürzel {result.code} doppelt."))
        seen.add(result.code)
        total += _points(shape(result.geometry))
        shapes.append((line, result))
    if total > MAX_POINTS:
        errors.append(LineError(1, f"Zu viele Punkte (höchstens {MAX_POINTS:,})."))
    if not errors:
        errors.extend(_overlaps(shapes))
    if errors:
        return GeoImport(errors=tuple(errors))
    return GeoImport(shapes=tuple(s for _line, s in shapes))


def mercator(lon: float, lat: float) -> tuple[float, float]:
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    x = EARTH_RADIUS * math.radians(lon)
    y = EARTH_RADIUS * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return x, y


def inverse_mercator(x: float, y: float) -> tuple[float, float]:
    lon = math.degrees(x / EARTH_RADIUS)
    lat = math.degrees(2 * math.atan(math.exp(y / EARTH_RADIUS)) - math.pi / 2)
    return lon, lat


@dataclass(frozen=True)
class MapFrame:
    """Maps (lon, lat) to SVG pixels: the outlines' bounding box fitted into ``width``."""

    width: int
    height: int
    left: float  # mercator x at the SVG's left edge
    top: float  # mercator y at the SVG's top edge
    scale: float  # SVG pixels per mercator metre

    def to_svg(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = mercator(lon, lat)
        return (x - self.left) * self.scale, (self.top - y) * self.scale

    def to_lonlat(self, px: float, py: float) -> tuple[float, float]:
        return inverse_mercator(self.left + px / self.scale, self.top - py / self.scale)


def frame_for(geometries: list[dict], *, width: int = 640, padding: int = 12) -> MapFrame | None:
    """The frame that shows every outline; None without outlines."""
    corners = []
    for geometry in geometries:
        west, south, east, north = shape(geometry).bounds
        corners += [mercator(west, south), mercator(east, north)]
    if not corners:
        return None
    min_x, max_x = min(c[0] for c in corners), max(c[0] for c in corners)
    min_y, max_y = min(c[1] for c in corners), max(c[1] for c in corners)
    span = max(max_x - min_x, max_y - min_y, 1.0)
    scale = (width - 2 * padding) / span
    height = round((max_y - min_y) * scale + 2 * padding)
    return MapFrame(width, height, min_x - padding / scale, max_y + padding / scale, scale)


def _ring_path(ring, frame: MapFrame) -> str:
    points = [frame.to_svg(lon, lat) for lon, lat, *_rest in ring]
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z"


def svg_path(geometry: dict, frame: MapFrame) -> str:
    """An SVG path (``fill-rule: evenodd`` keeps holes open) for a Polygon or MultiPolygon."""
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    return "".join(_ring_path(ring, frame) for polygon in polygons for ring in polygon)


def label_point(geometry: dict) -> tuple[float, float]:
    """A point inside the outline (not the centroid, which may fall outside a crescent)."""
    point = shape(geometry).representative_point()
    return point.x, point.y


def locate(lon: float, lat: float, outlines: dict[str, dict]) -> str | None:
    """The code of the outline containing the point (on a shared border: the first)."""
    point = Point(lon, lat)
    for code, geometry in outlines.items():
        if shape(geometry).covers(point):
            return code
    return None


@dataclass(frozen=True)
class Tile:
    z: int
    x: int
    y: int
    left: float
    top: float
    size: float


def tiles(frame: MapFrame) -> list[Tile]:
    """The slippy-map tiles that cover the frame, at the zoom closest to the frame's scale."""
    world = 2 * math.pi * EARTH_RADIUS
    zoom = max(0, min(19, round(math.log2(frame.scale * world / TILE_SIZE))))
    count = 2**zoom
    metres = world / count
    size = metres * frame.scale
    first_x = math.floor((frame.left + world / 2) / metres)
    first_y = math.floor((world / 2 - frame.top) / metres)
    last_x = math.floor((frame.left + frame.width / frame.scale + world / 2) / metres)
    last_y = math.floor((world / 2 - frame.top + frame.height / frame.scale) / metres)
    return [
        Tile(
            zoom,
            tx,
            ty,
            (tx * metres - world / 2 - frame.left) * frame.scale,
            (frame.top - (world / 2 - ty * metres)) * frame.scale,
            size,
        )
        for tx in range(max(0, first_x), min(count - 1, last_x) + 1)
        for ty in range(max(0, first_y), min(count - 1, last_y) + 1)
    ]
