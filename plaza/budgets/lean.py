"""The budget ballot's lean API write: `POST /api/v1/budgets/<j>/budgets/<b>/ballot/<heading>` in ONE statement.

The success case of `api.cast_heading_ballot` for a first ballot, on PostgreSQL, answered by the intake in
front of Django or by `plaza.core.api.lean.LeanWriteMiddleware` (core/api/lean.py): the budget, its headings
and the projects each offers come from the process's memory (`queries.kept_ballot_budget`), the choices are
checked against them in Python (`operations.check_choices`, as the operation checks them), and one statement
checks the voter (token, account, verified person at the level the budget's component asks) and that the rows
relied on are still as kept, and writes the roll row, the ballot, its lines and the token's use
(`operations.do_cast_as_token_holder`). Whatever is not that success — any refusal, an edit (a `revision`), a
second ballot, a malformed body, a budget changed since it was kept — has written nothing, returns None, and the
normal endpoint answers it. On SQLite, which serialises writers, the normal endpoint answers every ballot.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, router

from plaza.budgets import operations, queries
from plaza.budgets.models import Ballot, Budget
from plaza.core.api import lean
from plaza.core.roll import Channel

SLUG = r"[-a-zA-Z0-9_]{1,80}"


def _choices(body: object) -> dict[int, int] | None:
    """A first ballot's choices in `BallotIn`'s shape ({"choices": {"<project id>": <whole number ≥ 1>}}, no
    revision; other fields ignored), else None (the endpoint explains, or edits)."""
    if not isinstance(body, dict) or body.get("revision") is not None or not isinstance(body.get("choices"), dict):
        return None
    choices = {}
    for key, value in body["choices"].items():
        if not key.isdigit() or type(value) is not int or value < 1:  # a JSON whole number, not a bool
            return None
        choices[int(key)] = value
    return choices


def cast_ballot(secret: str, body: object, jurisdiction: str, budget: str, heading: str) -> dict | None:
    choices = _choices(body)
    if choices is None or connections[router.db_for_write(Ballot)].vendor != "postgresql":
        return None

    def write(kept: queries.KeptBudget) -> tuple | None:
        """The checks of `operations.cast_ballot` against the kept budget, then the one statement."""
        found = kept.headings.get(heading)
        if found is None or kept.level is None or kept.budget.phase != Budget.Phase.BALLOTING:
            return None
        try:
            chosen = operations.check_choices(kept.budget, found, choices, kept.projects[found.pk])
        except (ValidationError, PermissionDenied):
            return None
        ballot, current = operations.do_cast_as_token_holder(kept=kept, heading=found, chosen=chosen, secret=secret)
        return (None if ballot is None else (kept, chosen)), current

    cast = lean.with_kept(
        lambda: queries.kept_ballot_budget(jurisdiction, budget),
        lambda: queries.forget_ballot_budget(jurisdiction, budget),
        write,
    )
    if cast is None:
        return None
    kept, chosen = cast
    kind = kept.budget.ballot_kind
    if kind == Budget.BallotKind.RANKED:
        chosen = sorted(chosen, key=lambda pair: pair[1])  # as the ballot's lines are read: by rank
    given = kind in (Budget.BallotKind.CUMULATIVE, Budget.BallotKind.RANKED)  # else each line counts 1
    headings: dict[str, dict[str, int]] = {slug: {} for slug in kept.headings}
    headings[heading] = {str(project.pk): value if given else 1 for project, value in chosen}
    return {"budget": kept.budget.slug, "channel": Channel.ONLINE.value, "revision": 1, "headings": headings}


ballot = lean.LeanWrite(
    "POST",
    rf"/api/v1/budgets/(?P<jurisdiction>{SLUG})/budgets/(?P<budget>{SLUG})/ballot/(?P<heading>{SLUG})",
    cast_ballot,
)
