"""Reading the gazetteer: a parsed address to its entries (an index lookup), a point to its nearest address."""

from django.utils.translation import gettext as _

from plaza.core.geo import Point, bounding_box, haversine_km
from plaza.core.geocoding import AddressQuery, Candidate, Geocoded, number_value
from plaza.core.models import GazetteerEntry, Jurisdiction
from plaza.core.search import fold

MAX_CANDIDATES = 8
NEAR_NUMBERS = 5
# A street holds a few thousand numbers at most; reading more than this to find the nearest is not done.
MAX_STREET_ROWS = 5000
_FIELDS = ("label", "latitude", "longitude", "street_type", "postcode", "city", "district", "street", "number_value")


def entries(jurisdiction: Jurisdiction):
    return GazetteerEntry.objects.with_scope(jurisdiction=jurisdiction)


def count(jurisdiction: Jurisdiction) -> int:
    return entries(jurisdiction).count()


def _candidate(row: dict) -> Candidate:
    return Candidate(label=row["label"], point=Point(row["latitude"], row["longitude"]), source="gazetteer")


def _narrowed(rows: list[dict], query: AddressQuery) -> list[dict]:
    """Homonyms narrowed by what else was typed (street type, postcode, town, district), when that leaves any."""
    if query.street_type:
        typed = [r for r in rows if r["street_type"] == query.street_type]
        rows = typed or rows
    for hint in query.hints:
        matching = [r for r in rows if hint == r["postcode"] or hint in fold(f"{r['city']} {r['district']}").split()]
        rows = matching or rows
    return rows


def _distinct(rows: list[dict]) -> list[Candidate]:
    seen, found = set(), []
    for row in rows:
        if row["label"] not in seen:
            seen.add(row["label"])
            found.append(_candidate(row))
    return found[:MAX_CANDIDATES]


def search(jurisdiction: Jurisdiction, query: AddressQuery) -> Geocoded:
    """Exact matches (street and number, or a named place); else the nearest known numbers on that street."""
    if not query.street_key:
        return Geocoded()
    rows = entries(jurisdiction).values(*_FIELDS)
    if query.number_key:
        exact = list(rows.filter(street_key=query.street_key, number_key=query.number_key)[:50])
        if exact:
            return Geocoded(candidates=_distinct(_narrowed(exact, query)), exact=True)
    places = list(rows.filter(street_key=query.place_key, number_key="")[:50])
    if places:
        return Geocoded(candidates=_distinct(_narrowed(places, query)), exact=True)
    street = list(rows.filter(street_key=query.street_key).exclude(number_value=None)[:MAX_STREET_ROWS])
    if not street:
        return Geocoded()
    street = _narrowed(street, query)
    name = street[0]["street"]
    if not query.number_key:
        return Geocoded(
            message=_("Which number on %(street)s? Add the house number, or pick the place on the map.")
            % {"street": name}
        )
    wanted = number_value(query.number_key) or 0
    street.sort(key=lambda r: (abs(r["number_value"] - wanted), r["number_value"]))
    return Geocoded(
        candidates=_distinct(street)[:NEAR_NUMBERS],
        message=_("There is no number %(number)s on %(street)s that we know of. Is it one of these?")
        % {"number": query.number_key, "street": name},
    )


def nearest(jurisdiction: Jurisdiction, point: Point, *, within_m: float = 100) -> tuple[str, int] | None:
    """The label of the known address nearest the point, and its distance in metres (None beyond `within_m`)."""
    box = bounding_box(point, within_m / 1000)
    near = entries(jurisdiction).filter(latitude__gte=box.min_latitude, latitude__lte=box.max_latitude)
    if box.min_longitude <= box.max_longitude:
        near = near.filter(longitude__gte=box.min_longitude, longitude__lte=box.max_longitude)
    best = None
    for label, latitude, longitude in near.values_list("label", "latitude", "longitude")[:500]:
        metres = haversine_km(point, Point(latitude, longitude)) * 1000
        if metres <= within_m and (best is None or metres < best[1]):
            best = (label, round(metres))
    return best
