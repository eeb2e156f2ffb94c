"""The votes API: votations with their questions, and results once the votation has closed."""

import pytest
from django_scopes import scopes_disabled

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


# --- Casting through the API ---------------------------------------------------------------------


def _post(client, path, body, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token.secret}"} if token else {}
    return client.post(
        f"/api/v1/votes/paris/votations/climate/{path}", body, content_type="application/json", **headers
    )


def _ballots(paris):
    from plaza.core.roll import VoterRollEntry
    from plaza.core.tenancy import jurisdiction_scope
    from plaza.votes.models import Ballot

    with jurisdiction_scope(paris):
        return Ballot.objects.count(), VoterRollEntry.objects.count()


def test_a_write_token_casts_once_and_gets_the_receipt(client, paris, votation, voter, second_account):
    from plaza.core.models import ApiToken
    from plaza.core.tests.factories import ApiTokenFactory
    from plaza.votes.queries import find_ballot

    token = ApiTokenFactory(user=voter, scope=ApiToken.Scope.WRITE)
    answer = _post(client, "ballot", {"answers": {"q1": ["yes"]}}, token)
    assert answer.status_code == 201 and answer["Cache-Control"] == "no-store"
    body = answer.json()
    assert body["votation"] == "climate" and body["change_code"] == ""
    from plaza.core.tenancy import jurisdiction_scope

    with jurisdiction_scope(paris):
        assert find_ballot(votation, body["receipt"]).answers == {"q1": ["yes"]}
    other = ApiTokenFactory(user=second_account, scope=ApiToken.Scope.WRITE)
    again = _post(client, "ballot", {"answers": {"q1": ["no"]}}, other)
    assert again.status_code == 422 and "already voted" in str(again.json())
    assert _ballots(paris) == (1, 1)


def test_the_api_refuses_bad_answers_readers_and_strangers(client, paris, votation, voter):
    from plaza.core.models import ApiToken
    from plaza.core.tests.factories import ApiTokenFactory, UserFactory

    assert _post(client, "ballot", {"answers": {"q1": ["yes"]}}).status_code == 401
    reader = ApiTokenFactory(user=voter, scope=ApiToken.Scope.READ)
    assert _post(client, "ballot", {"answers": {"q1": ["yes"]}}, reader).status_code == 403
    writer = ApiTokenFactory(user=voter, scope=ApiToken.Scope.WRITE)
    wrong = _post(client, "ballot", {"answers": {"q1": ["yes", "no"]}}, writer)
    assert wrong.status_code == 422 and "q1" in wrong.json()["error"]["fields"]
    unverified = ApiTokenFactory(user=UserFactory(), scope=ApiToken.Scope.WRITE)
    assert _post(client, "ballot", {"answers": {"q1": ["yes"]}}, unverified).status_code == 403
    assert _ballots(paris) == (0, 0)


def test_a_vote_changed_through_the_api(client, paris, votation, voter):
    from django_scopes import scopes_disabled

    from plaza.core.models import ApiToken
    from plaza.core.tests.factories import ApiTokenFactory
    from plaza.votes.models import Votation

    with scopes_disabled():
        Votation.objects.filter(pk=votation.pk).update(allows_changes=True)
    token = ApiTokenFactory(user=voter, scope=ApiToken.Scope.WRITE)
    first = _post(client, "ballot", {"answers": {"q1": ["yes"]}}, token).json()
    changed = _post(client, "ballot/change", {"answers": {"q1": ["no"]}, "change_code": first["change_code"]}, token)
    assert changed.status_code == 200 and changed.json()["receipt"] != first["receipt"]
    assert _ballots(paris) == (1, 1)


# --- The cost of a ballot, pinned ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # outside a test transaction, as a real request: no savepoints
def test_an_api_ballot_costs_a_fixed_number_of_statements(client, paris, votation, voter, django_assert_num_queries):
    """The django-ninja endpoint (without the lean path of test_lean.py): token, its last use, the votation with
    its jurisdiction, questions and options (one join), the voter's verification with person and census record,
    then the roll row and the ballot: one statement on PostgreSQL, BEGIN, two INSERTs and COMMIT on SQLite."""
    from django.db import connection

    from plaza.core.models import ApiToken
    from plaza.core.tests.factories import ApiTokenFactory
    from plaza.core.tests.lean_paths import normal_path
    from plaza.votes.tests.factories import OptionFactory, QuestionFactory

    with scopes_disabled():  # a second question: the statements do not grow with the questions
        second = QuestionFactory(votation=votation, position=2)
        OptionFactory(question=second, position=1, key="o1")
        OptionFactory(question=second, position=2, key="o2")
    token = ApiTokenFactory(user=voter, scope=ApiToken.Scope.WRITE)
    with normal_path(), django_assert_num_queries(5 if connection.vendor == "postgresql" else 8) as captured:
        answer = _post(client, "ballot", {"answers": {"q1": ["yes"], "q2": ["o2"]}}, token)
    assert answer.status_code == 201, answer.content
    assert not any("SAVEPOINT" in (q["sql"] or "") for q in captured.captured_queries)
    assert _ballots(paris) == (1, 1)
