"""The client's address, trusting X-Forwarded-For only as far as the operator's own proxies go."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with PLAZA_TRUSTED_PROXY_COUNT = n, the address n hops from the right of X-Forwarded-For.

    Only the entries our own proxies appended can be trusted; a client can write anything to the left.
    """
    hops = settings.PLAZA_TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < hops:
        return forwarded[0] if forwarded else remote
    return forwarded[-hops]
