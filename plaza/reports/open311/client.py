"""An Open311 GeoReport v2 client: posts a service request to another authority and reads its answers.

Written from the specification (wiki.open311.org/GeoReport_v2), not from our server:

- POST ``requests.{fmt}`` with ``api_key``, ``service_code``, a location (``lat``+``long``,
  ``address_string`` or ``address_id``) and optional ``description``, ``media_url``, ``email``…
  answers a list of one request holding ``service_request_id`` — or only a ``token`` when the
  server creates requests later (``tokens/{token}.{fmt}`` then gives the id).
- GET ``requests.{fmt}?service_request_id=a,b,c`` answers a list of requests with ``status``
  (``open`` or ``closed``), ``status_notes``, ``updated_datetime`` …; unknown fields are extensions.
- A failure is an HTTP error status with a list of errors, each a ``code`` and a ``description``.
- JSON answers are arrays; XML answers are ``<service_requests><request>…`` and ``<errors><error>…``.
  Identifiers are strings even where a server writes numbers. Datetimes are ISO 8601 (W3C).
"""

import json
import xml.etree.ElementTree as ET  # noqa: S405 - DOCTYPEs (entities) are refused before parsing
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote, urljoin

import httpx

USER_AGENT = "Plaza Open311 client (GeoReport v2)"


class Open311Error(Exception):
    """Something went wrong talking to the authority; `retryable` says whether trying later may help."""

    retryable = False


class InvalidAnswer(Open311Error):
    """The answer is not a GeoReport v2 document (invalid JSON or XML, or the wrong shape)."""


class Refused(Open311Error):
    """The authority answered with an error list (a bad key, an unknown service code …): retrying will not help."""

    def __init__(self, status: int, errors: list[tuple[str, str]]):
        self.status, self.errors = status, errors
        text = "; ".join(f"{code}: {description}" for code, description in errors) or "no error description"
        super().__init__(f"The authority refused the request (HTTP {status}): {text}")


class Unavailable(Open311Error):
    """The authority could not be reached or failed on its side (5xx, 429, timeout): try again later."""

    retryable = True


@dataclass(frozen=True)
class RemoteRequest:
    """One service request as the authority describes it (only what the specification names, plus the rest raw)."""

    service_request_id: str | None
    token: str | None = None
    status: str | None = None
    status_notes: str = ""
    service_notice: str = ""
    service_code: str | None = None
    updated_datetime: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _string(value: Any) -> str | None:
    """Identifiers and texts: servers write numbers for ids (the specification's own examples do)."""
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return str(value).lower()
    text = str(value).strip()
    return text or None


def _datetime(value: Any) -> datetime | None:
    text = _string(value)
    if text is None:
        return None
    try:
        found = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as bad:
        raise InvalidAnswer(f"updated_datetime is not an ISO 8601 datetime: {text!r}") from bad
    if found.tzinfo is None:
        raise InvalidAnswer(f"updated_datetime has no time zone offset: {text!r}")
    return found


KNOWN = {"service_request_id", "token", "status", "status_notes", "service_notice", "service_code", "updated_datetime"}


def _request(item: Any) -> RemoteRequest:
    if not isinstance(item, dict):
        raise InvalidAnswer("Each service request must be an object.")
    status = _string(item.get("status"))
    if status is not None and status.lower() not in ("open", "closed"):
        raise InvalidAnswer(f"status must be “open” or “closed”, not {status!r}.")
    return RemoteRequest(
        service_request_id=_string(item.get("service_request_id")),
        token=_string(item.get("token")),
        status=status.lower() if status else None,
        status_notes=_string(item.get("status_notes")) or "",
        service_notice=_string(item.get("service_notice")) or "",
        service_code=_string(item.get("service_code")),
        updated_datetime=_datetime(item.get("updated_datetime")),
        extra={k: v for k, v in item.items() if k not in KNOWN},
    )


def _json(body: bytes | str) -> Any:
    try:
        return json.loads(body)
    except ValueError as bad:
        raise InvalidAnswer(f"The answer is not valid JSON ({bad}).") from bad


def _xml(body: bytes | str) -> ET.Element:
    head = body[:2000] if isinstance(body, bytes) else body[:2000].encode()
    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
        raise InvalidAnswer("XML answers with a DOCTYPE are refused (entities could expand).")
    try:
        return ET.fromstring(body)  # noqa: S314 - no DOCTYPE, so no entity expansion
    except ET.ParseError as bad:
        raise InvalidAnswer(f"The answer is not valid XML ({bad}).") from bad


def _xml_item(element: ET.Element) -> dict[str, Any]:
    return {child.tag: (child.text or "").strip() or None for child in element if len(child) == 0}


