"""Fetching a remote file for the portal (a linked resource, a harvested catalogue) without reaching private networks.

The server must never be turned into a proxy into its own network (SSRF): every address a host name
resolves to must be public, at each redirect, the connection goes to the address that was checked (the name is
not resolved a second time, so DNS rebinding can't slip a private address in), and the body is read up to a
size limit only.
"""

import ipaddress
import socket
from urllib.parse import urljoin, urlsplit, urlunsplit

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


def is_allowed_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether the portal may connect to this address: public unicast only, unless private ones are allowed."""
    if private_addresses_allowed():
        return True
    return address.is_global and not address.is_multicast


def _split(url: str, field: str):
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationError({field: _("Enter a web address starting with http:// or https://.")})
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise ValidationError({field: _("Enter a web address starting with http:// or https://.")}) from None
    return parts, port


def resolve_public(url: str, field: str = "url") -> str:
    """The one address `url`'s host resolves to that the portal will connect to; a ValidationError unless every
    address the name resolves to is allowed (a name answering with a private address too is refused)."""
    parts, port = _split(url, field)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        raise ValidationError({field: _("The address's host name could not be found.")}) from None
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not addresses:
        raise ValidationError({field: _("The address's host name could not be found.")})
    if not all(is_allowed_address(address) for address in addresses):
        raise ValidationError(
            {field: _("This address points at a private or local network, which the portal does not fetch from.")}
        )
    return str(addresses[0])


def check_public_url(url: str, field: str = "url") -> None:
    """A ValidationError unless `url` is http(s) and its host resolves only to allowed (public) addresses."""
    resolve_public(url, field)


def pinned_request(url: str, address: str) -> tuple[str, dict, dict]:
    """The URL with its host replaced by the checked `address`, the Host header, and the TLS name to present.

    Connecting to the address that was checked (not resolving the name again) closes the DNS rebinding gap: a
    name answering with a public address to the check and a private one to the connection.
    """
    parts, port = _split(url, "url")
    ip = ipaddress.ip_address(address)
    host = f"[{ip}]" if ip.version == 6 else str(ip)
    netloc = f"{host}:{port}"
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    default_port = parts.port is None
    host_header = parts.hostname if default_port else f"{parts.hostname}:{port}"
    if ":" in parts.hostname and not parts.hostname.startswith("["):
        host_header = f"[{parts.hostname}]" + ("" if default_port else f":{port}")
    extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
    return pinned, {"Host": host_header}, extensions


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
            address = resolve_public(url)  # resolved once, at each hop; the connection goes to this address
            pinned, headers, extensions = pinned_request(url, address)
            with client.stream("GET", pinned, headers=headers, extensions=extensions) as response:
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
