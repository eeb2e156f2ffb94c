"""The lean path for token-authenticated API writes to hot addresses (a ballot): few statements, little Python.

A component lists its hot writes in its manifest (`lean_api_writes`: "module:attribute" names of
`LeanWrite`s). `LeanWriteMiddleware`, placed right after the security middleware, answers a request
to one of those addresses without the rest of the stack (sessions, CSRF, locale, messages,
django-ninja and pydantic) when, and only when, the whole request is the ordinary success case:
a well-formed JSON body, a bearer token that may write in the jurisdiction, a caller who passes the
operation's checks. In production the intake in front of Django (`plaza.core.intake`) offers the
request to the same handlers first, without even building Django's request. A handler writes through
the same database guarantees as the operation (for ballots: the roll's unique constraint).

Anything else — no or a bad token, a read-only token, a malformed body, a refusal of any kind, a
second vote — falls through to the normal endpoint *before anything is written*, which answers it
exactly as it always has (messages in the caller's language, error codes, OpenAPI-documented
shapes, the rate limit). So the lean path can never answer differently from the normal one; it can
only answer the same success faster. `test_lean.py` in each app proves the two agree.

A lean success is not counted in the token's rate window: it can happen once per person and election
(or proposal), which the database enforces, so it cannot be repeated to load the server; every request
that is not one goes on to the normal endpoint, whose throttle counts and limits it as any request.

Two ways to read the caller: `caller_of` (one query: the token, its account, and the account's verified
person and census record in the jurisdiction of the address), or, for a write that checks everything
in one statement, `plaza.core.queries.api_tokens.holder_sql` (the same join as a CTE of that statement).
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from plaza.core.components import registry, resolve
from plaza.core.models import ApiToken, CensusRecord, Jurisdiction, Person, User, Verification
from plaza.core.models.api import TOKEN_PREFIX, hash_secret
from plaza.core.operations.api_tokens import LAST_USED_PRECISION
from plaza.core.prepared import prepared_cursor

Handler = Callable[..., dict | None]


@dataclass(frozen=True)
class LeanWrite:
    """A hot write: its method and address (a regular expression with named groups) and its handler.

    The handler is called as `handler(caller_secret, body, **groups)`, `body` being the request's JSON (any JSON
    value), and returns the JSON of a success (answered 201, never cached), or None to let the normal endpoint
    answer (it must not have written anything then).
    """

    method: str
    path: str
    handler: Handler


def valid_secret(secret: str) -> bool:
    """Whether `secret` has the shape of a token's secret (anything else is the normal endpoint's to refuse)."""
    return secret.startswith(TOKEN_PREFIX) and len(secret) <= 200


@dataclass(frozen=True)
class Caller:
    """Who sends a lean write, read in one query; `person` is None unless verified in the jurisdiction."""

    token_id: int
    token_last_used_at: datetime | None
    user_id: int
    jurisdiction_id: int
    person: Person | None
    verification_level: int

    def token_use(self) -> tuple[str, list] | None:
        """The UPDATE that records the token's use, when its last recorded use is stale (as `use_api_token`)."""
        now = timezone.now()
        if self.token_last_used_at is not None and now - self.token_last_used_at <= LAST_USED_PRECISION:
            return None
        return f"UPDATE {ApiToken._meta.db_table} SET last_used_at = %s WHERE id = %s", [now, self.token_id]  # noqa: S608


def _caller_sql() -> str:
    token, user, place = ApiToken._meta.db_table, User._meta.db_table, Jurisdiction._meta.db_table
    verification, person, census = Verification._meta.db_table, Person._meta.db_table, CensusRecord._meta.db_table
    # The token may be restricted to a jurisdiction: only then, and only to this one, may it act here.
    return f"""
        SELECT t.id, t.last_used_at, u.id, j.id, v.level, p.id, c.id, c.is_active, c.district, c.birth_year
        FROM {token} t
        JOIN {user} u ON u.id = t.user_id AND u.is_active
        JOIN {place} j ON j.slug = %s AND j.is_active
        LEFT JOIN {verification} v ON v.user_id = u.id AND v.jurisdiction_id = j.id
        LEFT JOIN {person} p ON p.id = v.person_id
        LEFT JOIN {census} c ON c.id = p.census_record_id
        WHERE t.secret_hash = %s AND t.revoked_at IS NULL AND t.scope = %s
          AND (t.jurisdiction_id IS NULL OR t.jurisdiction_id = j.id)
    """  # noqa: S608 - table names from the models, values as parameters


CALLER_SQL: str | None = None


