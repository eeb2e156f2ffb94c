"""A commitment's kept figures under concurrent progress posts, on PostgreSQL with real threads."""

import threading

import pytest
from django.db import connection, connections
from django_scopes import scopes_disabled

from plaza.accountability.operations import post_progress_update
from plaza.accountability.tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_posts_on_one_commitments_milestones_lose_no_figure(milestone, official):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer: the race needs PostgreSQL's concurrent transactions.")
    with scopes_disabled():
        milestones = [milestone] + [MilestoneFactory(commitment=milestone.commitment, position=n) for n in range(2, 11)]
    start = threading.Barrier(len(milestones))
    failures: list[Exception] = []

    def post(target):
        try:
            start.wait()
            for percentage in (30, 60):
                post_progress_update(
                    actor=official,
                    milestone=target,
                    side="government",
                    status="limited",
                    percentage=percentage,
                    narrative="Going",
                )
            post_progress_update(
                actor=official, milestone=target, side="government", status="complete", percentage=100, narrative="Done"
            )
        except Exception as failed:  # noqa: BLE001  (reported below)
            failures.append(failed)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(m,)) for m in milestones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures
    with scopes_disabled():
        commitment = milestone.commitment
        commitment.refresh_from_db()
        assert (commitment.milestone_count, commitment.completion) == (10, 100)  # every post counted
