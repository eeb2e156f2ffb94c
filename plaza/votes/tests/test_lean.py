"""The ballot's lean API path answers a success in three statements, and answers everything else as the normal endpoint.

Each test sends the same request with the lean middleware in place and without it (the django-ninja
endpoint alone), and compares what the caller gets and what the database holds.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_scopes import scopes_disabled

from plaza.core.models import ApiToken, CensusRecord
from plaza.core.roll import VoterRollEntry
from plaza.core.tenancy import jurisdiction_scope
from plaza.core.tests.factories import (
    ApiTokenFactory,
    CensusRecordFactory,
    JurisdictionFactory,
    PersonFactory,
    UserFactory,
    VerificationFactory,
)
from plaza.core.tests.lean_paths import normal_path
from plaza.votes.models import Ballot, Votation
from plaza.votes.queries import find_ballot
from plaza.votes.tests.factories import OptionFactory, QuestionFactory
from plaza.votes.tests.test_pages import close

pytestmark = pytest.mark.django_db

URL = "/api/v1/votes/paris/votations/climate/ballot"


def post(client, token, body, url=URL, raw=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(url, raw if raw is not None else body, content_type="application/json", **headers)


def new_voter(paris, district="11e"):
    with scopes_disabled():
        person = PersonFactory(
            jurisdiction=paris, census_record=CensusRecordFactory(jurisdiction=paris, district=district)
        )
        user = VerificationFactory(jurisdiction=paris, person=person, user=UserFactory()).user
    return ApiTokenFactory(user=user, scope=ApiToken.Scope.WRITE)


def stored(paris):
    with jurisdiction_scope(paris):
        ballots = sorted(
            (b.answers["q1"], b.channel, b.cast_at, b.voter_id, b.change_hash) for b in Ballot.objects.all()
        )
        roll = sorted((r.election_key, r.channel, r.booth) for r in VoterRollEntry.objects.all())
    return ballots, roll


def test_a_lean_ballot_is_stored_and_answered_as_the_normal_endpoint_does(client, paris, votation):
    lean_token, normal_token = new_voter(paris), new_voter(paris)
    lean = post(client, lean_token.secret, {"answers": {"q1": ["yes"]}})
    with normal_path():
        normal = post(client, normal_token.secret, {"answers": {"q1": ["yes"]}})
    assert lean.status_code == normal.status_code == 201
    assert lean["Content-Type"] == normal["Content-Type"] and lean["Cache-Control"] == normal["Cache-Control"]
    assert lean.json().keys() == normal.json().keys() and lean.json()["change_code"] == normal.json()["change_code"]
    ballots, roll = stored(paris)
    assert ballots[0] == ballots[1] and ballots[0][:2] == (["yes"], "online") and ballots[0][3] is None
    assert roll[0] == roll[1] == (votation.election_key, "online", "")
    with jurisdiction_scope(paris):
        assert find_ballot(votation, lean.json()["receipt"]).answers == {"q1": ["yes"]}
    for token in (lean_token, normal_token):  # both record the token's use
        token.refresh_from_db()
        assert token.last_used_at is not None


@pytest.mark.django_db(transaction=True)  # outside a test transaction, as a real request: no savepoints
def test_a_lean_ballot_is_one_statement_on_postgresql(client, paris, votation, django_assert_num_queries):
    """The votation kept in the process, then ONE statement: the voter (token, account, person, census record in the
    electorate), the votation's stamp, the roll row, the ballot and the token's use. It does not grow with the
    questions. (On SQLite the normal endpoint answers every ballot.)"""
    if connection.vendor != "postgresql":
        pytest.skip("The lean ballot is PostgreSQL's: SQLite serialises writers, and its ballots take the endpoint.")
    with scopes_disabled():
        second = QuestionFactory(votation=votation, position=2)
        OptionFactory(question=second, position=1, key="o1")
        OptionFactory(question=second, position=2, key="o2")
    assert post(client, new_voter(paris).secret, {"answers": {"q1": ["no"], "q2": ["o1"]}}).status_code == 201
    token = new_voter(paris)
    with django_assert_num_queries(1) as captured:
        answer = post(client, token.secret, {"answers": {"q1": ["yes"], "q2": ["o2"]}})
    assert answer.status_code == 201, answer.content
    assert not any("SAVEPOINT" in (q["sql"] or "") for q in captured.captured_queries)
    assert stored(paris)[0][1][0] == ["yes"]


def _same_refusal(client, paris, make_request):
    """The request answered with the lean middleware and without it: the same status and body, nothing written."""
    lean = make_request()
    with normal_path():
        normal = make_request()
    assert lean.status_code == normal.status_code and lean.status_code >= 400
    assert lean.json() == normal.json()
    return lean


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("no token", 401),
        ("unknown token", 401),
        ("read-only token", 403),
        ("token for another jurisdiction", 403),
        ("revoked token", 401),
        ("unverified account", 403),
        ("outside the electorate", 403),
        ("under the minimum age", 403),
        ("an option of no question", 422),
        ("too many choices", 422),
        ("not JSON", 400),
        ("unknown votation", 404),
        ("unknown jurisdiction", 404),
    ],
)
def test_every_refusal_is_the_normal_endpoints(client, paris, votation, case, status):
    with scopes_disabled():
        Votation.objects.filter(pk=votation.pk).update(district="11e")
    token = new_voter(paris)
    body, url, raw, secret = {"answers": {"q1": ["yes"]}}, URL, None, token.secret
    if case == "no token":
        secret = ""
    elif case == "unknown token":
        secret = "plaza_00000000_nothing"
    elif case == "read-only token":
        secret = ApiTokenFactory(user=token.user, scope=ApiToken.Scope.READ).secret
    elif case == "token for another jurisdiction":
        other = JurisdictionFactory(slug="lyon")
        secret = ApiTokenFactory(user=token.user, scope=ApiToken.Scope.WRITE, jurisdiction=other).secret
    elif case == "revoked token":
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    elif case == "unverified account":
        secret = ApiTokenFactory(user=UserFactory(), scope=ApiToken.Scope.WRITE).secret
    elif case == "outside the electorate":
        secret = new_voter(paris, district="20e").secret
    elif case == "under the minimum age":
        with scopes_disabled():
            Votation.objects.filter(pk=votation.pk).update(min_age=16)
            CensusRecord.objects.filter(person__verifications__user=token.user).update(
                birth_year=timezone.now().year - 10
            )
    elif case == "an option of no question":
        body = {"answers": {"q1": ["maybe"]}}
    elif case == "too many choices":
        body = {"answers": {"q1": ["yes", "no"]}}
    elif case == "not JSON":
        raw = "answers=yes"
    elif case == "unknown votation":
        url = URL.replace("climate", "nothing")
    elif case == "unknown jurisdiction":
        url = URL.replace("paris", "nowhere")
    answer = _same_refusal(client, paris, lambda: post(client, secret, body, url=url, raw=raw))
    assert answer.status_code == status, answer.content
    assert stored(paris) == ([], [])


def test_a_second_vote_and_a_closed_votation_are_refused_as_always(client, paris, votation, voter, second_account):
    first = ApiTokenFactory(user=voter, scope=ApiToken.Scope.WRITE)
    assert post(client, first.secret, {"answers": {"q1": ["yes"]}}).status_code == 201
    other = ApiTokenFactory(user=second_account, scope=ApiToken.Scope.WRITE)  # the same person
    again = _same_refusal(client, paris, lambda: post(client, other.secret, {"answers": {"q1": ["no"]}}))
    assert again.status_code == 422 and "already voted" in str(again.json())
    close(votation)  # the votation kept in the process sees the change
    late = _same_refusal(client, paris, lambda: post(client, new_voter(paris).secret, {"answers": {"q1": ["no"]}}))
    assert late.status_code == 422 and "closed" in str(late.json())
    assert len(stored(paris)[0]) == 1


def test_the_kept_votation_follows_its_changes(client, paris, votation):
    assert post(client, new_voter(paris).secret, {"answers": {"q1": ["yes"]}}).json()["change_code"] == ""
    with scopes_disabled():
        Votation.objects.filter(pk=votation.pk).update(allows_changes=True, is_secret=False)
    answer = post(client, new_voter(paris).secret, {"answers": {"q1": ["no"]}})
    assert answer.status_code == 201 and answer.json()["change_code"]
    assert sorted(b[3] is None for b in stored(paris)[0]) == [False, True]  # not secret any more: the voter is kept
    with scopes_disabled():
        Votation.objects.filter(pk=votation.pk).update(opens_at=timezone.now() + timedelta(days=1))
    early = post(client, new_voter(paris).secret, {"answers": {"q1": ["no"]}})
    assert early.status_code == 422 and "not open yet" in str(early.json())


@override_settings(PLAZA_API_RATE="2/m")
def test_the_rate_limit_counts_what_the_normal_endpoint_answers(client, paris, votation):
    """A lean ballot (once per person and votation, as the roll enforces) is not counted; the rest is."""
    token = new_voter(paris)
    statuses = [post(client, token.secret, {"answers": {"q1": ["yes"]}}).status_code for _ in range(4)]
    if connection.vendor == "postgresql":
        assert statuses == [201, 422, 422, 429]  # the second vote counted (1), the third (2)
    else:  # the normal endpoint cast it (counted)
        assert statuses == [201, 422, 429, 429]


def test_a_votation_in_a_process_takes_the_normal_path(client, paris, votation):
    from plaza.core.tests.factories import ComponentFactory, ProcessFactory

    with scopes_disabled():
        component = ComponentFactory(process=ProcessFactory(jurisdiction=paris), manifest_name="votes")
        Votation.objects.filter(pk=votation.pk).update(component=component)
    answer = post(client, new_voter(paris).secret, {"answers": {"q1": ["yes"]}})
    assert answer.status_code in (201, 403)  # whatever the process's rules say, as the normal endpoint says it
    with normal_path():
        normal = post(client, new_voter(paris).secret, {"answers": {"q1": ["yes"]}})
    assert normal.status_code == answer.status_code


def test_questions_change_only_with_the_votations_row(paris, paris_admin, votation):
    """The kept votation's stamp is its row's and its jurisdiction's: questions change only through
    `update_votation`, which saves the votation's row with them, and only while no ballot can be cast."""
    from django.core.exceptions import ValidationError

    from plaza.votes.operations import QuestionSpec, update_votation
    from plaza.votes.queries import stamp_sql

    if connection.vendor != "postgresql":
        pytest.skip("The stamp is PostgreSQL's (row versions), as the lean ballot is.")

    def stamp():
        with connection.cursor() as cursor:
            tables = "votes_votation v JOIN core_jurisdiction j ON j.id = v.jurisdiction_id"
            cursor.execute(f"SELECT {stamp_sql()} FROM {tables} WHERE v.id = %s", [votation.pk])  # noqa: S608
            return cursor.fetchone()[0]

    questions = [QuestionSpec("Which?", options=("Trees", "Bikes"))]
    now = timezone.now()
    with scopes_disabled():
        Votation.objects.filter(pk=votation.pk).update(opens_at=now + timedelta(days=1), closes_at=now + timedelta(2))
        votation.refresh_from_db()
    before = stamp()
    update_votation(actor=paris_admin, votation=votation, questions=questions)
    assert stamp() != before
    with scopes_disabled():
        Votation.objects.filter(pk=votation.pk).update(opens_at=now - timedelta(hours=1))
        votation.refresh_from_db()
    with pytest.raises(ValidationError, match="has opened"):
        update_votation(actor=paris_admin, votation=votation, questions=questions)
