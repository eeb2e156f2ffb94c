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
