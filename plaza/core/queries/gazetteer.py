"""Reading the gazetteer: a parsed address to its entries (an index lookup, else the keys most like it), an
`address_id` to its entry, a point to its nearest address."""

import re

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from plaza.core.geo import Point, bounding_box, haversine_km
from plaza.core.geocoding import (
    FUZZY_CUTOFF,
    MIN_FUZZY_KEY,
    AddressQuery,
    Candidate,
    Geocoded,
    locality,
    name_similarity,
    number_value,
)
from plaza.core.models import GazetteerEntry, GazetteerName, Jurisdiction
from plaza.core.search import fold

MAX_CANDIDATES = 8
NEAR_NUMBERS = 5
# A street holds a few thousand numbers at most; reading more than this to find the nearest is not done.
MAX_STREET_ROWS = 5000
# The keys most like a misspelt one that are looked up, and how many names one narrowing may read.
FUZZY_KEYS = 5
MAX_NAME_ROWS = 3000
# Two known numbers further apart than this are not one stretch of street: no number is placed between them.
INTERPOLATE_WITHIN_KM = 2.0
_FIELDS = (
    "label",
    "latitude",
    "longitude",
    "street_type",
    "postcode",
    "city",
    "district",
    "street",
    "number",
    "number_value",
    "street_key",
    "address_id",
)
_PLAIN_NUMBER = re.compile(r"\d+(?:[a-z]|bis|ter)?")


def entries(jurisdiction: Jurisdiction):
    return GazetteerEntry.objects.with_scope(jurisdiction=jurisdiction)


def names(jurisdiction: Jurisdiction):
    return GazetteerName.objects.with_scope(jurisdiction=jurisdiction)


def count(jurisdiction: Jurisdiction) -> int:
    return entries(jurisdiction).count()


def _candidate(row: dict) -> Candidate:
    return Candidate(
        label=row["label"],
        point=Point(row["latitude"], row["longitude"]),
        source="gazetteer",
        address_id=row["address_id"],
    )


def by_address_id(jurisdiction: Jurisdiction, address_id: str) -> Candidate | None:
    """The entry an `address_id` names (the unique index's read), or None."""
    address_id = (address_id or "").strip()
    if not address_id or len(address_id) > 64:
        return None
    row = entries(jurisdiction).filter(address_id=address_id).values(*_FIELDS).first()
    return _candidate(row) if row else None


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
    """Exact matches (street and number, or a named place); else the nearest known numbers on that street; else
    the streets and places whose names look like the one typed (a prefix, a typo), to be confirmed."""
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
    if street:
        return _on_street(street, query)
    return _look_alike(jurisdiction, query)


def _on_street(street: list[dict], query: AddressQuery) -> Geocoded:
    """A known street without the typed number: ask for one, or offer an estimate and the nearest known ones."""
    street = _narrowed(street, query)
    name = street[0]["street"]
    if not query.number_key:
        return Geocoded(
            message=_("Which number on %(street)s? Add the house number, or pick the place on the map.")
            % {"street": name}
        )
    wanted = number_value(query.number_key) or 0
    street.sort(key=lambda r: (abs(r["number_value"] - wanted), r["number_value"]))
    estimate = _interpolated(street, query)
    candidates = ([estimate] if estimate else []) + _distinct(street)[:NEAR_NUMBERS]
    if estimate:
        message = _(
            "There is no number %(number)s on %(street)s that we know of. The first place below is an estimate "
            "between two known numbers. Is it one of these?"
        )
    else:
        message = _("There is no number %(number)s on %(street)s that we know of. Is it one of these?")
    return Geocoded(candidates=candidates, message=message % {"number": query.number_key, "street": name})


def _interpolated(street: list[dict], query: AddressQuery) -> Candidate | None:
    """The typed number placed between the two nearest known numbers around it on the same street (of its own
    side, odd or even, when both are known), in proportion to the numbers; marked approximate."""
    if not _PLAIN_NUMBER.fullmatch(query.number_key):
        return None  # "12-3" (a lot and its sub-number): nothing to place between
    wanted = number_value(query.number_key)
    nearest = street[0]  # sorted by distance in numbers
    if wanted is None or nearest["number_value"] == wanted:
        return None  # "45c" beside a known 45: the known one is offered
    same = [r for r in street if (r["street_type"], r["city"]) == (nearest["street_type"], nearest["city"])]
    side = [r for r in same if r["number_value"] % 2 == wanted % 2]
    pair = _around(side, wanted) or _around(same, wanted)
    if pair is None:
        return None
    low, high = pair
    a, b = Point(low["latitude"], low["longitude"]), Point(high["latitude"], high["longitude"])
    if haversine_km(a, b) > INTERPOLATE_WITHIN_KM:
        return None
    share = (wanted - low["number_value"]) / (high["number_value"] - low["number_value"])
    point = Point(
        round(a.latitude + share * (b.latitude - a.latitude), 7),
        round(a.longitude + share * (b.longitude - a.longitude), 7),
    )
    closer = low if share <= 0.5 else high
    where = locality(postcode=closer["postcode"], city=closer["city"], district=closer["district"])
    address = ", ".join(p for p in (f"{nearest['street']} {query.number_key.upper()}", where) if p)
    label = _("%(address)s (approximate: between numbers %(low)s and %(high)s)") % {
        "address": address,
        "low": low["number"],
        "high": high["number"],
    }
    return Candidate(label=label[:300], point=point, source="gazetteer", approximate=True)


