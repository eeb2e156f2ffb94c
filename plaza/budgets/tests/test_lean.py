"""The budget ballot's lean API path answers a first ballot in one statement, and everything else as the normal
endpoint.

Each test sends the same request with the lean middleware in place and without it (the django-ninja endpoint
alone), and compares what the caller gets and what the database holds: the ballot, its lines, the roll row and the
token's use (and no audit entry: a resident's own ballot writes none, either way).
"""

from decimal import Decimal

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from plaza.budgets.models import Ballot, BallotLine, Budget, Heading, Project
from plaza.budgets.tests.factories import HeadingFactory, ProjectFactory
from plaza.core.models import ApiToken, AuditEntry, Verification
from plaza.core.roll import VoterRollEntry
from plaza.core.tests.factories import (
    ApiTokenFactory,
    ComponentFactory,
    JurisdictionFactory,
    PersonFactory,
    ProcessFactory,
    UserFactory,
    VerificationFactory,
)
from plaza.core.tests.lean_paths import normal_path

pytestmark = pytest.mark.django_db

URL = "/api/v1/budgets/paris/budgets/paris-2026/ballot/{heading}"


def post(client, secret, body, heading="11e", raw=None, url=URL):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    return client.post(
        url.format(heading=heading), raw if raw is not None else body, content_type="application/json", **headers
    )


def new_voter(paris, level=Verification.Level.VERIFIED):
    with scopes_disabled():
        person = PersonFactory(jurisdiction=paris)
        user = UserFactory()
        VerificationFactory(jurisdiction=paris, person=person, user=user, level=level)
    return ApiTokenFactory(user=user, scope=ApiToken.Scope.WRITE)


def stored(budget):
    """Everything a ballot writes, person by person (a person's own rows, without ids), sorted."""
    with scopes_disabled():
        ballots = []
        for ballot in Ballot.objects.filter(budget=budget).order_by("pk"):
            lines = [
                (line.project.heading.slug, line.project.title, line.points, line.rank)
                for line in BallotLine.objects.filter(ballot=ballot).order_by("pk")
            ]
            ballots.append((ballot.channel, ballot.revision, ballot.imported, lines))
        roll = sorted((r.election_key, r.channel, r.booth) for r in VoterRollEntry.objects.all())
        audit = sorted(e.action for e in AuditEntry.objects.all())
    return ballots, roll, audit


def _both(client, paris, body, heading="11e", **voter):
    """The same first ballot of two new voters, one through the lean path, one through the normal endpoint."""
    lean = post(client, new_voter(paris, **voter).secret, body, heading)
    with normal_path():
        normal = post(client, new_voter(paris, **voter).secret, body, heading)
    return lean, normal


def test_a_lean_ballot_is_stored_and_answered_as_the_normal_endpoint_does(client, paris, budget, heading, projects):
    with scopes_disabled():
        HeadingFactory(budget=budget, slug="20e", name="20th arrondissement", position=2)
    body = {"choices": {str(projects[1].pk): 1, str(projects[2].pk): 1}}
    lean, normal = _both(client, paris, body)
    assert lean.status_code == normal.status_code == 201, (lean.content, normal.content)
    assert lean.json() == normal.json()
    assert lean.json()["headings"] == {"11e": {str(projects[1].pk): 1, str(projects[2].pk): 1}, "20e": {}}
    for name in ("Content-Type", "Cache-Control"):
        assert lean[name] == normal[name]
    ballots, roll, audit = stored(budget)
    assert (
        ballots[0] == ballots[1] == ("online", 1, False, [("11e", "Bike lanes", 1, None), ("11e", "Library", 1, None)])
    )
    assert roll[0] == roll[1] == (budget.election_key, "online", "")
    assert audit == []
    with scopes_disabled():  # both record the token's use
        assert ApiToken.objects.filter(last_used_at__isnull=True).count() == 0


