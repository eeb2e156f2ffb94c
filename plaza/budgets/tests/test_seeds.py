"""The demo network: Paris's finished budget (results by both rules, .pb download) and Madrid's open one."""

from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from pabutools.election.pabulib import parse_pabulib_from_string

from plaza.budgets.models import Ballot, Budget, Project, ResultRow
from plaza.core.models import ContentLink
from plaza.core.tenancy import across_jurisdictions

pytestmark = pytest.mark.django_db


def counts():
    with across_jurisdictions():
        return [m.objects.count() for m in (Budget, Ballot, ResultRow, ContentLink)]


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
    with across_jurisdictions():
        winners = Project.objects.filter(budget=paris, result_rows__rule=paris.rule, result_rows__selected=True)
        tracked = ContentLink.objects.filter(
            kind="result", source_type=ContentType.objects.get_for_model(Project), source_id__in=winners.values("pk")
        )
        assert tracked.count() == winners.count() > 0  # every winner tracked, once, after both loads
        winner = winners.order_by("pk").first()
        result = tracked.get(source_id=winner.pk).target
    page = client.get(winner.get_absolute_url()).content.decode()
    assert "What became of it" in page and f'href="{result.get_absolute_url()}"' in page
    pb = client.get("/paris/budgets/paris-budget-2025/city-wide.pb").content.decode()
    _instance, profile = parse_pabulib_from_string(pb)
    assert len(profile) == 18
    client.login(email="resident.madrid@demo.plaza", password="plaza-demo-2026")
    ballot = "/madrid/budgets/madrid-budget-2026/ballot/centro/"
    page = client.get(ballot).content.decode()
    assert "Money left: €400,000." in page
    with across_jurisdictions():
        first_project = Budget.objects.get(slug="madrid-budget-2026").projects.order_by("pk").first()
    answer = client.post(ballot, {"project": [first_project.pk], "save": "1", "revision": ""})
    assert answer.status_code == 302
