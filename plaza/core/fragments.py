"""Pieces of pages kept rendered in the cache until what they show changes.

A page whose reading and rendering cost most of its time (the network's overview of 6,000 commitments,
an action plan) keeps the rendered piece under a key made of the piece's name, the active language and
whatever else it depends on (`vary`), stamped with its *topic's version* when it was rendered. Any change to
the topic's rows gives the topic a new version, so the next request finds the stamp out of date and renders
afresh (unasked-for pieces expire after KEEP_SECONDS). The version lives in the cache too, read with the
piece in one round trip: Redis in production, shared by every app server and worker; the embedded
default's local memory serves its single process.

A change gives a new version at once and again when its transaction commits: a page rendered in between
by another request (which still saw the old rows) is stamped with a version that is already out of date.
Apps call `changed(topic)` from model signals (which cover the admin and every `save()`), and explicitly
where they write without signals (`QuerySet.update()`, `bulk_create`, raw SQL). A change costs one cache
write (and, in a transaction, one bump registered for its commit).

`kept` does the same for any picklable value read from the database (a process with its phases and
components, which every component page reads), in one language for all.

What a piece shows must depend only on its key: never put the signed-in person's name, a CSRF token or
anything else of one request inside it; keep those outside, in the page around it, or in `vary`.
"""

import functools
import hashlib
import secrets
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TypeVar

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

KEEP_SECONDS = 3600  # how long an unasked-for piece stays; also the most a piece could lag a missed change

_bumps: dict[str, Callable[[], None]] = {}
T = TypeVar("T")


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


@functools.cache
def build() -> str:
    """What code renders the pieces: a digest of Plaza's source and template files' names, sizes and times.

    Part of every key, so that pieces kept by the code before a deploy are never served by the code after it
    (each process computes it once; processes running the same files share their pieces)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in {".py", ".html", ".mo"}:
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


def _key(topic: str, name: str, vary: tuple) -> str:
    parts = repr((build(), name, vary))
    return f"fragments:{topic}:{name}:{hashlib.sha256(parts.encode()).hexdigest()}"


def pieces(name: str, items: Sequence[T], parts: Callable[[T], tuple], render: Callable[[T], str]) -> list[SafeString]:
    """Pieces that depend on nothing but `parts(item)` and the active language (a proposal's card: its title,
    counts, tags…): content-addressed, so no write ever needs to retire them. All are read in one cache round
    trip; those missing are rendered and kept in another."""
    language = get_language()
    keys = []
    for item in items:
        digest = hashlib.sha256(repr((build(), name, language, parts(item))).encode()).hexdigest()
        keys.append(f"fragments:pieces:{name}:{digest}")
    found = cache.get_many(keys)
    missing = {}
    for key, item in zip(keys, items, strict=True):
        if key not in found:
            found[key] = missing[key] = str(render(item))
    if missing:
        cache.set_many(missing, KEEP_SECONDS)
    return [mark_safe(found[key]) for key in keys]  # noqa: S308 - a template's own output, escaped when rendered


def kept(topic: str, name: str, vary: tuple, load: Callable[[], T]) -> T:
    """The value `name` of the topic for `vary` (any picklable value, the same in every language): from the cache,
    else loaded and kept. Each call gets its own copy (the cache pickles), so callers may change what they get.
    If `load` raises, nothing is kept."""
    key, version_key = _key(topic, name, vary), _version_key(topic)
    found = cache.get_many([version_key, key])  # one round trip: the topic's version and what was kept
    current = found.get(version_key) or version(topic)
    kept_version, value = found.get(key, (None, None))
    if kept_version != current:  # kept under another version (or never): what it shows may have changed
        value = load()
        cache.set(key, (current, value), KEEP_SECONDS)
    return value


def cached(topic: str, name: str, vary: tuple, render: Callable[[], str]) -> SafeString:
    """The piece `name` of the topic for `vary` in the active language: from the cache, else rendered and kept."""
    html = kept(topic, name, (get_language(), vary), lambda: str(render()))
    return mark_safe(html)  # noqa: S308 - a template's own output, escaped when it was rendered
