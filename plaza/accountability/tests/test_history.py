"""The commitment page shows each milestone's newest updates; the full history is paged on its own page."""

from datetime import UTC, datetime, timedelta

import pytest
from django_scopes import scopes_disabled

from plaza.accountability.operations import post_progress_update

pytestmark = pytest.mark.django_db
HISTORY = "/paris/accountability/plans/climate/commitments/1/milestones/1/history/"


def _updates(milestone, official, partner, n):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with scopes_disabled():
        for i in range(n):
            actor, side = (official, "government") if i % 2 == 0 else (partner, "civil_society")
            post_progress_update(
                actor=actor,
                milestone=milestone,
                side=side,
                status="limited",
                percentage=i + 1,
                narrative=f"Update number {i + 1}.",
                now=start + timedelta(days=i),
            )


def test_commitment_page_shows_the_newest_updates_in_the_same_queries_however_many(
    client, milestone, official, partner, django_assert_max_num_queries
):
    _updates(milestone, official, partner, 4)
    with django_assert_max_num_queries(30) as few:
        client.get("/paris/accountability/plans/climate/commitments/1/")
    _updates(milestone, official, partner, 40)  # 44 updates now
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/paris/accountability/plans/climate/commitments/1/")
    text = response.content.decode()
    assert "History: 44 updates" in text and "See all 44 updates" in text
    assert "Update number 40." in text  # the newest (current for each side)
    assert text.count("Update number") == 10 + 2  # 10 in the history, the 2 current assessments above it
    assert "Update number 30." not in text


def test_milestone_history_is_paged_newest_first(client, milestone, official, partner):
    _updates(milestone, official, partner, 30)
    first = client.get(HISTORY).content.decode()
    assert "30 progress updates, newest first." in first and "Page 1 of 2" in first
    assert "Update number 30." in first and "Update number 5." not in first
    second = client.get(HISTORY + "?page=2").content.decode()
    assert "Update number 5." in second and "Update number 30." not in second
    assert client.get("/paris/accountability/plans/climate/commitments/1/milestones/7/history/").status_code == 404


def test_history_of_another_jurisdiction_is_not_found(client, milestone, madrid):
    assert client.get("/madrid/accountability/plans/climate/commitments/1/milestones/1/history/").status_code == 404