def parse_requests(body: bytes | str, fmt: str = "json") -> list[RemoteRequest]:
    """A list of service requests (the answer to GET requests, to a POST, or to tokens/{token})."""
    if fmt == "xml":
        root = _xml(body)
        if root.tag != "service_requests":
            raise InvalidAnswer(f"The XML root must be <service_requests>, not <{root.tag}>.")
        return [_request(_xml_item(element)) for element in root.findall("request")]
    data = _json(body)
    if isinstance(data, dict) and isinstance(data.get("service_requests"), list):
        data = data["service_requests"]  # a few servers wrap the list; the specification's answer is the list
    if not isinstance(data, list):
        raise InvalidAnswer("A GeoReport v2 JSON answer is a list of service requests.")
    return [_request(item) for item in data]


def parse_errors(body: bytes | str, fmt: str = "json") -> list[tuple[str, str]]:
    """The (code, description) pairs of an error answer; an empty list if it holds none we can read."""
    try:
        if fmt == "xml":
            root = _xml(body)
            items = [_xml_item(element) for element in root.findall("error")] if root.tag == "errors" else []
        else:
            items = _json(body)
    except InvalidAnswer:
        return []
    if not isinstance(items, list):
        return []
    return [
        (_string(item.get("code")) or "", _string(item.get("description")) or "")
        for item in items
        if isinstance(item, dict)
    ]


class Open311Client:
    """Talks JSON to one authority's GeoReport v2 endpoint (the base address ending in /v2/ or similar)."""

    def __init__(
        self,
        endpoint: str,
        *,
        api_key: str = "",
        jurisdiction_id: str = "",
        timeout: float = 15.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.endpoint = endpoint if endpoint.endswith("/") else endpoint + "/"
        self._api_key = api_key
        self.jurisdiction_id = jurisdiction_id
        self._http = httpx.Client(
            timeout=timeout, transport=transport, headers={"User-Agent": USER_AGENT}, follow_redirects=False
        )

    def __repr__(self) -> str:  # never the key
        return f"<Open311Client {self.endpoint}>"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "Open311Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _call(self, method: str, path: str, **options) -> list[RemoteRequest]:
        url = urljoin(self.endpoint, path)
        try:
            answer = self._http.request(method, url, **options)
        except httpx.HTTPError as failed:
            # The exception's text names the address only; never the form body that holds the key.
            raise Unavailable(f"{type(failed).__name__} calling {url}") from None
        if answer.status_code >= 500 or answer.status_code == 429:
            raise Unavailable(f"The authority answered HTTP {answer.status_code} at {url}")
        if answer.status_code >= 400:
            raise Refused(answer.status_code, parse_errors(answer.content))
        if not 200 <= answer.status_code < 300:  # a POST may answer 201 Created
            raise InvalidAnswer(f"Unexpected HTTP {answer.status_code} at {url}")
        return parse_requests(answer.content)

    def _common(self) -> dict[str, str]:
        return {"jurisdiction_id": self.jurisdiction_id} if self.jurisdiction_id else {}

    def post_request(
        self,
        *,
        service_code: str,
        description: str = "",
        lat: float | None = None,
        long: float | None = None,
        address_string: str = "",
        media_url: str = "",
        origin: str = "",
        hops: int = 0,
    ) -> RemoteRequest:
        """Create a service request; the answer holds its id, or a token to resolve later.

        `origin` (our own endpoint) and `hops` travel as the extension parameters `plaza_origin` and
        `plaza_hops`: a Plaza receiving them never forwards the request back to us, nor past a hop limit
        (servers ignore parameters they do not know, as the specification's extensions do).
        """
        form = {"api_key": self._api_key, "service_code": service_code, **self._common()}
        if origin:
            form.update(plaza_origin=origin, plaza_hops=str(hops))
        if lat is not None and long is not None:
            form.update(lat=repr(lat), long=repr(long))
        if address_string:
            form["address_string"] = address_string
        if "lat" not in form and "address_string" not in form:
            raise ValueError("A service request needs lat and long, or an address_string.")
        for name, value in (("description", description), ("media_url", media_url)):
            if value:
                form[name] = value
        created = self._call("POST", "requests.json", data=form)
        if len(created) != 1 or not (created[0].service_request_id or created[0].token):
            raise InvalidAnswer("The answer to a POST must be one request with a service_request_id or a token.")
        return created[0]

    def get_requests(self, ids: list[str]) -> list[RemoteRequest]:
        """The current state of some requests (comma-delimited ids, as the specification allows)."""
        if not ids:
            return []
        return self._call("GET", "requests.json", params={"service_request_id": ",".join(ids), **self._common()})

    def request_for_token(self, token: str) -> RemoteRequest | None:
        found = self._call("GET", f"tokens/{quote(token, safe='')}.json", params=self._common())
        return next((r for r in found if r.service_request_id), None)
