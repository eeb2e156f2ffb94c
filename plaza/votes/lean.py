"""The ballot's lean API write: `POST /api/v1/votes/<j>/votations/<v>/ballot` in three statements (core/api/lean.py).

The success case of `api.cast_ballot`, answered by `plaza.core.api.lean.LeanWriteMiddleware`:
one query reads the caller (token, account, verified person, census record), one checks the
votation kept in this process (`queries.ballot_votation_cached`), and one statement writes the
token's use, the roll row and the anonymous ballot (`operations.do_cast_online`). The checks are
the operation's own (`operations.check_online_ballot`). Whatever is not a success — any refusal,
a second vote, a malformed body, a votation in a process — returns None before writing anything,
and the normal endpoint answers it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse

from plaza.core.api import lean
from plaza.core.tenancy import jurisdiction_scope
from plaza.votes import operations, queries

SLUG = r"[-a-zA-Z0-9_]{1,80}"


def _answers(body: object) -> dict[str, list[str]] | None:
    """`BallotIn`'s shape ({"answers": {key: [str, ...]}}, other fields ignored), else None (the endpoint explains)."""
    if not isinstance(body, dict) or not isinstance(body.get("answers"), dict):
        return None
    answers = body["answers"]
    for chosen in answers.values():
        if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
            return None
    return answers


def cast_ballot(request: HttpRequest, secret: str, jurisdiction: str, votation: str) -> HttpResponse | None:
    answers = _answers(lean.json_body(request))
    if answers is None:
        return None
    caller = lean.caller_of(secret, jurisdiction)
    if caller is None or caller.person is None:
        return None
    found = queries.ballot_votation_cached(jurisdiction, votation)
    if found is None:
        return None
    with jurisdiction_scope(found.jurisdiction):
        try:
            clean = operations.check_online_ballot(votation=found, person=caller.person, answers=answers)
            if not lean.within_rate(request, caller):
                return None
            use = caller.token_use()
            receipt = operations.do_cast_online(
                votation=found, person=caller.person, answers=clean, before=(use,) if use else ()
            )
        except (ValidationError, PermissionDenied):  # AlreadyVoted is one: nothing was written
            return None
    return lean.created({"votation": found.slug, "receipt": receipt.code, "change_code": receipt.change_code})


ballot = lean.LeanWrite(
    "POST", rf"/api/v1/votes/(?P<jurisdiction>{SLUG})/votations/(?P<votation>{SLUG})/ballot", cast_ballot
)
