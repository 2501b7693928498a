"""GeoJSON import of district outlines, the map frame and lookups."""

import json

from hypothesis import given
from hypothesis import strategies as st

from rathaus.engines.districtmap.geo import (
    frame_for,
    label_point,
    locate,
    parse_districts_geojson,
    svg_path,
    tiles,
)


def square(west, south, size=0.01):
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [west, south],
                [west + size, south],
                [west + size, south + size],
                [west, south + size],
                [west, south],
            ]
        ],
    }


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, indent=1)


def feature(code, geometry, name=None):
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name or code},
        "geometry": geometry,
    }


def test_two_districts_are_read_with_codes_names_and_outlines():
    result = parse_districts_geojson(
        collection(
            feature("NORD", square(9.50, 52.30), "Nordviertel"),
            feature("SUED", square(9.50, 52.28)),
        )
    )
    assert result.errors == ()
    assert [(s.code, s.name, s.geometry["type"]) for s in result.shapes] == [
        ("NORD", "Nordviertel", "Polygon"),
        ("SUED", "SUED", "Polygon"),
    ]


def test_every_problem_names_the_feature_and_its_line_and_nothing_is_returned():
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    text = collection(
        feature("A", square(9.5, 52.3)),
        feature("", square(9.6, 52.3)),
        feature("C", bow_tie),
        feature("D", {"type": "Point", "coordinates": [9.5, 52.3]}),
        feature("E", square(200, 52.3)),
        feature("A", square(9.7, 52.3)),
    )
    result = parse_districts_geojson(text)
    assert result.shapes == ()
    lines = text.splitlines()
    messages = {e.message.split(":")[0]: e.line for e in result.errors}
    assert set(messages) == {
        "Stadtteil 2",
        "Stadtteil 3 (C)",
        "Stadtteil 4 (D)",
        "Stadtteil 5 (E)",
        "Stadtteil 6",
    }
    for line in messages.values():  # each points at the line where its feature starts
        assert lines[line - 1].strip() == "{"
        assert '"type": "Feature"' in lines[line]
    assert any("ungültig" in e.message and "Self-intersection" in e.message for e in result.errors)


def test_broken_json_and_other_documents_are_refused_with_a_line():
    result = parse_districts_geojson('{"type": "FeatureCollection",\n "features": [\n}')
    assert result.errors[0].line == 3 and "kein gültiges JSON" in result.errors[0].message
    assert "FeatureCollection" in parse_districts_geojson("[]").errors[0].message
    empty = parse_districts_geojson('{"type": "FeatureCollection", "features": []}')
    assert "keine Stadtteile" in empty.errors[0].message


def test_overlapping_districts_are_refused():
    result = parse_districts_geojson(
        collection(feature("A", square(9.5, 52.3, 0.02)), feature("B", square(9.51, 52.31, 0.02)))
    )
    assert [e.message for e in result.errors] == ["A und B überlappen sich."]


def test_neighbours_sharing_a_border_are_fine_and_a_point_finds_its_district():
    outlines = {"WEST": square(9.50, 52.30), "OST": square(9.51, 52.30)}
    assert (
        parse_districts_geojson(collection(*(feature(c, g) for c, g in outlines.items()))).errors
        == ()
    )
    assert locate(9.505, 52.305, outlines) == "WEST"
    assert locate(9.515, 52.305, outlines) == "OST"
    assert locate(9.60, 52.305, outlines) is None


@given(
    west=st.floats(min_value=-170, max_value=170),
    south=st.floats(min_value=-80, max_value=80),
    size=st.floats(min_value=0.001, max_value=5),
    fx=st.floats(min_value=0, max_value=1),
    fy=st.floats(min_value=0, max_value=1),
)
def test_frame_round_trips_points_and_keeps_outlines_inside_the_picture(west, south, size, fx, fy):
    geometry = square(west, south, size)
    frame = frame_for([geometry], width=400)
    assert frame is not None
    lon, lat = west + fx * size, south + fy * size
    x, y = frame.to_svg(lon, lat)
    assert -0.01 <= x <= frame.width + 0.01 and -0.01 <= y <= frame.height + 0.01
    back = frame.to_lonlat(x, y)
    assert abs(back[0] - lon) < 1e-6 and abs(back[1] - lat) < 1e-6
    label = label_point(geometry)
    assert locate(*label, {"X": geometry}) == "X"


def test_svg_path_and_tiles_cover_the_frame():
    geometry = square(9.50, 52.30)
    frame = frame_for([geometry], width=640)
    assert frame is not None
    path = svg_path(geometry, frame)
    assert path.startswith("M") and path.endswith("Z") and path.count("L") == 4
    covering = tiles(frame)
    assert covering and len({t.z for t in covering}) == 1
    assert min(t.left for t in covering) <= 0 and min(t.top for t in covering) <= 0
    assert max(t.left + t.size for t in covering) >= frame.width
    assert max(t.top + t.size for t in covering) >= frame.height