@pytest.mark.parametrize(
    ("kind", "choices"),
    [
        (Budget.BallotKind.CUMULATIVE, [3, 5]),
        (Budget.BallotKind.RANKED, [2, 1]),
        (Budget.BallotKind.APPROVAL, [1, 1]),
        (Budget.BallotKind.KNAPSACK, [7, 1]),  # a basket's line counts 1, whatever the number sent
    ],
)
def test_every_kind_of_ballot_is_stored_as_the_normal_endpoint_stores_it(
    client, paris, budget, heading, projects, kind, choices
):
    with scopes_disabled():
        Budget.objects.filter(pk=budget.pk).update(ballot_kind=kind)
    body = {"choices": {str(projects[n + 1].pk): value for n, value in enumerate(choices)}}
    lean, normal = _both(client, paris, body)
    assert lean.status_code == normal.status_code == 201, (lean.content, normal.content)
    assert lean.json() == normal.json()
    assert list(lean.json()["headings"]["11e"].items()) == list(normal.json()["headings"]["11e"].items())
    ballots, _roll, audit = stored(budget)
    assert ballots[0] == ballots[1] and audit == []


@pytest.mark.django_db(transaction=True)  # outside a test transaction, as a real request: no savepoints
def test_a_lean_ballot_is_one_statement_on_postgresql(
    client, paris, budget, heading, projects, django_assert_num_queries
):
    """The budget kept in the process, then ONE statement: the voter (token, account, verified person), the rows'
    stamps, the roll row, the ballot, its lines and the token's use. (On SQLite the normal endpoint
    answers every ballot.)"""
    if connection.vendor != "postgresql":
        pytest.skip("The lean ballot is PostgreSQL's: SQLite serialises writers, and its ballots take the endpoint.")
    assert post(client, new_voter(paris).secret, {"choices": {str(projects[0].pk): 1}}).status_code == 201
    token = new_voter(paris)
    with django_assert_num_queries(1) as captured:
        answer = post(client, token.secret, {"choices": {str(projects[1].pk): 1, str(projects[2].pk): 1}})
    assert answer.status_code == 201, answer.content
    assert not any("SAVEPOINT" in (q["sql"] or "") for q in captured.captured_queries)
    assert [len(b[3]) for b in stored(budget)[0]] == [1, 2]


def _same_refusal(make_request):
    """The request answered with the lean middleware and without it: the same status and body."""
    lean = make_request()
    with normal_path():
        normal = make_request()
    assert lean.status_code == normal.status_code and lean.status_code >= 400, (lean.content, normal.content)
    assert lean.json() == normal.json()
    return lean


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("no token", 401),
        ("unknown token", 401),
        ("read-only token", 403),
        ("token for another jurisdiction", 403),
        ("unverified account", 403),
        ("over the heading's amount", 422),
        ("a project of another heading", 422),
        ("an unfeasible project", 422),
        ("a project a moderator hid", 422),
        ("not a project id", 422),
        ("zero points", 422),
        ("a revision for a first ballot", 422),
        ("not in balloting", 422),
        ("not JSON", 400),
        ("unknown heading", 404),
        ("unknown budget", 404),
        ("unknown jurisdiction", 404),
    ],
)
def test_every_refusal_is_the_normal_endpoints(client, paris, budget, heading, projects, case, status):
    token = new_voter(paris)
    body, heading_slug, raw, secret, url = {"choices": {str(projects[1].pk): 1}}, "11e", None, token.secret, URL
    if case == "no token":
        secret = ""
    elif case == "unknown token":
        secret = "plaza_00000000_nothing"
    elif case == "read-only token":
        secret = ApiTokenFactory(user=token.user, scope=ApiToken.Scope.READ).secret
    elif case == "token for another jurisdiction":
        other = JurisdictionFactory(slug="lyon")
        secret = ApiTokenFactory(user=token.user, scope=ApiToken.Scope.WRITE, jurisdiction=other).secret
    elif case == "unverified account":
        secret = ApiTokenFactory(user=UserFactory(), scope=ApiToken.Scope.WRITE).secret
    elif case == "over the heading's amount":
        body = {"choices": {str(projects[0].pk): 1, str(projects[1].pk): 1, str(projects[2].pk): 1}}
    elif case == "a project of another heading":
        with scopes_disabled():
            elsewhere = ProjectFactory(heading=HeadingFactory(budget=budget, slug="20e"))
        body = {"choices": {str(elsewhere.pk): 1}}
    elif case == "an unfeasible project":
        with scopes_disabled():
            Project.objects.filter(pk=projects[1].pk).update(
                feasibility=Project.Feasibility.UNFEASIBLE, unfeasible_reason="Private land"
            )
    elif case == "a project a moderator hid":
        with scopes_disabled():
            Project.objects.filter(pk=projects[1].pk).update(hidden_reason="Blocked author")
    elif case == "not a project id":
        body = {"choices": {"garden": 1}}
    elif case == "zero points":
        body = {"choices": {str(projects[1].pk): 0}}
    elif case == "a revision for a first ballot":
        body = {**body, "revision": 1}
    elif case == "not in balloting":
        with scopes_disabled():
            Budget.objects.filter(pk=budget.pk).update(phase=Budget.Phase.REVIEWING_BALLOTS)
    elif case == "not JSON":
        raw = "choices=1"
    elif case == "unknown heading":
        heading_slug = "99e"
    elif case == "unknown budget":
        url = URL.replace("paris-2026", "nothing")
    elif case == "unknown jurisdiction":
        url = URL.replace("/paris/", "/nowhere/")
    answer = _same_refusal(lambda: post(client, secret, body, heading_slug, raw=raw, url=url))
    assert answer.status_code == status, answer.content
    assert stored(budget) == ([], [], [])


