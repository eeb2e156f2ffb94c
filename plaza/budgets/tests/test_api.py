"""The budgets API: budgets, projects with public feasibility reasons, and finished headings' results."""

import pytest
from django_scopes import scopes_disabled

from plaza.budgets import operations
from plaza.budgets.models import Budget, Project
from plaza.budgets.tests.conftest import make_resident
from plaza.budgets.tests.factories import BudgetFactory

pytestmark = pytest.mark.django_db


def test_budgets_and_projects_are_public(client, budget, heading, projects):
    with scopes_disabled():
        Project.objects.filter(pk=projects[0].pk).update(feasibility="unfeasible", unfeasible_reason="Private land")
        BudgetFactory(jurisdiction=budget.jurisdiction, slug="draft", is_published=False)
    listing = client.get("/api/v1/budgets/paris/budgets").json()
    assert [b["slug"] for b in listing["items"]] == ["paris-2026"]
    assert listing["items"][0]["headings"] == [{"slug": "11e", "name": "11th arrondissement", "amount": "100000.00"}]
    assert listing["items"][0]["total"] == "100000.00"
    items = client.get("/api/v1/budgets/paris/budgets/paris-2026/projects").json()["items"]
    assert [(p["title"], p["unfeasible_reason"]) for p in items][0] == ("Garden", "Private land")
    assert items[0]["images"] == []
    assert client.get("/api/v1/budgets/paris/budgets/draft/projects").status_code == 404


def test_results_by_rule_once_finished(client, paris, paris_admin, budget, heading, projects):
    for picks in ([0], [0], [1, 2]):
        operations.cast_ballot(
            actor=make_resident(paris), budget=budget, heading=heading, choices={projects[i].pk: 1 for i in picks}
        )
    url = "/api/v1/budgets/paris/budgets/paris-2026/results/11e"
    assert client.get(url).status_code == 404
    operations.set_phase(actor=paris_admin, budget=budget, phase=Budget.Phase.FINISHED)
    document = client.get(url, {"rule": "greedy"}).json()
    assert document["rule"] == "greedy"
    assert [(r["title"], r["votes"], r["selected"], r["reason"]) for r in document["results"]] == [
        ("Garden", 2, True, "selected"),
        ("Bike lanes", 1, True, "selected"),
        ("Library", 1, False, "did_not_fit"),
    ]


def _post(client, token, heading: str, body: dict):
    return client.post(
        f"/api/v1/budgets/paris/budgets/paris-2026/ballot/{heading}",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token.secret}",
    )


def _write_token(user):
    from plaza.core.models import ApiToken
    from plaza.core.tests.factories import ApiTokenFactory

    return ApiTokenFactory(user=user, scope=ApiToken.Scope.WRITE)


def test_a_resident_casts_then_edits_a_heading_of_their_ballot_with_a_write_token(client, resident, heading, projects):
    token = _write_token(resident)
    mine = "/api/v1/budgets/paris/budgets/paris-2026/ballot"
    assert client.get(mine, HTTP_AUTHORIZATION=f"Bearer {token.secret}").status_code == 404  # nothing cast yet
    cast = _post(client, token, "11e", {"choices": {str(projects[0].pk): 1, str(projects[2].pk): 1}})
    assert cast.status_code == 201, cast.content
    assert cast["Cache-Control"] == "no-store"
    body = cast.json()
    assert (body["budget"], body["channel"], body["revision"]) == ("paris-2026", "online", 1)
    assert body["headings"] == {"11e": {str(projects[0].pk): 1, str(projects[2].pk): 1}}
    edited = _post(client, token, "11e", {"choices": {str(projects[1].pk): 1}, "revision": 1})
    assert edited.status_code == 200 and edited.json()["revision"] == 2
    read = client.get(mine, HTTP_AUTHORIZATION=f"Bearer {token.secret}").json()
    assert read["headings"] == {"11e": {str(projects[1].pk): 1}}
    with scopes_disabled():
        from plaza.budgets.models import Ballot
        from plaza.core.roll import VoterRollEntry

        assert Ballot.objects.count() == 1 and VoterRollEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("over the amount", 422),
        ("another heading's project", 422),
        ("not a project id", 422),
        ("a second ballot without its revision", 422),
        ("a stale revision", 422),
        ("a read-only token", 403),
        ("an unverified account", 403),
        ("after balloting closed", 422),
        ("no such heading", 404),
    ],
)
def test_a_bad_ballot_is_refused_with_a_clear_message_and_nothing_changes(
    client, paris, budget, heading, projects, resident, case, expected
):
    from plaza.budgets.tests.factories import HeadingFactory, ProjectFactory
    from plaza.core.models import ApiToken
    from plaza.core.tests.factories import ApiTokenFactory, UserFactory

    token = _write_token(resident)
    first = {"choices": {str(projects[2].pk): 1}}
    assert _post(client, token, "11e", first).status_code == 201
    with scopes_disabled():
        other = HeadingFactory(budget=budget, slug="12e", name="12th arrondissement")
        elsewhere = ProjectFactory(heading=other, title="Pool", estimated_cost=1000)
    heading_slug, body = "11e", {"choices": {str(projects[1].pk): 1}, "revision": 1}
    if case == "over the amount":
        body["choices"] = {str(p.pk): 1 for p in projects}  # 130k in a 100k heading
    elif case == "another heading's project":
        body["choices"] = {str(elsewhere.pk): 1}
    elif case == "not a project id":
        body["choices"] = {"garden": 1}
    elif case == "a second ballot without its revision":
        body.pop("revision")
    elif case == "a stale revision":
        body["revision"] = 7
    elif case == "a read-only token":
        token = ApiTokenFactory(user=resident, scope=ApiToken.Scope.READ)
    elif case == "an unverified account":
        token = _write_token(UserFactory())
    elif case == "after balloting closed":
        with scopes_disabled():
            Budget.objects.filter(pk=budget.pk).update(phase=Budget.Phase.REVIEWING_BALLOTS)
    elif case == "no such heading":
        heading_slug = "99e"
    refused = _post(client, token, heading_slug, body)
    assert refused.status_code == expected, refused.content
    assert refused.json()["error"]["message"]  # a message, in the caller's language
    with scopes_disabled():
        from plaza.budgets.models import Ballot, BallotLine

        ballot = Ballot.objects.get()
        assert ballot.revision == 1
        assert list(BallotLine.objects.values_list("project_id", flat=True)) == [projects[2].pk]
