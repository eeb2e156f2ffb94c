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