def caller_of(secret: str, jurisdiction_slug: str) -> Caller | None:
    """The caller whose write token this is, if it may write in the active jurisdiction `jurisdiction_slug`."""
    global CALLER_SQL  # noqa: PLW0603 - built once, after the models are ready
    if not valid_secret(secret):
        return None
    CALLER_SQL = CALLER_SQL or _caller_sql()
    with prepared_cursor() as cursor:
        cursor.execute(CALLER_SQL, [jurisdiction_slug, hash_secret(secret), ApiToken.Scope.WRITE])
        row = cursor.fetchone()
    if row is None:
        return None
    token_id, last_used, user_id, jurisdiction_id, level, person_id, record_id, active, district, birth_year = row
    if last_used is not None and timezone.is_naive(last_used):  # SQLite's raw rows: naive UTC
        last_used = timezone.make_aware(last_used, UTC)
    person = None
    if person_id is not None:
        record = CensusRecord(
            id=record_id, jurisdiction_id=jurisdiction_id, is_active=active, district=district, birth_year=birth_year
        )
        person = Person(id=person_id, jurisdiction_id=jurisdiction_id, census_record=record)
    return Caller(
        token_id=token_id,
        token_last_used_at=last_used,
        user_id=user_id,
        jurisdiction_id=jurisdiction_id,
        person=person,
        verification_level=level or 0,
    )


def with_kept(read: Callable[[], object], forget: Callable[[], None], write: Callable[[object], tuple | None]):
    """A lean write against rows its process keeps (a votation, a budget): `write(kept)` checks the request against
    the kept copy and writes in one statement that also checks the copy's stamps, returning (result, stamps held),
    or None when the copy fails the checks. A copy whose stamps no longer held is forgotten and read afresh once; a
    copy that fails the checks is forgotten (the normal endpoint then decides on the rows as they are). Returns the
    result (None: nothing written, the normal endpoint answers)."""
    for _attempt in range(2):
        kept = read()
        if kept is None:
            return None
        done = write(kept)
        if done is None:
            forget()
            return None
        result, current = done
        if current:
            return result
        forget()
    return None


def is_json(content_type: str) -> bool:
    return content_type.partition(";")[0].strip().lower() == "application/json"


def parse_json(body: bytes) -> object:
    """The body's JSON, or None when it is not JSON (a handler needing a body then lets the normal endpoint say
    what is wrong)."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nested too deep to be a ballot
        return None


def answer_body(payload: dict) -> bytes:
    return json.dumps(payload).encode()


ANSWER_HEADERS = (("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store"))


def created(payload: dict) -> HttpResponse:
    """201 with the JSON the normal endpoint gives, never cached."""
    response = HttpResponse(answer_body(payload), status=201)
    for name, value in ANSWER_HEADERS:
        response[name] = value
    return response


_writes: list[LeanWrite] | None = None


def lean_writes() -> list[LeanWrite]:
    global _writes  # noqa: PLW0603 - resolved once per process
    if _writes is None:
        _writes = [resolve(name) for manifest in registry for name in manifest.lean_api_writes]
    return _writes


def find_write(method: str, path: str) -> tuple[LeanWrite, dict] | None:
    """The lean write of this method and address, and the address's named groups, if any."""
    for write in lean_writes():
        if method == write.method:
            found = re.fullmatch(write.path, path)
            if found:
                return write, found.groupdict()
    return None


def bearer(authorization: str) -> str | None:
    """The token of an `Authorization: Bearer …` header, else None."""
    return authorization[7:].strip() if authorization[:7].lower() == "bearer " else None


def answer(found: tuple[LeanWrite, dict], authorization: str, body: object) -> dict | None:
    """The lean path's answer to a request to the write `found` (the JSON of a success), or None: the normal
    endpoint is to answer it."""
    secret = bearer(authorization)
    if secret is None or not valid_secret(secret):
        return None
    write, groups = found
    return write.handler(secret, body, **groups)


def dispatch(request: HttpRequest) -> HttpResponse | None:
    """`answer` for a Django request: the success's response, or None."""
    found = find_write(request.method, request.path_info)
    if found is None or bearer(request.META.get("HTTP_AUTHORIZATION", "")) is None:
        return None
    try:
        body = parse_json(request.body) if is_json(request.META.get("CONTENT_TYPE", "")) else None
    except RequestDataTooBig:
        return None
    payload = answer(found, request.META["HTTP_AUTHORIZATION"], body)
    return None if payload is None else created(payload)


class LeanWriteMiddleware:
    """Answers a registered hot write's success without the rest of the stack; everything else passes on.

    In production the intake in front of Django (`plaza.core.intake`) has usually offered the request
    to the same handlers already; it says so in the environment, and the middleware does not try twice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.META.get(LEAN_TRIED):
            response = dispatch(request)
            if response is not None:
                return response
        return self.get_response(request)


LEAN_TRIED = "plaza.lean_tried"  # environment key: the intake (core/intake.py) offered this request already
