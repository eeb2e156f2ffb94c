"""The support's lean API path answers a success in two statements, and answers everything else as the normal endpoint.

Each refusal is sent with the lean middleware in place and without it (the django-ninja endpoint
alone), and what the caller gets and what the database holds are compared. The support that reaches
the threshold is the operation's (it falls through): marked, audited and notified exactly as always.
"""

import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client, override_settings
from django.utils import timezone
from django_scopes import scopes_disabled

from plaza.core.models import ApiToken, AuditEntry, BlockedAccount, Notification
from plaza.core.operations.comments import start_following
from plaza.core.tests import lean_paths
from plaza.core.tests.factories import (
    ApiTokenFactory,
    CensusRecordFactory,
    ComponentStepFactory,
    JurisdictionFactory,
    PhaseFactory,
    UserFactory,
    VerificationFactory,
)
from plaza.proposals import operations
from plaza.proposals.models import Proposal, Support
from plaza.proposals.operations import hot_score
from plaza.proposals.tests.factories import ProposalFactory, open_component, verified_user

pytestmark = pytest.mark.django_db


@contextmanager
def normal_path():
    """A client of the stack without the lean middleware (a new one: a client keeps the middleware it first loaded)."""
    with lean_paths.normal_path():
        yield Client(HTTP_ACCEPT_LANGUAGE="en")


def url(proposal_id, jurisdiction="madrid"):
    return f"/api/v1/proposals/{jurisdiction}/proposals/{proposal_id}/support"


def post(client, secret, address):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    return client.post(address, **headers)


def resident_token(jurisdiction, person=None, **verification):
    """A write token of a new account verified in `jurisdiction` (as `person` if given)."""
    with scopes_disabled():
        kwargs = {"person": person} if person is not None else {}
        user = VerificationFactory(jurisdiction=jurisdiction, **kwargs, **verification).user
    return ApiTokenFactory(user=user, scope=ApiToken.Scope.WRITE)


@pytest.fixture
def operation_calls(monkeypatch):
    """How many requests reached `operations.support_proposal` (the normal endpoint's write)."""
    calls = []
    real = operations.support_proposal

    def counted(**kwargs):
        calls.append(kwargs["proposal"].pk)
        return real(**kwargs)

    monkeypatch.setattr(operations, "support_proposal", counted)
    return calls


def stored(proposal):
    with scopes_disabled():
        row = Proposal.objects.get(pk=proposal.pk)
        supports = sorted(Support.objects.filter(proposal=proposal).values_list("person_id", "user_id"))
    return row.support_count, row.status, row.hot_score, supports


def test_a_lean_support_is_stored_and_answered_as_the_normal_endpoint_does(client, component, operation_calls):
    with scopes_disabled():
        lean_proposal, normal_proposal = ProposalFactory(component=component), ProposalFactory(component=component)
        Proposal.objects.filter(pk=normal_proposal.pk).update(
            published_at=lean_proposal.published_at, hot_score=lean_proposal.hot_score
        )
    lean_token, normal_token = resident_token(component.jurisdiction), resident_token(component.jurisdiction)
    lean = post(client, lean_token.secret, url(lean_proposal.pk))
    assert operation_calls == []  # answered before the normal endpoint
    with normal_path() as normal_client:
        normal = post(normal_client, normal_token.secret, url(normal_proposal.pk))
    assert normal.status_code == 201, normal.content
    assert operation_calls == [normal_proposal.pk]
    assert lean.status_code == normal.status_code == 201
    for header in ("Content-Type", "Cache-Control"):
        assert lean[header] == normal[header]
    assert lean.json() == {"proposal": lean_proposal.pk, "supports": 1, "status": "published"}
    assert normal.json() == {**lean.json(), "proposal": normal_proposal.pk}
    lean_row, normal_row = stored(lean_proposal), stored(normal_proposal)
    assert lean_row[:3] == normal_row[:3]  # the count, the status and the hot score, to the bit
    assert lean_row[2] == pytest.approx(hot_score(1, lean_proposal.published_at), abs=1e-9)
    with scopes_disabled():
        support = Support.objects.get(proposal=lean_proposal)
        assert (support.user_id, support.component_id, support.jurisdiction_id) == (
            lean_token.user_id,
            component.pk,
            component.jurisdiction_id,
        )
        assert support.person_id == lean_token.user.verifications.get().person_id
        assert timezone.now() - support.created_at < timedelta(minutes=1)
    for token in (lean_token, normal_token):  # both record the token's use
        token.refresh_from_db()
        assert token.last_used_at is not None


