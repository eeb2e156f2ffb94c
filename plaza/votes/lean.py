"""The ballot's lean API write: `POST /api/v1/votes/<j>/votations/<v>/ballot` in ONE statement (core/api/lean.py).

The success case of `api.cast_ballot` on PostgreSQL, answered by the intake in front of Django or by
`plaza.core.api.lean.LeanWriteMiddleware`: the votation comes from the process's memory
(`queries.kept_ballot_votation`), the answers are checked against it in Python
(`operations.check_online_ballot`), and one statement checks the voter (token, account, verified
person, electorate) and that the votation is still as kept, and writes the roll row, the anonymous
ballot and the token's use (`operations.do_cast_as_token_holder`). Whatever is not a success — any
refusal, a second vote, a malformed body, a votation in a process or changed since it was kept — has
written nothing, returns None, and the normal endpoint answers it. On SQLite, which serialises writers,
the normal endpoint answers every ballot.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, router

from plaza.core.api import lean
from plaza.votes import operations, queries
from plaza.votes.models import Ballot

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


def cast_ballot(secret: str, body: object, jurisdiction: str, votation: str) -> dict | None:
    answers = _answers(body)
    if answers is None or connections[router.db_for_write(Ballot)].vendor != "postgresql":
        return None

    def write(kept: tuple) -> tuple | None:
        found, stamp = kept
        try:
            clean = operations.check_online_ballot(votation=found, answers=answers)
        except (ValidationError, PermissionDenied):
            return None
        return operations.do_cast_as_token_holder(votation=found, stamp=stamp, secret=secret, answers=clean)

    receipt = lean.with_kept(
        lambda: queries.kept_ballot_votation(jurisdiction, votation),
        lambda: queries.forget_ballot_votation(jurisdiction, votation),
        write,
    )
    if receipt is None:
        return None
    return {"votation": receipt.votation.slug, "receipt": receipt.code, "change_code": receipt.change_code}


ballot = lean.LeanWrite(
    "POST", rf"/api/v1/votes/(?P<jurisdiction>{SLUG})/votations/(?P<votation>{SLUG})/ballot", cast_ballot
)
