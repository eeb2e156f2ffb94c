"""Geo helpers: validation, parsing typed coordinates, distances, boxes, polygons, GeoJSON."""

import math

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from plaza.core import geo
from plaza.core.geo import Point

latitudes = st.floats(min_value=-90, max_value=90, allow_nan=False)
longitudes = st.floats(min_value=-180, max_value=180, allow_nan=False)
points = st.builds(Point, latitudes, longitudes)
PARIS, MADRID = Point(48.8566, 2.3522), Point(40.4168, -3.7038)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("48.8566, 2.3522", (48.8566, 2.3522)),
        ("48.8566 2.3522", (48.8566, 2.3522)),
        ("  -34.6037,-58.3816 ", (-34.6037, -58.3816)),
        ("48,8566; 2,3522", (48.8566, 2.3522)),
        ("+4.711 ; -74.0721", (4.711, -74.0721)),
    ],
)
def test_parse_point_reads_what_people_type(text, expected):
    assert geo.parse_point(text) == expected


@pytest.mark.parametrize("text", ["", "Paris", "48.8566", "91, 0", "0, 181", "1, 2, 3", "48.8566,2,3522", "nan, nan"])
def test_parse_point_refuses_with_a_clear_message(text):
    with pytest.raises(ValidationError) as refused:
        geo.parse_point(text)
    assert "itude" in " ".join(refused.value.messages)  # names the latitude or the longitude


@given(latitudes, longitudes, st.sampled_from(["{}, {}", "{} {}", "{} ,{}", "{};{}"]))
def test_parse_point_round_trips_formatted_points(lat, lon, pattern):
    text = pattern.format(f"{lat:.6f}", f"{lon:.6f}")
    parsed = geo.parse_point(text)
    assert math.isclose(parsed.latitude, round(lat, 6), abs_tol=1e-9)
    assert math.isclose(parsed.longitude, round(lon, 6), abs_tol=1e-9)


@given(st.text(max_size=40))
def test_parse_point_never_fails_with_anything_but_a_validation_error(text):
    try:
        point = geo.parse_point(text)
    except ValidationError:
        return
    assert -90 <= point.latitude <= 90 and -180 <= point.longitude <= 180


def test_validators_refuse_out_of_range_values():
    geo.make_point(90, -180)
    for lat, lon in [(90.01, 0), (0, -180.5), (float("inf"), 0)]:
        with pytest.raises(ValidationError):
            geo.make_point(lat, lon)


def test_haversine_knows_paris_to_madrid():
    assert 1050 < geo.haversine_km(PARIS, MADRID) < 1056


@given(points, points)
def test_haversine_is_symmetric_and_bounded(a, b):
    d = geo.haversine_km(a, b)
    assert d >= 0
    assert math.isclose(d, geo.haversine_km(b, a), abs_tol=1e-6)
    assert d <= math.pi * geo.EARTH_RADIUS_KM + 1e-6


@given(points, points, points)
def test_haversine_triangle_inequality(a, b, c):
    assert geo.haversine_km(a, c) <= geo.haversine_km(a, b) + geo.haversine_km(b, c) + 1e-6


@given(points, st.floats(min_value=0.01, max_value=2000), st.floats(0, 1), st.floats(0, 360))
def test_bounding_box_holds_every_point_within_the_radius(center, radius, fraction, bearing):
    # A point at distance fraction*radius along a bearing (direct geodesic problem on the sphere).
    delta = fraction * radius / geo.EARTH_RADIUS_KM
    lat1, lon1, theta = math.radians(center.latitude), math.radians(center.longitude), math.radians(bearing)
    lat2 = math.asin(math.sin(lat1) * math.cos(delta) + math.cos(lat1) * math.sin(delta) * math.cos(theta))
    lon2 = lon1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(lat1), math.cos(delta) - math.sin(lat1) * math.sin(lat2)
    )
    inside = Point(math.degrees(lat2), ((math.degrees(lon2) + 540) % 360) - 180)
    assume(geo.haversine_km(center, inside) < radius * 0.999)
    box = geo.bounding_box(center, radius)
    assert box.contains(inside)


def test_bounds_of_points():
    assert geo.bounds_of([]) is None
    assert geo.bounds_of([PARIS, MADRID]) == (40.4168, -3.7038, 48.8566, 2.3522)


def square(west, south, east, north):
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


SQUARE_WITH_HOLE = {"type": "Polygon", "coordinates": [square(0, 0, 10, 10), square(4, 4, 6, 6)]}


