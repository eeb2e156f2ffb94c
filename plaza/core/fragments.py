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
import pickle
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from contextvars import ContextVar
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
    new = secrets.token_hex(8)
    cache.set(_version_key(topic), new, None)
    versions = _request_versions.get()
    if versions is not None and topic in versions:  # the request's own later reads see its change
        versions[topic] = new


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


def kept(topic: str, name: str, vary: tuple, load: Callable[[], T], *, shared: bool = False) -> T:
    """The value `name` of the topic for `vary` (any picklable value, the same in every language): from the cache,
    else loaded and kept. Each call gets its own copy (unpickled), so callers may change what they get; with
    `shared`, calls in a request get the one copy this process holds (for values nobody changes: the areas a
    report is routed through), which saves unpickling it. If `load` raises, nothing is kept.

    During a request, the versions of every topic this process keeps values of are read once, in one round trip,
    at the first `kept` (`request_versions`), and a value already seen under its topic's current version is taken
    from this process's memory: a request that reads four kept values costs one round trip, not four."""
    key = _key(topic, name, vary)
    versions = _request_versions.get()
    if versions is None:  # outside a request (a job, a command): one round trip for the version and the value
        version_key = _version_key(topic)
        found = cache.get_many([version_key, key])
        return _kept_or_loaded(key, found.get(version_key) or version(topic), found.get(key), load)
    if topic not in versions:
        _topics.add(topic)
        _read_versions(versions)
    current = versions[topic]
    with _memo_lock:  # a process's threads share the memory
        remembered = _memo.get(key)
        fresh = remembered is not None and remembered[0] == current
        if fresh:
            _memo.move_to_end(key)
    if fresh:
        return remembered[1] if shared else pickle.loads(remembered[1])  # noqa: S301 - this process pickled it
    value = _kept_or_loaded(key, current, cache.get(key), load)
    remembered = (current, value if shared else pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    with _memo_lock:
        _memo[key] = remembered
        _memo.move_to_end(key)
        if len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return value


def _kept_or_loaded(key: str, current: str, found: tuple | None, load: Callable[[], T]) -> T:
    kept_version, value = found or (None, None)
    if kept_version != current:  # kept under another version (or never): what it shows may have changed
        value = load()
        cache.set(key, (current, value), KEEP_SECONDS)
    return value


# The versions a request works with: read together at its first `kept`, kept up to date by its own changes.
_request_versions: ContextVar[dict[str, str] | None] = ContextVar("plaza_fragment_versions", default=None)
_topics: set[str] = set()  # every topic this process has kept a value of
# key: (version, pickled value, or the value itself when shared), the most recently used last
_memo: OrderedDict[str, tuple[str, object]] = OrderedDict()
_memo_lock = threading.Lock()
MEMO_SIZE = 2048


def request_versions(**_kwargs) -> None:
    """A request begins (Django's `request_started`): its topics' versions are read at its first `kept`."""
    _request_versions.set({})


def forget_request_versions(**_kwargs) -> None:
    """The request is over (`request_finished`): what runs next in this thread reads versions afresh."""
    _request_versions.set(None)


def _read_versions(versions: dict[str, str]) -> None:
    topics = sorted(_topics)
    found = cache.get_many([_version_key(topic) for topic in topics])
    for topic in topics:
        versions[topic] = found.get(_version_key(topic)) or version(topic)


def cached(topic: str, name: str, vary: tuple, render: Callable[[], str]) -> SafeString:
    """The piece `name` of the topic for `vary` in the active language: from the cache, else rendered and kept."""
    html = kept(topic, name, (get_language(), vary), lambda: str(render()))
    return mark_safe(html)  # noqa: S308 - a template's own output, escaped when it was rendered
