"""Reading Open311 query and form parameters into checked values (errors in the spec's words)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from plaza.reports.open311.format import STATUSES, Open311FormatError, parse_datetime

MAX_SPAN = timedelta(days=90)
# The spec lets a server cap a list: 200 newest first (a client narrows end_date for older ones), which keeps
# requests.json well under 50 ms at a million reports. Announced in discovery.json ("limits").
MAX_RESULTS = 200


class BadParameter(ValueError):
    """A parameter the spec's client sent wrong; answered with an Open311 400 error."""


@dataclass(frozen=True)
class RequestFilters:
    ids: list[int] | None
    service_codes: list[str]
    start: datetime
    end: datetime
    statuses: list[str]


def _list(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _date(name: str, value: str) -> datetime | None:
    try:
        return parse_datetime(name, value)
    except Open311FormatError as bad:
        raise BadParameter(str(bad)) from bad


def request_filters(query) -> RequestFilters:
    """service_request_id (overrides the others), service_code, start_date, end_date, status."""
    ids = None
    if query.get("service_request_id"):
        try:
            ids = [int(part) for part in _list(query["service_request_id"])][:MAX_RESULTS]
        except ValueError as bad:
            raise BadParameter("service_request_id must be a comma-separated list of ids.") from bad
    statuses = _list(query.get("status", ""))
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        raise BadParameter("status must be open or closed (or both, comma-separated).")
    end = _date("end_date", query.get("end_date", "")) or timezone.now()
    start = _date("start_date", query.get("start_date", "")) or end - MAX_SPAN
    if start > end:
        raise BadParameter("start_date must come before end_date.")
    if end - start > MAX_SPAN:
        raise BadParameter("start_date and end_date may not span more than 90 days.")
    return RequestFilters(
        ids=ids, service_codes=_list(query.get("service_code", "")), start=start, end=end, statuses=statuses
    )
