"""Geo helpers in pure Python (the same on SQLite and PostgreSQL): points, distances, polygons, GeoJSON.

Coordinates are WGS 84 degrees. A `Point` is (latitude, longitude), the order people type;
GeoJSON positions are [longitude, latitude], the order the standard mandates.
"""

import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG), what haversine distances assume


class Point(NamedTuple):
    latitude: float
    longitude: float


class BoundingBox(NamedTuple):
    min_latitude: float
    min_longitude: float
    max_latitude: float
    max_longitude: float

    def contains(self, point: Point) -> bool:
        if not self.min_latitude <= point.latitude <= self.max_latitude:
            return False
        if self.min_longitude <= self.max_longitude:
            return self.min_longitude <= point.longitude <= self.max_longitude
        # The box crosses the antimeridian: it is two boxes, east and west of it.
        return point.longitude >= self.min_longitude or point.longitude <= self.max_longitude


def validate_latitude(value: float) -> None:
    if value is None or not math.isfinite(value) or not -90 <= value <= 90:
        raise ValidationError(_("A latitude is a number between -90 and 90."), code="latitude")


def validate_longitude(value: float) -> None:
    if value is None or not math.isfinite(value) or not -180 <= value <= 180:
        raise ValidationError(_("A longitude is a number between -180 and 180."), code="longitude")


def make_point(latitude: float, longitude: float) -> Point:
    """A validated point (raises ValidationError with a translated message)."""
    validate_latitude(latitude)
    validate_longitude(longitude)
    return Point(float(latitude), float(longitude))


_NUMBER = r"[-+]?\d{1,3}(?:[.,]\d+)?"
_SEMICOLON = re.compile(rf"^\s*({_NUMBER})\s*;\s*({_NUMBER})\s*$")
_COMMA_OR_SPACE = re.compile(r"^\s*([-+]?\d{1,3}(?:\.\d+)?)\s*(?:,\s*|\s+)([-+]?\d{1,3}(?:\.\d+)?)\s*$")


def parse_point(text: str) -> Point:
    """Read "lat, lon" as people type it: "48.8566, 2.3522", "48.8566 2.3522" or "48,8566; 2,3522"."""
    text = (text or "").strip()
    found = _SEMICOLON.match(text) or _COMMA_OR_SPACE.match(text)
    if found is None:
        raise ValidationError(
            _("Enter a latitude and a longitude separated by a comma, for example “48.8566, 2.3522”."), code="format"
        )
    latitude, longitude = (float(part.replace(",", ".")) for part in found.groups())
    return make_point(latitude, longitude)


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(center: Point, radius_km: float) -> BoundingBox:
    """A box holding every point within `radius_km` of `center`: a cheap database pre-filter for proximity."""
    if radius_km < 0:
        raise ValueError("radius_km must not be negative")
    delta_lat = math.degrees(radius_km / EARTH_RADIUS_KM)
    min_lat, max_lat = center[0] - delta_lat, center[0] + delta_lat
    if min_lat <= -90 or max_lat >= 90:  # a pole is inside: every longitude is
        return BoundingBox(max(min_lat, -90.0), -180.0, min(max_lat, 90.0), 180.0)
    # The widest longitude span is at the latitude where the circle touches its meridian tangents.
    ratio = math.sin(radius_km / EARTH_RADIUS_KM) / math.cos(math.radians(center[0]))
    if ratio >= 1:
        return BoundingBox(min_lat, -180.0, max_lat, 180.0)
    delta_lon = math.degrees(math.asin(ratio))
    min_lon = _wrap_longitude(center[1] - delta_lon)
    max_lon = _wrap_longitude(center[1] + delta_lon)
    return BoundingBox(min_lat, min_lon, max_lat, max_lon)


def _wrap_longitude(value: float) -> float:
    return ((value + 180.0) % 360.0) - 180.0 if not -180 <= value <= 180 else value


def bounds_of(points: Iterable[Point]) -> BoundingBox | None:
    """The smallest box around some points (None for no points)."""
    points = list(points)
    if not points:
        return None
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return BoundingBox(min(lats), min(lons), max(lats), max(lons))


def _in_ring(point: Point, ring: Sequence[Sequence[float]]) -> bool:
    """Even-odd ray casting on one linear ring of [lon, lat] positions."""
    x, y = point[1], point[0]
    inside = False
    for i in range(len(ring)):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[i - 1][0], ring[i - 1][1]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def _in_polygon(point: Point, rings: Sequence) -> bool:
    if not rings or not _in_ring(point, rings[0]):
        return False
    return not any(_in_ring(point, hole) for hole in rings[1:])


def point_in_polygon(point: Point, geometry: dict) -> bool:
    """Whether a point lies inside a GeoJSON Polygon or MultiPolygon (holes excluded).

    Planar on longitude/latitude, which is what GeoJSON (RFC 7946) prescribes for rings
    that do not cross the antimeridian.
    """
    kind = geometry.get("type")
    if kind == "Polygon":
        return _in_polygon(point, geometry["coordinates"])
    if kind == "MultiPolygon":
        return any(_in_polygon(point, polygon) for polygon in geometry["coordinates"])
    raise ValueError(f"Expected a Polygon or MultiPolygon, not {kind!r}")


def _value(obj: Any, attribute: str | Callable) -> Any:
    if callable(attribute):
        return attribute(obj)
    value = getattr(obj, attribute, None)
    return value() if callable(value) else value


def feature_collection(
    objects: Iterable[Any],
    *,
    name: str | Callable = "__str__",
    url: str | Callable = "get_absolute_url",
    latitude: str = "latitude",
    longitude: str = "longitude",
) -> dict:
    """A GeoJSON FeatureCollection of the objects that have a location (the others are left out)."""
    features = []
    for obj in objects:
        lat, lon = getattr(obj, latitude, None), getattr(obj, longitude, None)
        if lat is None or lon is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
                "properties": {"name": str(_value(obj, name)), "url": _value(obj, url) or ""},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def map_context(objects: Iterable[Any], *, map_id: str = "map", **feature_options) -> dict:
    """What `core/includes/map.html` needs: the places (for the list) and their GeoJSON (for the map)."""
    collection = feature_collection(objects, **feature_options)
    places = [
        {
            "name": f["properties"]["name"],
            "url": f["properties"]["url"],
            "latitude": f["geometry"]["coordinates"][1],
            "longitude": f["geometry"]["coordinates"][0],
        }
        for f in collection["features"]
    ]
    return {
        "id": map_id,
        "json_id": f"{map_id}-data",
        "places": places,
        "geojson": collection,
        "tiles": getattr(settings, "PLAZA_MAP_TILES", ""),
        "attribution": getattr(settings, "PLAZA_MAP_ATTRIBUTION", ""),
    }