def test_the_count_and_hot_score_follow_many_lean_supports(client, component, operation_calls):
    with scopes_disabled():
        proposal = ProposalFactory(component=component, support_count=40, hot_score=0)
        Proposal.objects.filter(pk=proposal.pk).update(hot_score=hot_score(40, proposal.published_at))
    component.settings["threshold_value"] = 1000
    with scopes_disabled():
        component.save()
    answers = [post(client, resident_token(component.jurisdiction).secret, url(proposal.pk)) for _ in range(5)]
    assert [a.json()["supports"] for a in answers] == [41, 42, 43, 44, 45]
    assert operation_calls == []
    count, status, score, supports = stored(proposal)
    assert (count, status, len(supports)) == (45, "published", 5)
    assert score == pytest.approx(hot_score(45, proposal.published_at), abs=1e-9)


@pytest.mark.django_db(transaction=True)  # outside a test transaction, as a real request: no savepoints
def test_a_lean_support_costs_two_statements_on_postgresql(client, madrid, django_assert_num_queries):
    """The caller (token, account, person, census record), then ONE statement: every rule checked in the WHERE
    of the UPDATE that counts, the support's INSERT and the token's use as data-modifying CTEs. SQLite runs the
    same UPDATE, INSERT and token UPDATE one by one between BEGIN and COMMIT."""
    with scopes_disabled():
        component = open_component(madrid, threshold_value=100)
        proposal = ProposalFactory(component=component)
    assert post(client, resident_token(madrid).secret, url(proposal.pk)).status_code == 201
    token = resident_token(madrid)
    expected = 2 if connection.vendor == "postgresql" else 6
    with django_assert_num_queries(expected) as captured:
        answer = post(client, token.secret, url(proposal.pk))
    assert answer.status_code == 201, answer.content
    assert answer.json()["supports"] == 2
    assert not any("SAVEPOINT" in (q["sql"] or "") for q in captured.captured_queries)
    token.refresh_from_db()
    assert token.last_used_at is not None
    # The token's use is written at most once a minute, as the normal path does: then one statement fewer on SQLite.
    other = ProposalFactory(component=component)
    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 5):
        assert post(client, token.secret, url(other.pk)).status_code == 201


def _same_refusal(client, make_request):
    """The request answered with the lean middleware and without it: the same status and body."""
    lean = make_request(client)
    with normal_path() as normal_client:
        normal = make_request(normal_client)
    assert lean.status_code == normal.status_code and lean.status_code >= 400
    assert lean.json() == normal.json()
    return lean


def _closed_phase(component):
    with scopes_disabled():
        component.steps.update(enabled=False)


def _phase_over(component):
    with scopes_disabled():
        for step in component.steps.select_related("phase"):
            step.phase.starts_at = timezone.now() - timedelta(days=3)
            step.phase.ends_at = timezone.now() - timedelta(days=1)
            step.phase.save()


def _first_open_step_has_no_support(component):
    """Two phases open at once: the rules are those of the first step (by id), as `component_action_allowed` reads."""
    with scopes_disabled():
        component.steps.update(actions=["comment"])
        ComponentStepFactory(phase=PhaseFactory(process=component.process), component=component, actions=["support"])


REFUSALS = {
    # case: status
    "no token": 401,
    "unknown token": 401,
    "read-only token": 403,
    "token for another jurisdiction": 403,
    "revoked token": 401,
    "unverified account": 403,
    "below the component's level": 403,
    "blocked account": 403,
    "second support of the person": 422,
    "second support of the account": 422,
    "archived proposal": 422,
    "withdrawn proposal": 422,
    "hidden proposal": 404,
    "draft": 404,
    "unknown proposal": 404,
    "another jurisdiction's proposal": 404,
    "unknown jurisdiction": 404,
    "unpublished component": 404,
    "unpublished process": 404,
    "phase step disabled": 403,
    "phase over": 403,
    "phase without supports": 403,
    "first open step without supports": 403,
}


