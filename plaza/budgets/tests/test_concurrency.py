"""One ballot per person per budget under concurrency, on PostgreSQL with real threads; edits apply once."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django_scopes import scopes_disabled

from plaza.budgets.models import Ballot, BallotLine
from plaza.budgets.operations import cast_at_booth, cast_ballot
from plaza.budgets.tests.factories import BoothFactory
from plaza.budgets.tests.test_booth import DOCUMENT
from plaza.core.models import Role, Verification, VoterRollEntry
from plaza.core.tenancy import jurisdiction_scope
from plaza.core.tests.factories import CensusRecordFactory, RoleGrantFactory, UserFactory, VerificationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def race(attempts) -> list[str]:
    start = threading.Barrier(len(attempts))
    outcomes: list[str] = []

    def run(attempt):
        try:
            start.wait()
            attempt()
            outcomes.append("cast")
        except ValidationError as refused:
            outcomes.append(refused.code or "refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer: the race needs PostgreSQL's concurrent transactions.")


def test_two_accounts_of_one_person_racing_leave_one_ballot(postgres_only, paris, budget, heading, projects, resident):
    with scopes_disabled():
        person = Verification.objects.get(user=resident).person
        second = VerificationFactory(jurisdiction=paris, person=person, user=UserFactory()).user
    attempts = [
        lambda: cast_ballot(actor=resident, budget=budget, heading=heading, choices={projects[0].pk: 1}),
        lambda: cast_ballot(actor=second, budget=budget, heading=heading, choices={projects[1].pk: 1}),
    ] * 5
    assert race(attempts) == ["already_voted"] * 9 + ["cast"]
    with jurisdiction_scope(paris):
        assert Ballot.objects.count() == 1 and VoterRollEntry.objects.count() == 1
        assert BallotLine.objects.count() == 1


def test_racing_edits_from_the_same_revision_apply_once(postgres_only, paris, budget, heading, projects, resident):
    cast_ballot(actor=resident, budget=budget, heading=heading, choices={projects[0].pk: 1})
    attempts = [
        lambda p=p: cast_ballot(actor=resident, budget=budget, heading=heading, choices={p.pk: 1}, revision=1)
        for p in projects
    ] * 3
    assert race(attempts) == ["cast"] + ["stale"] * 8
    with jurisdiction_scope(paris):
        ballot = Ballot.objects.get()
        assert ballot.revision == 2 and BallotLine.objects.filter(ballot=ballot).count() == 1


def test_online_and_booth_ballots_racing_for_one_person_leave_one_ballot(
    postgres_only, paris, budget, heading, projects
):
    with scopes_disabled():
        record = CensusRecordFactory(jurisdiction=paris, **DOCUMENT)
        online = VerificationFactory(jurisdiction=paris, person__census_record=record).user
        officer = UserFactory()
        RoleGrantFactory(jurisdiction=paris, user=officer, role=Role.POLL_OFFICER)
        town_hall = BoothFactory(budget=budget, name="Town hall")
    attempts = [
        lambda: cast_ballot(actor=online, budget=budget, heading=heading, choices={projects[0].pk: 1}),
        lambda: cast_at_booth(
            officer=officer, budget=budget, booth=town_hall, choices={heading.pk: {projects[1].pk: 1}}, **DOCUMENT
        ),
    ] * 5
    assert race(attempts) == ["already_voted"] * 9 + ["cast"]
    with jurisdiction_scope(paris):
        assert Ballot.objects.count() == 1 and VoterRollEntry.objects.count() == 1
        assert BallotLine.objects.count() == 1
        ballot, entry = Ballot.objects.get(), VoterRollEntry.objects.get()
        assert ballot.channel == entry.channel and ballot.person_id == entry.person_id
