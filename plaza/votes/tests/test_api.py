"""The votes API: votations with their questions, and results once the votation has closed."""

import pytest

from plaza.votes.operations import cast_online
from plaza.votes.tests.test_pages import close

pytestmark = pytest.mark.django_db


def test_votations_are_listed_with_their_questions(client, votation):
    body = client.get("/api/v1/votes/paris/votations").json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["slug"] == "climate" and item["channels"] == ["online", "booth"] and item["secret"] is True
    assert [o["key"] for o in item["questions"][0]["options"]] == ["yes", "no", "abstain"]
    assert item["ballots_json"] is None
    assert client.get("/api/v1/votes/paris/votations/climate").json()["title"] == "Climate plan"


def test_results_are_a_404_until_closing_then_published(client, votation, voter):
    cast_online(actor=voter, votation=votation, answers={"q1": ["abstain"]})
    early = client.get("/api/v1/votes/paris/votations/climate/results")
    assert early.status_code == 404 and early.json()["error"]["code"] == "not_found"
    close(votation)
    body = client.get("/api/v1/votes/paris/votations/climate/results").json()
    assert body["ballots"] == 1
    assert body["questions"][0]["options"][2] == {"key": "abstain", "label": "Abstain", "count": 1, "percent": "100.00"}
    assert body["turnout"]["by_channel"] == [
        {"channel": "online", "label": "Online", "voters": 1},
        {"channel": "booth", "label": "At a polling booth", "voters": 0},
    ]


def test_unknown_jurisdiction_or_votation_is_a_json_404(client, votation):
    assert client.get("/api/v1/votes/nowhere/votations").status_code == 404
    assert client.get("/api/v1/votes/paris/votations/nothing").json()["error"]["code"] == "not_found"