@pytest.mark.parametrize(("case", "status"), REFUSALS.items())
def test_every_refusal_is_the_normal_endpoints(client, component, case, status, operation_calls):
    madrid = component.jurisdiction
    with scopes_disabled():
        proposal = ProposalFactory(component=component)
    token = resident_token(madrid)
    secret, address = token.secret, url(proposal.pk)
    with scopes_disabled():
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
        elif case == "below the component's level":
            component.settings["support_verification_level"] = 2
            component.save()
        elif case == "blocked account":
            BlockedAccount.objects.create(jurisdiction=madrid, user=token.user, reason="Spam")
        elif case == "second support of the person":
            person = token.user.verifications.get().person
            operations.support_proposal(actor=verified_user(madrid, person=person), proposal=proposal)
        elif case == "second support of the account":
            operations.support_proposal(actor=token.user, proposal=proposal)
        elif case in ("archived proposal", "withdrawn proposal", "hidden proposal", "draft"):
            new_status = {"archived proposal": "archived", "withdrawn proposal": "withdrawn", "draft": "draft"}
            Proposal.objects.filter(pk=proposal.pk).update(status=new_status.get(case, "hidden"), hidden_reason="x")
        elif case == "unknown proposal":
            address = url(proposal.pk + 1000)
        elif case == "another jurisdiction's proposal":
            elsewhere = ProposalFactory(component=open_component(JurisdictionFactory(slug="lyon")))
            address = url(elsewhere.pk)
        elif case == "unknown jurisdiction":
            address = url(proposal.pk, jurisdiction="nowhere")
        elif case == "unpublished component":
            component.is_published = False
            component.save()
        elif case == "unpublished process":
            component.process.is_published = False
            component.process.save()
        elif case == "phase step disabled":
            _closed_phase(component)
        elif case == "phase over":
            _phase_over(component)
        elif case == "phase without supports":
            component.steps.update(actions=["comment", "propose"])
        elif case == "first open step without supports":
            _first_open_step_has_no_support(component)
    before = stored(proposal)
    answer = _same_refusal(client, lambda sender: post(sender, secret, address))
    assert answer.status_code == status, answer.content
    assert stored(proposal) == before


def test_a_level_two_component_takes_a_level_two_resident_the_lean_way(client, component, operation_calls):
    with scopes_disabled():
        component.settings["support_verification_level"] = 2
        component.save()
        proposal = ProposalFactory(component=component)
    token = resident_token(component.jurisdiction, level=2)
    assert post(client, token.secret, url(proposal.pk)).status_code == 201
    assert operation_calls == []


@pytest.mark.parametrize(
    "settings_given",
    [
        {"support_verification_level": "1"},  # not a number: the operation decides (here: a 500 as always)
        {"threshold_value": None},
        {"threshold_mode": "census_percent", "threshold_value": "1"},
    ],
)
def test_settings_that_are_not_numbers_take_the_normal_path(client, component, settings_given, operation_calls):
    with scopes_disabled():
        component.settings.update(settings_given)
        component.save()
        proposal = ProposalFactory(component=component)
    client.raise_request_exception = False
    post(client, resident_token(component.jurisdiction).secret, url(proposal.pk))
    assert operation_calls == [proposal.pk]


def _followed_proposal(component):
    with scopes_disabled():
        proposal = ProposalFactory(component=component)
        follower = UserFactory()
        start_following(follower, proposal)
        start_following(proposal.author, proposal)
    return proposal


def _what_followers_heard(proposal):
    with scopes_disabled():
        notified = Notification.objects.filter(object_id=proposal.pk, event="proposal.threshold_reached")
        audit = AuditEntry.objects.filter(action="proposal.threshold_reached", target_id=str(proposal.pk))
        return (
            sorted(notified.values_list("recipient_id", flat=True)),
            [(n.target_label, n.url, n.actor_id) for n in notified],
            [(entry.data, entry.is_public) for entry in audit],
        )


