"""The optional Nominatim backend of geocoding: `/search` over HTTP (httpx), answers cached, failures told plainly.

Used after the jurisdiction's gazetteer when `PLAZA_NOMINATIM_URL` is set. Searches are bounded to
50 km around the jurisdiction's centre when it has one, in the resident's language. A timeout, a
refused connection, an error status or an unreadable answer is "not found" with a message saying
the address service did not answer; only good answers are cached (a day), which also keeps within
the public server's one-request-a-second policy for repeated addresses.
"""

import hashlib
import logging

import httpx
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from plaza.core.geo import Point, bounding_box, make_point
from plaza.core.geocoding import Candidate, Geocoded

logger = logging.getLogger(__name__)
MAX_RESULTS = 5
BOUND_KM = 50
CACHE_SECONDS = 24 * 3600


def is_configured() -> bool:
    return bool(getattr(settings, "PLAZA_NOMINATIM_URL", ""))


def _params(jurisdiction, text: str) -> dict:
    params = {"q": text, "format": "jsonv2", "limit": str(MAX_RESULTS), "addressdetails": "0"}
    language = translation.get_language()
    if language:
        params["accept-language"] = language
    if jurisdiction is not None and jurisdiction.latitude is not None and jurisdiction.longitude is not None:
        box = bounding_box(Point(jurisdiction.latitude, jurisdiction.longitude), BOUND_KM)
        # viewbox is x1,y1,x2,y2 = left,top,right,bottom in Nominatim's order.
        params["viewbox"] = f"{box.min_longitude},{box.max_latitude},{box.max_longitude},{box.min_latitude}"
        params["bounded"] = "1"
    return params


def _read(answer) -> list[Candidate]:
    if not isinstance(answer, list):
        raise ValueError("a Nominatim search answers a JSON list")
    found = []
    for place in answer[:MAX_RESULTS]:
        if not isinstance(place, dict):
            raise ValueError("a Nominatim place is a JSON object")
        point = make_point(float(place["lat"]), float(place["lon"]))
        label = str(place.get("display_name") or f"{point.latitude}, {point.longitude}")[:300]
        found.append(Candidate(label=label, point=point, source="nominatim"))
    return found


def search(jurisdiction, text: str) -> Geocoded:
    url = settings.PLAZA_NOMINATIM_URL.rstrip("/") + "/search"
    params = _params(jurisdiction, text)
    key = "plaza:nominatim:" + hashlib.sha256(repr((url, sorted(params.items()))).encode()).hexdigest()
    cached = cache.get(key)
    if cached is None:
        try:
            response = httpx.get(
                url,
                params=params,
                headers={"User-Agent": settings.PLAZA_NOMINATIM_USER_AGENT},
                timeout=settings.PLAZA_NOMINATIM_TIMEOUT,
                follow_redirects=False,
            )
            response.raise_for_status()
            cached = [(c.label, c.point.latitude, c.point.longitude) for c in _read(response.json())]
        except (httpx.HTTPError, httpx.InvalidURL, ValueError, KeyError, TypeError, ValidationError) as failed:
            logger.warning("Nominatim search failed: %s", type(failed).__name__)
            return Geocoded(
                message=_(
                    "The address service did not answer, so we could not look “%(address)s” up. "
                    "Give coordinates or pick the place on the map."
                )
                % {"address": text}
            )
        cache.set(key, cached, CACHE_SECONDS)
    candidates = [Candidate(label=label, point=Point(lat, lon), source="nominatim") for label, lat, lon in cached]
    if not candidates:
        return Geocoded(
            message=_("We could not find “%(address)s”. Check it, give coordinates or pick the place on the map.")
            % {"address": text}
        )
    return Geocoded(candidates=candidates, exact=True)
