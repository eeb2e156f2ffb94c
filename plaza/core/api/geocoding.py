"""Geocoding over the API: what a typed address may mean in a jurisdiction, each gazetteer place with its
`address_id`, so that a client can ask its user "which place?" and then send the id (the reports API, Open311)."""

from typing import Annotated

from django.http import Http404
from ninja import Field, Path, Query, Router, Schema

from plaza.core.api.auth import PUBLIC_READ
from plaza.core.api.schemas import SLUG_PATTERN
from plaza.core.geocoding import geocode
from plaza.core.queries.processes import active_jurisdictions
from plaza.core.tenancy import jurisdiction_scope

router = Router(tags=["geocoding"])
Slug = Annotated[str, Path(..., pattern=SLUG_PATTERN, max_length=80)]


class PlaceOut(Schema):
    label: str
    latitude: float
    longitude: float
    source: str = Field(..., description="gazetteer or nominatim")
    address_id: str | None = Field(None, description="The gazetteer entry's id (Open311's address_id)")
    approximate: bool = Field(False, description="A house number placed between two known ones")


class GeocodedOut(Schema):
    exact: bool = Field(..., description="Whether the places match the address as typed (else: look-alikes)")
    message: str
    places: list[PlaceOut]


@router.get(
    "/jurisdictions/{slug}/geocode",
    response=GeocodedOut,
    openapi_extra=PUBLIC_READ,
    url_name="geocode_address",
)
def geocode_address(request, slug: Slug, address: Annotated[str, Query(..., max_length=300)]):
    """The places a typed address may mean, best first: one exact place, homonyms, look-alike names (a typo, a
    prefix) or a house number's nearest known ones; `message` says which, in the request's language."""
    jurisdiction = active_jurisdictions().filter(slug=slug).first()
    if jurisdiction is None:
        raise Http404("No such jurisdiction.")
    with jurisdiction_scope(jurisdiction):
        found = geocode(jurisdiction, address)
    places = [
        PlaceOut(
            label=c.label,
            latitude=c.point.latitude,
            longitude=c.point.longitude,
            source=c.source,
            address_id=c.address_id or None,
            approximate=c.approximate,
        )
        for c in found.candidates
    ]
    return GeocodedOut(exact=found.exact, message=found.message, places=places)