def test_reaching_the_threshold_through_the_api_marks_and_notifies_as_the_operation_does(
    client, component, operation_calls, django_capture_on_commit_callbacks
):
    """Threshold 3: the first two supports are lean, the third (it reaches it) is the operation's, the fourth lean."""
    through_api, through_operation = _followed_proposal(component), _followed_proposal(component)
    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        for _n in range(4):
            answers.append(post(client, resident_token(component.jurisdiction).secret, url(through_api.pk)))
            operations.support_proposal(actor=verified_user(component.jurisdiction), proposal=through_operation)
    assert [a.status_code for a in answers] == [201] * 4
    assert [(a.json()["supports"], a.json()["status"]) for a in answers] == [
        (1, "published"),
        (2, "published"),
        (3, "threshold_reached"),
        (4, "threshold_reached"),
    ]
    assert operation_calls.count(through_api.pk) == 1  # the third: it reached the threshold
    heard, expected = _what_followers_heard(through_api), _what_followers_heard(through_operation)
    assert len(heard[0]) == 2 and len(heard[2]) == 1
    assert heard[0] != expected[0]  # each proposal's own followers ...
    assert [len(x) for x in heard] == [len(x) for x in expected]  # ... told alike, audited alike
    assert heard[1][0][2] is None and heard[2] == [(expected[2][0][0], True)]
    with scopes_disabled():
        marked = Proposal.objects.get(pk=through_api.pk)
    assert marked.threshold_reached_at is not None and marked.support_count == 4


def test_a_threshold_as_a_percentage_of_the_census_is_decided_in_the_statement(
    client, madrid, unscoped, operation_calls, django_capture_on_commit_callbacks
):
    """1 % of 300 active records is 3: the third support reaches it (the operation's), the others are lean."""
    component = open_component(madrid, threshold_mode="census_percent", threshold_value=1)
    CensusRecordFactory.create_batch(300 - 4, jurisdiction=madrid)  # the four residents below bring their own
    proposal = _followed_proposal(component)
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [post(client, resident_token(madrid).secret, url(proposal.pk)).json()["status"] for _n in range(4)]
    assert statuses == ["published", "published", "threshold_reached", "threshold_reached"]
    assert operation_calls == [proposal.pk]
    assert len(_what_followers_heard(proposal)[0]) == 2


def test_a_proposal_over_a_lowered_threshold_is_marked_by_its_next_support(client, component, operation_calls):
    """Supports gathered under a higher threshold: the next one marks it (the operation's), as it always did."""
    with scopes_disabled():
        proposal = ProposalFactory(component=component, support_count=10)  # the threshold is 3
    answer = post(client, resident_token(component.jurisdiction).secret, url(proposal.pk))
    assert answer.json() == {"proposal": proposal.pk, "supports": 11, "status": "threshold_reached"}
    assert operation_calls == [proposal.pk]


@override_settings(PLAZA_API_RATE="2/m")
def test_the_rate_limit_counts_what_the_normal_endpoint_answers(client, component):
    """A lean success (once per person and proposal, as the database enforces) is not counted; the rest is."""
    with scopes_disabled():
        proposal = ProposalFactory(component=component)
    token = resident_token(component.jurisdiction)
    assert post(client, token.secret, url(proposal.pk)).status_code == 201
    assert post(client, token.secret, url(proposal.pk)).status_code == 422  # already supported: counted (1)
    assert post(client, token.secret, url(proposal.pk)).status_code == 422  # (2)
    assert post(client, token.secret, url(proposal.pk)).status_code == 429


@pytest.mark.django_db(transaction=True)
def test_lean_supports_racing_past_the_threshold_mark_it_once(madrid):
    """Twelve residents at once on a proposal of threshold 6, through HTTP: every support counted once, the
    threshold marked and audited once (PostgreSQL, real threads: the UPDATE's row lock orders them)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write: the race needs PostgreSQL's concurrent transactions.")
    with scopes_disabled():
        component = open_component(madrid, threshold_value=6)
        proposal = ProposalFactory(component=component)
        secrets = [resident_token(madrid).secret for _ in range(12)]
    barrier = threading.Barrier(len(secrets))
    answers: list[tuple[int, str]] = []

    def support(secret):
        try:
            barrier.wait()
            answer = post(Client(), secret, url(proposal.pk))
            answers.append((answer.status_code, answer.json()["status"]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=support, args=(secret,)) for secret in secrets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _s in answers) == [201] * 12
    with scopes_disabled():
        row = Proposal.objects.get(pk=proposal.pk)
        assert (row.support_count, row.status) == (12, "threshold_reached")
        assert Support.objects.filter(proposal=proposal).count() == 12
        assert AuditEntry.objects.filter(action="proposal.threshold_reached").count() == 1
        assert row.hot_score == pytest.approx(hot_score(12, row.published_at), abs=1e-9)
