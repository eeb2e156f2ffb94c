"""Rate limits per token or per client address (settings.PLAZA_API_RATE, e.g. "600/m").

A fixed window counted with the cache's atomic increment: the same on local memory and Redis.
"""

import math
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from plaza.core import cache as counting
from plaza.core.client_address import client_address

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "600/m" → (600, 60)."""
    count, _slash, period = rate.partition("/")
    return int(count), PERIODS[period.strip().lower()[:1]]


class PlazaRateThrottle(BaseThrottle):
    def __init__(self) -> None:
        # One throttle serves every thread; the wait belongs to the request being checked.
        self._local = threading.local()

    def ident(self, request: HttpRequest) -> str:
        principal = getattr(request, "auth", None)
        token = getattr(principal, "token", None)
        if token is not None:
            return f"token:{token.pk}"
        return f"address:{client_address(request)}"

    def allow_request(self, request: HttpRequest) -> bool:
        return self.allow_ident(self.ident(request))

    def allow_ident(self, ident: str) -> bool:
        """Count one request of `ident`."""
        limit, period = parse_rate(settings.PLAZA_API_RATE)
        now = time.time()
        window = int(now // period)
        key = f"plaza:api-rate:{ident}:{period}:{window}"
        count = counting.count(cache, key, period + 1)
        self._local.wait = (window + 1) * period - now
        return count <= limit

    def wait(self) -> float | None:
        return max(1, math.ceil(getattr(self._local, "wait", 1)))
