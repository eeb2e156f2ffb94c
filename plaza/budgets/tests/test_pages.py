"""The budgets pages as residents, valuators and visitors meet them (Django's test client, no JavaScript)."""

import pytest
from django_scopes import scopes_disabled
from pabutools.election.pabulib import parse_pabulib_from_string

from plaza.budgets import operations
from plaza.budgets.models import Ballot, Budget, Project
from plaza.budgets.tests.conftest import make_resident
from plaza.budgets.tests.factories import BudgetFactory, HeadingFactory, ProjectFactory

pytestmark = pytest.mark.django_db

BALLOT = "/paris/budgets/paris-2026/ballot/11e/"


def test_the_budget_page_lists_headings_and_filters_projects(client, budget, heading, projects):
    with scopes_disabled():
        ProjectFactory(heading=HeadingFactory(budget=budget, slug="12e", name="12th"), title="Pool")
        Project.objects.filter(pk=projects[0].pk).update(feasibility="unfeasible", unfeasible_reason="Private land")
    page = client.get("/paris/budgets/paris-2026/").content.decode()
    assert "11th arrondissement" in page and "Pool" in page and "Private land" in page
    filtered = client.get("/paris/budgets/paris-2026/", {"heading": "11e", "feasibility": "feasible"}).content.decode()
    assert "Bike lanes" in filtered and "Pool" not in filtered and "Garden" not in filtered


def test_the_knapsack_ballot_shows_money_left_without_javascript(client, budget, heading, projects, resident):
    client.force_login(resident)
    page = client.get(BALLOT).content.decode()
    assert "Money left: €100,000." in page
    update = client.post(BALLOT, {"project": [projects[0].pk, projects[2].pk], "update": "1"}).content.decode()
    assert "Money left: €10,000." in update
    with scopes_disabled():
        assert not Ballot.objects.exists()  # updating the sum writes nothing


def test_a_ballot_over_the_amount_is_refused_and_kept_on_the_page(client, budget, heading, projects, resident):
    client.force_login(resident)
    answer = client.post(BALLOT, {"project": [p.pk for p in projects], "save": "1", "revision": ""})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Your ballot was not saved" in page and "more than the heading" in page
    with scopes_disabled():
        assert not Ballot.objects.exists()


def test_a_resident_saves_then_edits_the_ballot(client, budget, heading, projects, resident):
    client.force_login(resident)
    saved = client.post(BALLOT, {"project": [projects[0].pk], "save": "1", "revision": ""})
    assert saved.status_code == 302
    page = client.get(saved["Location"]).content.decode()
    assert "Your ballot is saved" in page and 'name="revision" value="1"' in page
    client.post(BALLOT, {"project": [projects[1].pk, projects[2].pk], "save": "1", "revision": "1"})
    stale = client.post(BALLOT, {"project": [projects[0].pk], "save": "1", "revision": "1"})
    assert stale.status_code == 400 and "changed since" in stale.content.decode()
    with scopes_disabled():
        ballot = Ballot.objects.get()
        assert ballot.revision == 2
        assert sorted(ballot.lines.values_list("project__title", flat=True)) == ["Bike lanes", "Library"]


def test_an_anonymous_visitor_is_told_to_sign_in(client, budget, heading, projects):
    answer = client.post(BALLOT, {"project": [projects[0].pk], "save": "1"})
    assert answer.status_code == 400 and "Sign in" in answer.content.decode()


def test_results_page_explains_why_a_project_was_not_funded_and_offers_the_pb_file(
    client, paris, paris_admin, budget, heading, projects
):
    for picks in ([0], [0], [0], [1, 2], [1, 2]):
        operations.cast_ballot(
            actor=make_resident(paris), budget=budget, heading=heading, choices={projects[i].pk: 1 for i in picks}
        )
    assert client.get("/paris/budgets/paris-2026/11e.pb").status_code == 404  # not before it is finished
    operations.set_phase(actor=paris_admin, budget=budget, phase=Budget.Phase.FINISHED)
    page = client.get("/paris/budgets/paris-2026/results/11e/").content.decode()
    assert "Not funded: did not fit in the money left" in page and "€100,000 of €100,000 funded" in page
    pb = client.get("/paris/budgets/paris-2026/11e.pb")
    assert pb["Content-Disposition"] == 'attachment; filename="paris-2026-11e.pb"'
    _instance, profile = parse_pabulib_from_string(pb.content.decode())
    assert len(profile) == 5


def test_support_button_in_the_selecting_phase(client, budget, projects, resident):
    budget.phase = Budget.Phase.SELECTING
    budget.save()
    client.force_login(resident)
    url = projects[1].get_absolute_url()
    assert client.post(url).status_code == 302
    again = client.post(url)
    assert again.status_code == 400 and "already support" in again.content.decode()


def test_valuator_page_refuses_unfeasible_without_reason(client, budget, projects, valuator, resident):
    budget.phase = Budget.Phase.REVIEWING
    budget.save()
    url = projects[0].get_absolute_url() + "review/"
    client.force_login(resident)
    assert client.get(url).status_code == 403
    client.force_login(valuator)
    answer = client.post(url, {"feasibility": "unfeasible", "reason": ""})
    assert answer.status_code == 400 and 'aria-invalid="true"' in answer.content.decode()
    client.post(url, {"feasibility": "unfeasible", "reason": "Not city land"})
    assert "Not city land" in client.get(projects[0].get_absolute_url()).content.decode()


def test_another_jurisdictions_unpublished_budget_is_not_found(client, madrid):
    with scopes_disabled():
        BudgetFactory(jurisdiction=madrid, slug="madrid-2026", is_published=False)
    assert client.get("/madrid/budgets/madrid-2026/").status_code == 404
    assert client.get("/paris/budgets/madrid-2026/").status_code == 404


def test_the_budget_page_pins_its_queries(client, budget, heading, projects, django_assert_num_queries):
    client.get("/paris/budgets/paris-2026/")
    # 7: the projects, then their images in one prefetch, and (while balloting) the booths residents can go to
    with django_assert_num_queries(7) as few:
        assert client.get("/paris/budgets/paris-2026/").status_code == 200
    with scopes_disabled():
        ProjectFactory.create_batch(5, heading=heading)
    with django_assert_num_queries(len(few.captured_queries)):  # more projects, no more queries
        client.get("/paris/budgets/paris-2026/")