def test_a_second_ballot_is_refused_as_always(client, paris, budget, heading, projects):
    token = new_voter(paris)
    assert post(client, token.secret, {"choices": {str(projects[0].pk): 1}}).status_code == 201
    with scopes_disabled():  # another account of the same person
        person = Verification.objects.get(user=token.user).person
        other = VerificationFactory(jurisdiction=paris, person=person, user=UserFactory()).user
    for secret in (token.secret, ApiTokenFactory(user=other, scope=ApiToken.Scope.WRITE).secret):
        again = _same_refusal(lambda secret=secret: post(client, secret, {"choices": {str(projects[1].pk): 1}}))
        assert again.status_code == 422
    ballots, roll, audit = stored(budget)
    assert len(ballots) == len(roll) == 1 and audit == [] and ballots[0][3] == [("11e", "Garden", 1, None)]


def test_the_kept_budget_follows_its_changes(client, paris, budget, heading, projects):
    garden_and_library = {"choices": {str(projects[0].pk): 1, str(projects[2].pk): 1}}  # 90k of 100k
    assert post(client, new_voter(paris).secret, garden_and_library).status_code == 201
    with scopes_disabled():  # the valuators' estimate: the basket no longer fits
        Project.objects.filter(pk=projects[2].pk).update(official_cost=Decimal("50000"))
    over = post(client, new_voter(paris).secret, garden_and_library)
    assert over.status_code == 422 and "remove some" in str(over.json())
    with scopes_disabled():  # more money for the heading: it fits again
        Heading.objects.filter(pk=heading.pk).update(amount=Decimal("120000"))
    assert post(client, new_voter(paris).secret, garden_and_library).status_code == 201
    with scopes_disabled():  # a new project on the ballot
        new = ProjectFactory(heading=heading, title="Fountain", estimated_cost=Decimal("1000"))
    assert post(client, new_voter(paris).secret, {"choices": {str(new.pk): 1}}).status_code == 201
    with scopes_disabled():
        Budget.objects.filter(pk=budget.pk).update(phase=Budget.Phase.FINISHED)
    late = post(client, new_voter(paris).secret, {"choices": {str(new.pk): 1}})
    assert late.status_code == 422 and "phase" in str(late.json())
    assert len(stored(budget)[0]) == 3


def test_a_budget_in_a_process_asks_its_components_verification_level(client, paris, budget, heading, projects):
    with scopes_disabled():
        component = ComponentFactory(
            process=ProcessFactory(jurisdiction=paris),
            manifest_name="budgets",
            settings={"vote_verification_level": Verification.Level.OFFICER_VERIFIED},
        )
        Budget.objects.filter(pk=budget.pk).update(component=component)
    body = {"choices": {str(projects[0].pk): 1}}
    refused = _same_refusal(lambda: post(client, new_voter(paris).secret, body))
    assert refused.status_code == 403
    lean, normal = _both(client, paris, body, level=Verification.Level.OFFICER_VERIFIED)
    assert lean.status_code == normal.status_code == 201 and lean.json() == normal.json()
    assert len(stored(budget)[0]) == 2
