"""Residents and organisations submit projects on a page (no JavaScript needed: coordinates are typed)."""

import pytest
from django_scopes import scopes_disabled

from plaza.budgets.models import Budget, Project
from plaza.budgets.tests.factories import BudgetFactory, HeadingFactory
from plaza.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW = "/paris/budgets/paris-2026/projects/new/"


@pytest.fixture
def accepting(budget, heading):
    with scopes_disabled():
        Budget.objects.filter(pk=budget.pk).update(phase=Budget.Phase.ACCEPTING)
    budget.refresh_from_db()
    return budget


def _data(chosen, **changes):
    data = {
        "title": "Shade trees on Rue Oberkampf",
        "description": "Twelve trees for summer shade.",
        "heading": str(chosen.pk),
        "estimated_cost": "45000",
        "organisation": "Friends of the 11th",
        "place": "Rue Oberkampf",
        "location": "48.8655, 2.3780",
        "sdgs": ["11", "13"],
    }
    data.update(changes)
    return data


def test_the_budget_page_links_to_the_submission_page_while_accepting(client, accepting):
    assert NEW in client.get("/paris/budgets/paris-2026/").content.decode()


def test_visitors_are_sent_to_sign_in(client, accepting):
    answer = client.get(NEW)
    assert answer.status_code == 302 and "login" in answer["Location"]


def test_an_organisation_submits_a_located_project(client, accepting, heading):
    user = UserFactory()
    client.force_login(user)
    page = client.get(NEW).content.decode()
    assert 'name="location"' in page and "11th arrondissement" in page
    answer = client.post(NEW, _data(heading))
    assert answer.status_code == 302
    with scopes_disabled():
        project = Project.objects.get()
        assert answer["Location"] == project.get_absolute_url()
        assert (project.title, project.author, project.organisation) == (
            "Shade trees on Rue Oberkampf",
            user,
            "Friends of the 11th",
        )
        assert (project.latitude, project.longitude, project.location) == (48.8655, 2.378, "Rue Oberkampf")
        assert project.sdgs == [11, 13] and project.estimated_cost == 45000
        assert project.feasibility == Project.Feasibility.PENDING


def test_semicolon_coordinates_with_decimal_commas_are_read(client, accepting, heading):
    client.force_login(UserFactory())
    assert client.post(NEW, _data(heading, location="48,8655; 2,3780")).status_code == 302
    with scopes_disabled():
        assert Project.objects.get().latitude == 48.8655


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("location", "200, 2", "latitude is a number between"),
        ("location", "somewhere", "separated by a comma"),
        ("estimated_cost", "0", "greater than or equal to 0.01"),
        ("title", "", "This field is required"),
        ("sdgs", ["18"], "Select a valid choice"),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_written(
    client, accepting, heading, field, value, message
):
    client.force_login(UserFactory())
    answer = client.post(NEW, _data(heading, **{field: value}))
    assert answer.status_code == 400
    page = answer.content.decode()
    assert message in page and 'aria-invalid="true"' in page
    with scopes_disabled():
        assert not Project.objects.exists()


def test_outside_the_accepting_phase_the_page_says_so_and_refuses(client, budget, heading):
    client.force_login(UserFactory())
    assert "does not accept projects now" in client.get(NEW).content.decode()
    answer = client.post(NEW, _data(heading))
    assert answer.status_code == 400 and "Accepting projects" in answer.content.decode()
    with scopes_disabled():
        assert not Project.objects.exists()


def test_a_heading_of_another_budget_is_refused(client, accepting, heading, paris):
    with scopes_disabled():
        other = HeadingFactory(budget=BudgetFactory(jurisdiction=paris, slug="other"))
    client.force_login(UserFactory())
    assert client.post(NEW, _data(heading, heading=str(other.pk))).status_code == 400
    with scopes_disabled():
        assert not Project.objects.exists()


def test_the_project_index_maps_the_located_projects(client, budget, heading, projects):
    with scopes_disabled():
        Project.objects.filter(pk=projects[0].pk).update(latitude=48.8655, longitude=2.378)
    page = client.get("/paris/budgets/paris-2026/").content.decode()
    assert 'id="budget-projects-map"' in page and "(48.8655, 2.3780)" in page
    places = page.split('class="place-list"')[1].split("</ul>")[0]
    assert projects[0].get_absolute_url() in places and "Library" not in places


def test_without_located_projects_there_is_no_map(client, budget, heading, projects):
    assert "budget-projects-map" not in client.get("/paris/budgets/paris-2026/").content.decode()


def test_an_admin_moves_the_phase_on_a_page(client, budget, heading, projects, paris_admin):
    client.force_login(paris_admin)
    assert "/paris/budgets/paris-2026/manage/" in client.get("/paris/budgets/paris-2026/").content.decode()
    answer = client.post("/paris/budgets/paris-2026/manage/", {"phase": "reviewing_ballots"})
    assert answer.status_code == 302
    assert "Reviewing ballots" in client.get(answer["Location"]).content.decode()
    assert client.post("/paris/budgets/paris-2026/manage/", {"phase": "nonsense"}).status_code == 400
    budget.refresh_from_db()
    assert budget.phase == Budget.Phase.REVIEWING_BALLOTS


def test_residents_and_valuators_cannot_move_phases(client, budget, resident, valuator):
    for user in (resident, valuator):
        client.force_login(user)
        assert client.post("/paris/budgets/paris-2026/manage/", {"phase": "finished"}).status_code == 403
    budget.refresh_from_db()
    assert budget.phase == Budget.Phase.BALLOTING


def test_the_valuator_queue_lists_pending_projects_first(client, budget, heading, projects, valuator, resident):
    with scopes_disabled():
        Project.objects.filter(pk__in=[projects[0].pk, projects[2].pk]).update(feasibility="pending")
        Project.objects.filter(pk=projects[1].pk).update(feasibility="feasible")
    client.force_login(resident)
    assert client.get("/paris/budgets/paris-2026/review/").status_code == 403
    client.force_login(valuator)
    page = client.get("/paris/budgets/paris-2026/review/").content.decode()
    pending, reviewed = page.split("<h2>Reviewed</h2>")
    assert "Garden" in pending and "Library" in pending and "Bike lanes" not in pending
    assert "Bike lanes" in reviewed and f"projects/{projects[0].pk}/review/" in pending


def test_a_located_project_page_shows_where_it_is(client, budget, heading, projects):
    with scopes_disabled():
        Project.objects.filter(pk=projects[0].pk).update(latitude=48.8655, longitude=2.378)
    assert "(48.8655, 2.3780)" in client.get(projects[0].get_absolute_url()).content.decode()
    assert "project-map" not in client.get(projects[1].get_absolute_url()).content.decode()
