"""The voter roll and the exactly-once write: one person, one vote per election, whatever the channel.

This module is the machinery every kind of binding ballot builds on (votations, participatory
budgeting ballots): domain apps use it from core, never from each other. An election is named by
a string key (`"votes.votation:12"`, `"budgets.ballot:3"`); the roll holds one row per
(jurisdiction, election key, person), guarded by a database unique constraint, so that neither a
second account of the same person, nor the same person at a booth, nor two requests racing each
other can vote twice.

`cast_once(...)` records the person on the roll and writes the ballot (whatever `write_ballot`
writes) in ONE database transaction:

- Exactly once under concurrency. The roll row is inserted first. On PostgreSQL a second insert of
  the same (key, person) waits on the unique index until the first transaction ends, then fails
  with an IntegrityError if the first committed (or succeeds if it rolled back); SQLite serialises
  writers. Either way one transaction wins and every other one raises `AlreadyVoted` and writes
  nothing, because its ballot is written in the same transaction as its (refused) roll row.
- Exactly once across restarts. Nothing is counted outside that transaction: there is no counter
  to increment, no queue, no cache. Results are computed from the ballot rows. If the process dies
  before COMMIT, the database rolls both rows back (the voter saw no receipt: the receipt is shown
  only after the commit returned); if it dies after COMMIT, both rows are durable and the receipt
  the voter may not have seen still finds the ballot. Retrying after a crash is safe: the retry
  either casts (nothing was committed) or meets `AlreadyVoted` (it was).
- Secrecy. The roll row says only that the person voted, how (channel) and when; the ballot
  written by `write_ballot` must not point at the person for a secret vote (see
  docs/secret-ballot.md for what a database administrator can and cannot link).
"""

from collections.abc import Callable
from contextlib import nullcontext
from datetime import datetime
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core import rows
from plaza.core.models.roll import Channel, VoterRollEntry

T = TypeVar("T")

__all__ = ["AlreadyVoted", "Channel", "VoterRollEntry", "cast_once", "cast_once_rows", "first_vote_sql", "has_voted"]


class AlreadyVoted(ValidationError):
    """The person is already on this election's roll: nothing was written."""

    def __init__(self, channel: str | None = None):
        if channel == Channel.BOOTH:
            message = _("This person has already voted in this election, at a polling booth.")
        elif channel == Channel.ONLINE:
            message = _("This person has already voted in this election, online.")
        else:
            message = _("This person has already voted in this election.")
        super().__init__(message, code="already_voted")


def has_voted(*, jurisdiction, election_key: str, person) -> bool:
    return (
        VoterRollEntry.objects.with_scope(jurisdiction=jurisdiction)
        .filter(election_key=election_key, person=person)
        .exists()
    )


def cast_once(
    *,
    jurisdiction,
    election_key: str,
    person,
    channel: str,
    write_ballot: Callable[[], T],
    booth: str = "",
    voted_at: datetime | None = None,
) -> T:
    """Put `person` on the roll of `election_key` and run `write_ballot()`, in one transaction, once.

    Called outside any transaction (a request's usual case), the transaction is the whole of it: a
    duplicate roll row rolls back everything, and no savepoint is needed (two statements fewer per
    ballot). Called inside a caller's transaction, the roll row goes in a savepoint so that the
    caller's transaction stays usable after a duplicate.
    """
    entry = VoterRollEntry(
        jurisdiction=jurisdiction,
        election_key=election_key,
        person=person,
        channel=channel,
        booth=booth,
        voted_at=voted_at or timezone.now(),
    )
    roll = VoterRollEntry.objects.with_scope(jurisdiction=jurisdiction)
    if not transaction.get_connection(roll.db).in_atomic_block:
        try:
            with transaction.atomic(using=roll.db):
                entry.save(force_insert=True, using=roll.db)
                return write_ballot()
        except IntegrityError as error:
            # The transaction was rolled back: nothing of this cast is written. It was a second vote
            # if the person is on the roll now (put there by the transaction that won).
            earlier = roll.filter(election_key=election_key, person=person).values_list("channel", flat=True).first()
            if earlier is None:
                raise
            raise AlreadyVoted(earlier) from error
    with transaction.atomic(using=roll.db):
        try:
            with transaction.atomic(using=roll.db):  # a savepoint: a caller's own transaction stays usable
                entry.save(force_insert=True, using=roll.db)
        except IntegrityError as duplicate:
            earlier = roll.filter(election_key=election_key, person=person).values_list("channel", flat=True).first()
            raise AlreadyVoted(earlier) from duplicate
        return write_ballot()


def cast_once_rows(*, entry: VoterRollEntry, ballot: models.Model) -> None:
    """`cast_once` for a ballot that is one row: the roll row and the ballot row in as few round trips as possible.

    The same guarantee as `cast_once` (read its docstring): both rows or neither, a second vote refused
    by the roll's unique constraint with `AlreadyVoted`. On PostgreSQL, outside a transaction, it is ONE
    statement — the roll INSERT as a data-modifying CTE of the ballot's INSERT — so it commits or fails
    as a whole without BEGIN and COMMIT; inside a caller's transaction the same statement runs in a
    savepoint. Elsewhere (SQLite) the statements run one after the other in one transaction.
    """
    using = router.db_for_write(VoterRollEntry)
    connection = connections[using]
    statements = [rows.insert(entry, connection), rows.insert(ballot, connection)]
    try:
        # Inside a caller's transaction the write goes in a savepoint, so that the transaction stays usable after a
        # second vote (SQLite's `run` opens one itself).
        nested = connection.in_atomic_block and connection.vendor == "postgresql"
        with transaction.atomic(using=using) if nested else nullcontext():
            rows.run(statements, using)
    except IntegrityError as error:
        roll = VoterRollEntry.objects.with_scope(jurisdiction=entry.jurisdiction_id)
        earlier = (
            roll.filter(election_key=entry.election_key, person_id=entry.person_id)
            .values_list("channel", flat=True)
            .first()
        )
        if earlier is None:
            raise
        raise AlreadyVoted(earlier) from error


def first_vote_sql() -> str:
    """The INSERT of a roll row for the person of the CTE `holder` (its `person_id`), for a CTE named `roll`.

    For a lean write that checks and writes in one PostgreSQL statement (`plaza.core.queries.api_tokens.holder_sql`): it
    returns the row's `person_id`, or no row when the person is on the election's roll already, so that the
    ballot's INSERT selecting from it writes nothing either. The unique constraint decides as in `cast_once`: a
    concurrent first vote of the same person is waited for, and this one does nothing if that one committed.
    Parameters: `%(jurisdiction)s`, `%(election_key)s`, `%(channel)s`, `%(voted_at)s`.
    """
    return f"""
        INSERT INTO {VoterRollEntry._meta.db_table} (jurisdiction_id, election_key, person_id, channel, booth, voted_at)
        SELECT %(jurisdiction)s, %(election_key)s, holder.person_id, %(channel)s, '', %(voted_at)s FROM holder
        ON CONFLICT (jurisdiction_id, election_key, person_id) DO NOTHING
        RETURNING person_id
    """  # noqa: S608 - the table name from the model, values as parameters
