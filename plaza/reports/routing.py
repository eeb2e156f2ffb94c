"""Routing a report: its category names the department, its point names the area (point in polygon, in Python)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from plaza.core.geo import Point, point_in_polygon
from plaza.core.models import Jurisdiction
from plaza.reports.models import Area


def area_for(jurisdiction: Jurisdiction, point: Point | None) -> Area | None:
    """The area holding the point; None when the jurisdiction has no areas or no point was given.

    Done in Python over the jurisdiction's areas (a handful of districts or wards), so it is the
    same on SQLite and PostgreSQL without PostGIS.
    """
    if point is None:
        return None
    from plaza.reports.queries import routing_areas  # queries' imports lead back here

    areas = routing_areas(jurisdiction)
    if not areas:
        return None
    for area in areas:
        if point_in_polygon(point, area.geometry):
            return area
    raise ValidationError(
        {"location": _("This place is outside every area %(name)s covers.") % {"name": jurisdiction.name}},
        code="outside",
    )


def check_geometry(geometry) -> dict:
    """A GeoJSON Polygon or MultiPolygon with closed rings of valid [lon, lat] positions, or a ValidationError."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValidationError(_("Each area must be a GeoJSON Polygon or MultiPolygon."), code="geometry")
    polygons = geometry.get("coordinates")
    if not isinstance(polygons, list) or not polygons:
        raise ValidationError(_("An area's polygon has no coordinates."), code="geometry")
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    for rings in polygons:
        if not isinstance(rings, list) or not rings:
            raise ValidationError(_("An area's polygon has no coordinates."), code="geometry")
        for ring in rings:
            _check_ring(ring)
    return {"type": geometry["type"], "coordinates": geometry["coordinates"]}


def _check_ring(ring) -> None:
    if not isinstance(ring, list) or len(ring) < 4 or ring[0] != ring[-1]:
        raise ValidationError(
            _("A polygon's ring needs at least four positions and must end where it starts."), code="ring"
        )
    for position in ring:
        ok = isinstance(position, list) and len(position) >= 2
        ok = ok and all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])
        if not ok or not (-180 <= position[0] <= 180 and -90 <= position[1] <= 90):
            raise ValidationError(_("A position must be [longitude, latitude] in degrees."), code="position")
