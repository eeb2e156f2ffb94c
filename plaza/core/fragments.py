"""Pieces of pages kept rendered in the cache until what they show changes.

A page whose reading and rendering cost most of its time (the network's overview of 6,000 commitments,
an action plan) keeps the rendered piece under a key made of a *topic's version*, the piece's name, the
active language and whatever else it depends on (`vary`). Any change to the topic's rows gives the topic
a new version, so the next request renders afresh and the old pieces simply stop being asked for (they
expire after KEEP_SECONDS). The version lives in the cache too: Redis in production, shared by every app
server and worker; the embedded default's local memory serves its single process.

A change gives a new version at once and again when its transaction commits: a page rendered in between
by another request (which still saw the old rows) is kept under a version nobody asks for any more.
Apps call `changed(topic)` from model signals (which cover the admin and every `save()`), and explicitly
where they write without signals (`QuerySet.update()`, `bulk_create`, raw SQL). A change costs one cache
write (and, in a transaction, one bump registered for its commit).

What a piece shows must depend only on its key: never put the signed-in person's name, a CSRF token or
anything else of one request inside it; keep those outside, in the page around it, or in `vary`.
"""

import hashlib
import secrets
from collections.abc import Callable
from functools import partial

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

KEEP_SECONDS = 3600  # how long an unasked-for piece stays; also the most a piece could lag a missed change

_bumps: dict[str, Callable[[], None]] = {}


def _version_key(topic: str) -> str:
    return f"fragments:version:{topic}"


def version(topic: str) -> str:
    """The topic's current version (made on first use)."""
    key = _version_key(topic)
    found = cache.get(key)
    if found is None:
        cache.add(key, secrets.token_hex(8), None)
        found = cache.get(key)
    return found


def _bump(topic: str) -> None:
    cache.set(_version_key(topic), secrets.token_hex(8), None)


def changed(topic: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """What the topic's pieces show has changed: a new version now, and another when the transaction commits.

    The new version at once serves the transaction's own later reads (a page rendered after the write, a
    test); the one at commit retires whatever another request rendered meanwhile from the old rows. Inside a
    transaction only the first change registers the commit's bump (a rolled-back transaction drops it, so
    the next change registers one again).
    """
    bump = _bumps.setdefault(topic, partial(_bump, topic))
    bump()
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and not any(f is bump for _sids, f, _robust in connection.run_on_commit):
        transaction.on_commit(bump, using=using)


def cached(topic: str, name: str, vary: tuple, render: Callable[[], str]) -> SafeString:
    """The piece `name` of the topic for `vary` in the active language: from the cache, else rendered and kept."""
    parts = repr((version(topic), name, get_language(), vary))
    key = f"fragments:{topic}:{name}:{hashlib.sha256(parts.encode()).hexdigest()}"
    html = cache.get(key)
    if html is None:
        html = str(render())
        cache.set(key, html, KEEP_SECONDS)
    return mark_safe(html)  # noqa: S308 - a template's own output, escaped when it was rendered
