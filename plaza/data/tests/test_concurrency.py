"""Counters and supports under real concurrent transactions (PostgreSQL, real threads)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django_scopes import scopes_disabled

from plaza.core.tests.factories import UserFactory, VerificationFactory
from plaza.data.models import DatasetRequest, UsageCount
from plaza.data.operations import count_use, submit_request, support_request
from plaza.data.tests.factories import DatasetFactory


def _together(work, count: int) -> list[str]:
    barrier = threading.Barrier(count)
    outcomes: list[str] = []

    def run(index):
        try:
            barrier.wait()
            outcomes.append(work(index))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_views_of_the_day_make_one_row_counting_all(paris):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write: the race needs PostgreSQL's concurrent transactions.")
    with scopes_disabled():
        dataset = DatasetFactory(organization__jurisdiction=paris)
    _together(lambda _i: count_use(dataset=dataset, kind="view") or "counted", 8)
    with scopes_disabled():
        assert list(UsageCount.objects.values_list("count", flat=True)) == [8]


@pytest.mark.django_db(transaction=True)
def test_two_accounts_of_one_person_supporting_a_request_at_once_count_once(paris):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write: the race needs PostgreSQL's concurrent transactions.")
    with scopes_disabled():
        first = VerificationFactory(jurisdiction=paris)
        second = VerificationFactory(jurisdiction=paris, person=first.person)
    wanted = submit_request(actor=UserFactory(), jurisdiction=paris, title="Benches", description="To rest.")
    accounts = [first.user, second.user]

    def support(index):
        try:
            support_request(actor=accounts[index], request=wanted)
        except ValidationError:
            return "refused"
        return "counted"

    assert sorted(_together(support, 2)) == ["counted", "refused"]
    with scopes_disabled():
        assert DatasetRequest.objects.get().support_count == 1
