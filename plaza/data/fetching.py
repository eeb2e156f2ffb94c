"""Fetching a remote file for the portal (a linked resource, a harvested catalogue) without reaching private networks.

The server must never be turned into a proxy into its own network (SSRF): every address a host name
resolves to must be public, at each redirect, and the body is read up to a size limit only.
"""

import ipaddress
import socket
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_REDIRECTS = 5
TIMEOUT_SECONDS = 20.0


def max_fetch_bytes() -> int:
    return int(getattr(settings, "PLAZA_DATA_FETCH_MAX_BYTES", 100 * 1024 * 1024))


def private_addresses_allowed() -> bool:
    """Tests (a live server on 127.0.0.1) and closed networks may allow private addresses; never by default."""
    return bool(getattr(settings, "PLAZA_DATA_FETCH_ALLOW_PRIVATE", False))


def check_public_url(url: str, field: str = "url") -> None:
    """A ValidationError unless `url` is http(s) and its host resolves only to public addresses."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationError({field: _("Enter a web address starting with http:// or https://.")})
    if private_addresses_allowed():
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        raise ValidationError({field: _("The address's host name could not be found.")}) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            raise ValidationError(
                {field: _("This address points at a private or local network, which the portal does not fetch from.")}
            )


def fetch(url: str, *, max_bytes: int | None = None, accept: str = "*/*") -> bytes:
    """The body at `url` (redirects followed one by one, each checked), refused beyond `max_bytes`."""
    limit = max_bytes or max_fetch_bytes()
    try:
        return _fetch(url, limit, accept)
    except httpx.HTTPError:
        raise ValidationError({"url": _("The address could not be reached.")}) from None


def _fetch(url: str, limit: int, accept: str) -> bytes:
    with httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False, headers={"Accept": accept}) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            check_public_url(url)
            with client.stream("GET", url) as response:
                if response.is_redirect:
                    url = urljoin(url, response.headers.get("location", ""))
                    continue
                if response.status_code >= 400:
                    message = _("The address answered with an error (HTTP %(code)s).")
                    raise ValidationError({"url": message % {"code": response.status_code}})
                declared = int(response.headers.get("content-length") or 0)
                if declared > limit:
                    raise ValidationError({"url": _too_large(limit)})
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise ValidationError({"url": _too_large(limit)})
                    chunks.append(chunk)
                return b"".join(chunks)
    raise ValidationError({"url": _("The address redirects too many times.")})


def _too_large(limit: int) -> str:
    return _("The file is too large: the limit is %(limit)s.") % {"limit": filesizeformat(limit)}