def test_point_in_polygon_with_a_hole_and_a_multipolygon():
    assert geo.point_in_polygon(Point(2, 2), SQUARE_WITH_HOLE)
    assert not geo.point_in_polygon(Point(5, 5), SQUARE_WITH_HOLE)  # in the hole
    assert not geo.point_in_polygon(Point(11, 5), SQUARE_WITH_HOLE)
    multi = {"type": "MultiPolygon", "coordinates": [[square(0, 0, 1, 1)], [square(20, 20, 21, 21)]]}
    assert geo.point_in_polygon(Point(20.5, 20.5), multi)
    assert not geo.point_in_polygon(Point(10, 10), multi)
    with pytest.raises(ValueError):
        geo.point_in_polygon(Point(0, 0), {"type": "Point", "coordinates": [0, 0]})


coordinates = st.floats(min_value=-170, max_value=170, allow_nan=False)


@given(coordinates, coordinates, coordinates, coordinates, latitudes, longitudes)
def test_point_in_rectangle_agrees_with_bounds(x1, x2, y1, y2, lat, lon):
    west, east, south, north = min(x1, x2), max(x1, x2), min(y1, y2) / 2, max(y1, y2) / 2
    assume(east - west > 1e-6 and north - south > 1e-6)
    # Points on the edge are ambiguous by definition; keep them away from it.
    assume(min(abs(lon - west), abs(lon - east), abs(lat - south), abs(lat - north)) > 1e-9)
    polygon = {"type": "Polygon", "coordinates": [square(west, south, east, north)]}
    expected = west < lon < east and south < lat < north
    assert geo.point_in_polygon(Point(lat, lon), polygon) == expected


@given(st.floats(0.01, 9.99), st.floats(0.01, 9.99))
def test_point_in_polygon_ignores_ring_orientation(lat, lon):
    clockwise = {"type": "Polygon", "coordinates": [list(reversed(square(0, 0, 10, 10)))]}
    assert geo.point_in_polygon(Point(lat, lon), clockwise)


class Place:
    def __init__(self, name, latitude, longitude):
        self.name, self.latitude, self.longitude = name, latitude, longitude

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"/{self.name.lower()}/"


def test_feature_collection_leaves_out_places_without_a_location():
    collection = geo.feature_collection([Place("Paris", 48.8566, 2.3522), Place("Nowhere", None, None)])
    assert collection == {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [2.3522, 48.8566]},
                "properties": {"name": "Paris", "url": "/paris/"},
            }
        ],
    }


def test_map_context_reads_the_tiles_setting(settings):
    settings.PLAZA_MAP_TILES = ""
    assert geo.map_context([Place("Paris", 48.8566, 2.3522)])["tiles"] == ""
    settings.PLAZA_MAP_TILES = "https://tile.example.org/{z}/{x}/{y}.png"
    context = geo.map_context([Place("Paris", 48.8566, 2.3522)], map_id="m")
    assert context["tiles"].startswith("https://tile.example.org/")
    assert context["places"] == [{"name": "Paris", "url": "/paris/", "latitude": 48.8566, "longitude": 2.3522}]


@pytest.mark.django_db
def test_jurisdiction_home_lists_and_maps_the_places_within(client, unscoped, settings):
    from plaza.core.tests.factories import JurisdictionFactory

    settings.PLAZA_MAP_TILES = ""
    spain = JurisdictionFactory(slug="spain", name="España", kind="country", latitude=40.46, longitude=-3.75)
    JurisdictionFactory(slug="madrid", name="Madrid", parent=spain, latitude=40.4168, longitude=-3.7038)
    JurisdictionFactory(slug="nowhere", name="Sin sitio", parent=spain)
    html = client.get("/spain/?lang=en").content.decode()
    assert '<a href="/madrid/">Madrid</a> <span class="coords">(40.4168, -3.7038)</span>' in html
    assert '"coordinates": [-3.7038, 40.4168]' in html  # the GeoJSON map.js reads
    assert 'data-tiles=""' in html and "/static/core/vendor/leaflet/leaflet.js" in html
    assert "http" not in html.split('id="map-title"')[1].split("</section>")[0]  # nothing loaded from outside
    city = client.get("/madrid/?lang=es").content.decode()
    assert "(40.4168, -3.7038)" in city  # a city with nothing inside shows itself, unlocalised numbers
    assert "On the map" not in client.get("/nowhere/").content.decode()
