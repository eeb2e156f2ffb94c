"""Exactly once under concurrency, on PostgreSQL with real threads: one person, one ballot, whatever races."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from plaza.core.roll import VoterRollEntry
from plaza.core.tenancy import jurisdiction_scope
from plaza.votes.models import Ballot
from plaza.votes.operations import cast_at_booth, cast_online
from plaza.votes.tests.conftest import DOCUMENT

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_accounts_and_a_booth_racing_for_one_person_leave_one_ballot(
    paris, votation, booth, voter, second_account, officer
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer: the race needs PostgreSQL's concurrent transactions.")
    attempts = [
        lambda: cast_online(actor=voter, votation=votation, answers={"q1": ["yes"]}),
        lambda: cast_online(actor=second_account, votation=votation, answers={"q1": ["no"]}),
        lambda: cast_at_booth(officer=officer, votation=votation, booth=booth, answers={"q1": ["abstain"]}, **DOCUMENT),
    ] * 4
    start = threading.Barrier(len(attempts))
    outcomes: list[str] = []

    def run(attempt):
        try:
            start.wait()
            attempt()
            outcomes.append("cast")
        except ValidationError as refused:
            outcomes.append("refused" if refused.code == "already_voted" else f"other: {refused}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["cast"] + ["refused"] * (len(attempts) - 1)
    with jurisdiction_scope(paris):
        assert Ballot.objects.count() == 1
        assert VoterRollEntry.objects.count() == 1