def _around(rows: list[dict], wanted: int) -> tuple[dict, dict] | None:
    below = [r for r in rows if r["number_value"] < wanted]
    above = [r for r in rows if r["number_value"] > wanted]
    if not below or not above:
        return None
    return max(below, key=lambda r: r["number_value"]), min(above, key=lambda r: r["number_value"])


def _look_alike(jurisdiction: Jurisdiction, query: AddressQuery) -> Geocoded:
    """No key typed is known: the entries of the keys most like it, for the resident to confirm (never exact)."""
    typed = [query.street_key] if query.number_key else [query.street_key, query.place_key]
    keys = similar_keys(jurisdiction, typed)
    if not keys:
        return Geocoded()
    rank = {key: position for position, key in enumerate(keys)}
    rows = entries(jurisdiction).values(*_FIELDS).filter(street_key__in=keys)
    meant = _("We know no street or place spelt like that. Did you mean one of these?")
    if query.number_key:
        found = list(rows.filter(number_key=query.number_key)[:50])
        if found:
            return Geocoded(candidates=_distinct(_by_rank(found, rank, query)), message=meant)
        numbered = list(rows.exclude(number_value=None)[:MAX_STREET_ROWS])
        best = min((rank[r["street_key"]] for r in numbered), default=None)
        street = [r for r in numbered if rank[r["street_key"]] == best]
        return _on_street(street, query) if street else Geocoded()
    places = list(rows.filter(number_key="")[:50])
    if places:
        return Geocoded(candidates=_distinct(_by_rank(places, rank, query)), message=meant)
    name = rows.filter(street_key=keys[0]).values_list("street", flat=True).first()
    return Geocoded(
        message=_("Did you mean %(street)s? Add the house number, or pick the place on the map.") % {"street": name}
    )


def _by_rank(rows: list[dict], rank: dict[str, int], query: AddressQuery) -> list[dict]:
    return sorted(_narrowed(rows, query), key=lambda r: rank[r["street_key"]])  # stable: the narrowing's order


def similar_keys(jurisdiction: Jurisdiction, typed: list[str]) -> list[str]:
    """The gazetteer's street and place keys most like the typed ones (a prefix, a typo), best first."""
    typed = [key for key in dict.fromkeys(typed) if len(key) >= MIN_FUZZY_KEY]
    if not typed:
        return []
    found: set[str] = set()
    for key in typed:
        found |= _name_candidates(jurisdiction, key)
    scored = [(max(name_similarity(t, key) for t in typed), key) for key in found - set(typed)]
    scored = [(score, key) for score, key in scored if score >= FUZZY_CUTOFF]
    scored.sort(key=lambda pair: (-pair[0], abs(len(pair[1]) - len(typed[0])), pair[1]))
    return [key for _score, key in scored[:FUZZY_KEYS]]


def _name_candidates(jurisdiction: Jurisdiction, typed: str) -> set[str]:
    """Keys worth ranking, read through an index: those sharing the typed key's first or last two characters,
    and on PostgreSQL with pg_trgm those sharing enough of its trigrams (a typo at both ends)."""
    near = Q(head=typed[:2]) | Q(tail=typed[-2:])
    found = set(names(jurisdiction).filter(near).values_list("key", flat=True)[:MAX_NAME_ROWS])
    if trigram_index_ready():
        with connection.cursor() as cursor:
            cursor.execute(TRIGRAM_NAMES, [jurisdiction.pk, typed, _like_prefix(typed), typed])
            found |= {key for (key,) in cursor.fetchall()}
    return found


# pg_trgm's `%` (similarity at least pg_trgm.similarity_threshold, 0.3) and a prefix, both served by the GIN index.
TRIGRAM_NAMES = (
    "SELECT key FROM core_gazetteername WHERE jurisdiction_id = %s AND (key %% %s OR key LIKE %s) "
    "ORDER BY similarity(key, %s) DESC LIMIT 200"
)


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def trigram_index_ready() -> bool:
    """Whether this database has the names' trigram index (PostgreSQL where migration 0010 could enable pg_trgm);
    asked once per connection."""
    if connection.vendor != "postgresql":
        return False
    ready = getattr(connection, "plaza_gazetteer_trigrams", None)
    if ready is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'gazetteer_name_trigram'")
            ready = cursor.fetchone() is not None
        connection.plaza_gazetteer_trigrams = ready
    return ready


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
