"""Two accounts of one person supporting at the same moment count once (PostgreSQL, real threads)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django_scopes import scopes_disabled

from plaza.core.tests.factories import VerificationFactory
from plaza.proposals import operations
from plaza.proposals.models import Proposal, Support
from plaza.proposals.tests.factories import ProposalFactory, open_component, verified_user


@pytest.mark.django_db(transaction=True)
def test_two_accounts_of_one_person_supporting_at_once_count_once(madrid):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write: the race needs PostgreSQL's concurrent transactions.")
    with scopes_disabled():
        component = open_component(madrid)
        proposal = ProposalFactory(component=component)
        first = VerificationFactory(jurisdiction=madrid)
        accounts = [first.user, verified_user(madrid, person=first.person)]
    barrier = threading.Barrier(len(accounts))
    outcomes: list[str] = []

    def support(account):
        try:
            barrier.wait()
            operations.support_proposal(actor=account, proposal=proposal)
            outcomes.append("counted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=support, args=(account,)) for account in accounts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["counted", "refused"]
    with scopes_disabled():
        assert Support.objects.count() == 1
        assert Proposal.objects.get().support_count == 1


@pytest.mark.django_db(transaction=True)
def test_supports_cast_during_a_merge_count_once_per_person(madrid):
    """A merge and supports of the same people on both proposals, at once: one support per person stays."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write: the race needs PostgreSQL's concurrent transactions.")
    from plaza.core.models import Role
    from plaza.core.tests.factories import RoleGrantFactory, UserFactory

    with scopes_disabled():
        component = open_component(madrid)
        kept, duplicate = ProposalFactory(component=component), ProposalFactory(component=component)
        people = [VerificationFactory(jurisdiction=madrid) for _ in range(6)]
        for verification in people[:3]:
            operations.support_proposal(actor=verification.user, proposal=duplicate)
        moderator = UserFactory()
        RoleGrantFactory(user=moderator, jurisdiction=madrid, role=Role.MODERATOR)
    # Each person supports with a second account the proposal they have not supported yet, during the merge.
    casts = [(verified_user(madrid, person=v.person), kept) for v in people[:3]]
    casts += [(v.user, duplicate) for v in people[3:]] + [
        (verified_user(madrid, person=v.person), kept) for v in people[3:]
    ]
    barrier = threading.Barrier(len(casts) + 1)
    outcomes: list[str] = []

    def support(account, proposal):
        try:
            barrier.wait()
            operations.support_proposal(actor=account, proposal=proposal)
            outcomes.append("counted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    def merge():
        try:
            barrier.wait()
            operations.merge_proposals(actor=moderator, duplicate=duplicate, kept=kept)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=support, args=cast) for cast in casts] + [threading.Thread(target=merge)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with scopes_disabled():
        kept.refresh_from_db()
        duplicate.refresh_from_db()
        assert duplicate.status == Proposal.Status.MERGED
        persons = list(Support.objects.filter(proposal=kept).values_list("person_id", flat=True))
        assert sorted(persons) == sorted(v.person_id for v in people)  # everyone once, nobody twice
        assert kept.support_count == 6
        assert not Support.objects.filter(proposal=duplicate).exists()
