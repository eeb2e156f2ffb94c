"""The support's lean API write: `POST /api/v1/proposals/<j>/proposals/<pk>/support` in two statements.

The success case of `api.support_proposal`, answered by core's `LeanWriteMiddleware` (core/api/lean.py):
one query reads the caller (token, account, verified person), then ONE statement checks every rule of
`operations.support_proposal` and writes the count, the support and the token's use
(`operations.support_plain_case`). Whatever is not that plain success — any refusal, a second support
of the person, a support that reaches the threshold (marking it, its audit entry and its followers'
notifications are the operation's) — writes nothing, returns None, and the normal endpoint answers it.
"""

from plaza.core.api import lean
from plaza.proposals import operations

SLUG = r"[-a-zA-Z0-9_]{1,80}"


def support(secret: str, body: object, jurisdiction: str, pk: str) -> dict | None:
    caller = lean.caller_of(secret, jurisdiction)
    if caller is None or caller.person is None:
        return None
    counted = operations.support_plain_case(
        jurisdiction_id=caller.jurisdiction_id,
        proposal_id=int(pk),
        person_id=caller.person.id,
        user_id=caller.user_id,
        level=caller.verification_level,
        token_id=caller.token_id if caller.token_use() else None,
    )
    if counted is None:
        return None
    supports, status = counted
    return {"proposal": int(pk), "supports": supports, "status": status}


support_write = lean.LeanWrite(
    "POST", rf"/api/v1/proposals/(?P<jurisdiction>{SLUG})/proposals/(?P<pk>[0-9]{{1,9}})/support", support
)
