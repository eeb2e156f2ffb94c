"""Open311 GeoReport v2 documents: parsing them (lenient on types, strict on syntax) and writing them.

Field names, element names and status values follow the specification
(http://wiki.open311.org/GeoReport_v2). The same `ServiceRequest` carries a request we read
from another server (with its extensions, e.g. Chicago's `notes`) and one we publish.
"""

import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 - only our own documents and test fixtures; DOCTYPEs refused below
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

REQUEST_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)
DATETIME_FIELDS = ("requested_datetime", "updated_datetime", "expected_datetime")
STATUSES = ("open", "closed")
_LEADING_ZERO = re.compile(r"[:\[,]\s*-?0\d")


class Open311FormatError(ValueError):
    """A document that is not Open311 (or not JSON/XML at all); the message says where and why."""


@dataclass(frozen=True)
class ServiceRequest:
    service_request_id: str
    status: str
    status_notes: str | None = None
    service_name: str | None = None
    service_code: str | None = None
    description: str | None = None
    agency_responsible: str | None = None
    service_notice: str | None = None
    requested_datetime: datetime | None = None
    updated_datetime: datetime | None = None
    expected_datetime: datetime | None = None
    address: str | None = None
    address_id: str | None = None
    zipcode: str | None = None
    lat: float | None = None
    long: float | None = None
    media_url: str | None = None
    # Anything a server adds beyond the specification (Chicago: attributes, extended_attributes, notes).
    extensions: dict[str, Any] = field(default_factory=dict, compare=True)


def loads_json(text: str | bytes) -> Any:
    """JSON, or an Open311FormatError saying where it breaks (and naming the spec examples' leading zeros)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as bad:
        hint = ""
        line = bad.doc.splitlines()[bad.lineno - 1] if bad.doc and bad.lineno - 1 < len(bad.doc.splitlines()) else ""
        if _LEADING_ZERO.search(line):
            hint = ' JSON numbers may not start with 0 (write "001" as a string).'
        raise Open311FormatError(f"Not valid JSON at line {bad.lineno}, column {bad.colno}: {bad.msg}.{hint}") from bad


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool | dict | list):
        raise Open311FormatError(f"Expected text or a number, got {type(value).__name__}.")
    return str(value)


def _number(name: str, value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError) as bad:
        raise Open311FormatError(f"{name} must be a number, not {value!r}.") from bad


def parse_datetime(name: str, value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        parsed = datetime.fromisoformat(str(value).strip())
    except ValueError as bad:
        raise Open311FormatError(f"{name} must be an ISO 8601 date and time, not {value!r}.") from bad
    if parsed.tzinfo is None:
        raise Open311FormatError(f"{name} must give its offset from UTC (e.g. 2010-04-14T06:37:38-08:00).")
    return parsed


def request_from_dict(item: Any) -> ServiceRequest:
    if not isinstance(item, dict):
        raise Open311FormatError("Each service request must be an object.")
    if item.get("service_request_id") in (None, ""):
        raise Open311FormatError("A service request has no service_request_id.")
    status = item.get("status")
    if status not in STATUSES:
        raise Open311FormatError(f"status must be open or closed, not {status!r}.")
    values: dict[str, Any] = {}
    for name in REQUEST_FIELDS:
        raw = item.get(name)
        if name in DATETIME_FIELDS:
            values[name] = parse_datetime(name, raw)
        elif name in ("lat", "long"):
            values[name] = _number(name, raw)
        else:
            values[name] = _text(raw) if name != "status" else raw
    extensions = {k: v for k, v in item.items() if k not in REQUEST_FIELDS}
    return ServiceRequest(**values, extensions=extensions)


def parse_requests_json(text: str | bytes) -> list[ServiceRequest]:
    """A service requests response (a JSON array of requests)."""
    data = loads_json(text)
    if not isinstance(data, list):
        raise Open311FormatError("A service requests response is a JSON array.")
    return [request_from_dict(item) for item in data]


def _xml_root(text: str | bytes) -> ET.Element:
    raw = text.encode() if isinstance(text, str) else text
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise Open311FormatError("XML with a DOCTYPE or entities is refused.")
    try:
        return ET.fromstring(raw)  # noqa: S314 - DOCTYPEs (entity expansion) refused above
    except ET.ParseError as bad:
        raise Open311FormatError(f"Not well-formed XML: {bad}.") from bad


def parse_requests_xml(text: str | bytes) -> list[ServiceRequest]:
    root = _xml_root(text)
    if root.tag != "service_requests":
        raise Open311FormatError(f"Expected <service_requests>, found <{root.tag}>.")
    items = []
    for element in root.findall("request"):
        item = {child.tag: (child.text or "").strip() or None for child in element if len(child) == 0}
        items.append(request_from_dict(item))
    return items


def _out(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value


def request_to_dict(request: ServiceRequest, *, with_extensions: bool = True) -> dict[str, Any]:
    """The request as the specification orders its fields, then any extensions."""
    data = {name: _out(getattr(request, name)) for name in REQUEST_FIELDS}
    if with_extensions:
        data.update(request.extensions)
    return data


def dumps_json(data: Any) -> str:
    # No indent: json's C encoder runs only without one (a thousand requests encode ~8x faster).
    return json.dumps(data, ensure_ascii=False)


def _element(parent: ET.Element, tag: str, value: Any) -> ET.Element:
    child = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, inner in value.items():
            _element(child, key, inner)
    elif isinstance(value, list):
        singular = {"attributes": "attribute", "values": "value", "formats": "format", "endpoints": "endpoint"}
        for inner in value:
            _element(child, singular.get(tag, "item"), inner)
    elif isinstance(value, bool):
        child.text = "true" if value else "false"
    elif value is not None:
        child.text = str(_out(value))
    return child


def dumps_xml(root_tag: str, item_tag: str | None, data: Any) -> str:
    """A list under <root><item>…</item></root>, or one object (item_tag None) as <root>…</root>."""
    root = ET.Element(root_tag)
    if item_tag is None:
        for key, value in data.items():
            _element(root, key, value)
    else:
        for item in data:
            _element(root, item_tag, item)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")


def requests_to_xml(requests: list[ServiceRequest]) -> str:
    """`dumps_xml` of the requests' dicts, written straight from the fields (a list's hot path: no dicts)."""
    root = ET.Element("service_requests")
    sub = ET.SubElement
    for request in requests:
        item = sub(root, "request")
        for name in REQUEST_FIELDS:
            child, value = sub(item, name), getattr(request, name)
            if value is None:
                continue
            if isinstance(value, bool):
                child.text = "true" if value else "false"
            elif isinstance(value, datetime):
                child.text = value.isoformat(timespec="seconds")
            else:
                child.text = str(value)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")


def errors(code: int, *descriptions: str) -> list[dict[str, Any]]:
    return [{"code": code, "description": description} for description in descriptions]


FIELD_NAMES = tuple(f.name for f in fields(ServiceRequest))
