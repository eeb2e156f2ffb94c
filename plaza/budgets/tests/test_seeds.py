"""The demo network: Paris's finished budget (results by both rules, .pb download) and Madrid's open one."""

from io import StringIO

import pytest
from django.core.management import call_command
from pabutools.election.pabulib import parse_pabulib_from_string

from plaza.budgets.models import Ballot, Budget, ResultRow
from plaza.core.tenancy import across_jurisdictions

pytestmark = pytest.mark.django_db


def counts():
    with across_jurisdictions():
        return [m.objects.count() for m in (Budget, Ballot, ResultRow)]


def test_demo_budgets_show_results_and_take_a_ballot(client):
    call_command("load_demo", stdout=StringIO())
    first = counts()
    call_command("load_demo", stdout=StringIO())
    assert counts() == first
    with across_jurisdictions():
        paris = Budget.objects.get(slug="paris-budget-2025")
        assert paris.phase == Budget.Phase.FINISHED
        funded = {
            rule: set(
                ResultRow.objects.filter(budget=paris, rule=rule, selected=True).values_list(
                    "project__title", flat=True
                )
            )
            for rule in ("greedy", "mes")
        }
    assert funded["greedy"] != funded["mes"]  # the demo shows what equal shares changes
    for rule in ("greedy", "mes"):
        page = client.get(f"/paris/budgets/paris-budget-2025/results/city-wide/?rule={rule}").content.decode()
        assert "funded" in page
    pb = client.get("/paris/budgets/paris-budget-2025/city-wide.pb").content.decode()
    _instance, profile = parse_pabulib_from_string(pb)
    assert len(profile) == 18
    client.login(email="resident.madrid@demo.plaza", password="plaza-demo-2026")
    ballot = "/madrid/budgets/madrid-budget-2026/ballot/centro/"
    page = client.get(ballot).content.decode()
    assert "Money left: 400000.00 EUR" in page
    with across_jurisdictions():
        first_project = Budget.objects.get(slug="madrid-budget-2026").projects.order_by("pk").first()
    answer = client.post(ballot, {"project": [first_project.pk], "save": "1", "revision": ""})
    assert answer.status_code == 302
