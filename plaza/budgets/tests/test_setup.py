"""Admins set up a budget and its headings (operations, pages): money must fit the total; refusals write nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scopes_disabled

from plaza.budgets import operations
from plaza.budgets.models import Budget, Heading
from plaza.budgets.tests.factories import HeadingFactory, ProjectFactory
from plaza.core.models import AuditEntry, Role
from plaza.core.tests.factories import ComponentFactory, RoleGrantFactory, UserFactory

pytestmark = pytest.mark.django_db


def audit(action):
    with scopes_disabled():
        return AuditEntry.objects.filter(action=action).count()


def test_create_refuses_headings_over_the_total_and_writes_nothing(paris, paris_admin):
    with pytest.raises(ValidationError) as refused:
        operations.create_budget(
            actor=paris_admin,
            jurisdiction=paris,
            title="Budget 2027",
            amount="1000000",
            headings=[("City-wide", 800000), ("11e", 300000)],
        )
    assert "add up to €1,100,000" in refused.value.message_dict["headings"][0]
    with pytest.raises(ValidationError) as bad:
        operations.create_budget(
            actor=paris_admin, jurisdiction=paris, title="", currency="euro", ballot_kind="lottery", rule="dice",
            max_choices=0, headings=[("All", 1)],
        )  # fmt: skip
    assert set(bad.value.message_dict) == {"title", "currency", "ballot_kind", "rule", "max_choices"}
    with scopes_disabled():
        assert not Budget.objects.exists() and not Heading.objects.exists()
    budget = operations.create_budget(
        actor=paris_admin, jurisdiction=paris, title="Budget 2027", amount="1000000", headings=[("City-wide", 900000)]
    )
    assert budget.total == Decimal("1000000.00")
    with pytest.raises(ValidationError, match="address"):
        operations.create_budget(actor=paris_admin, jurisdiction=paris, title="Budget 2027", headings=[("A", 1)])
    with pytest.raises(ValidationError, match="address"):
        operations.create_budget(actor=paris_admin, jurisdiction=paris, title="New", slug="new", headings=[("A", 1)])


def test_update_keeps_the_money_consistent(paris_admin, budget, heading, resident):
    budget.phase = Budget.Phase.ACCEPTING
    budget.save()
    with pytest.raises(PermissionDenied):
        operations.update_budget(actor=resident, budget=budget, title="Mine")
    with pytest.raises(ValidationError, match="add up to €100,000"):
        operations.update_budget(actor=paris_admin, budget=budget, amount="50000")
    operations.update_budget(
        actor=paris_admin, budget=budget, amount="250000", currency="usd", rule="mes", max_points=20, title="PB 2026"
    )
    budget.refresh_from_db()
    assert (budget.amount, budget.currency, budget.rule, budget.max_points, budget.title) == (
        Decimal("250000.00"), "USD", "mes", 20, "PB 2026",
    )  # fmt: skip
    assert audit("budgets.update") == 1
    budget.phase = Budget.Phase.BALLOTING
    budget.save()
    with pytest.raises(ValidationError, match="fixed once balloting"):
        operations.update_budget(actor=paris_admin, budget=budget, amount="300000")


def test_headings_are_added_changed_and_removed_within_the_total(paris_admin, budget, heading):
    budget.phase, budget.amount = Budget.Phase.ACCEPTING, Decimal("150000")
    budget.save()
    with pytest.raises(ValidationError) as over:
        operations.add_heading(actor=paris_admin, budget=budget, name="12th arrondissement", amount="60000")
    assert "€160,000" in over.value.message_dict["amount"][0] and "€150,000" in over.value.message_dict["amount"][0]
    with pytest.raises(ValidationError) as twice:
        operations.add_heading(actor=paris_admin, budget=budget, name="11th arrondissement", amount="1")
    assert "name" in twice.value.message_dict
    added = operations.add_heading(actor=paris_admin, budget=budget, name="12th arrondissement", amount="50000")
    assert (added.slug, added.position) == ("12th-arrondissement", heading.position + 1)
    with pytest.raises(ValidationError, match="add up to"):
        operations.update_heading(actor=paris_admin, heading=added, name="12e", amount="50000.01")
    operations.update_heading(actor=paris_admin, heading=added, name="12e", amount="40000")
    added.refresh_from_db()
    assert (added.name, added.amount, added.slug) == ("12e", Decimal("40000.00"), "12th-arrondissement")
    with scopes_disabled():
        ProjectFactory(heading=heading)
    with pytest.raises(ValidationError, match="has projects"):
        operations.remove_heading(actor=paris_admin, heading=heading)
    operations.remove_heading(actor=paris_admin, heading=added)
    with scopes_disabled():
        assert list(Heading.objects.values_list("name", flat=True)) == ["11th arrondissement"]
    assert [audit(a) for a in ("budgets.heading_add", "budgets.heading_update", "budgets.heading_remove")] == [1, 1, 1]


def test_headings_are_fixed_once_balloting_opens(paris_admin, budget, heading):
    with pytest.raises(ValidationError, match="fixed once balloting"):
        operations.add_heading(actor=paris_admin, budget=budget, name="12e", amount="1000")
    with pytest.raises(ValidationError, match="fixed once balloting"):
        operations.remove_heading(actor=paris_admin, heading=heading)


def test_an_admin_of_the_budgets_process_may_set_it_up_but_not_another_process_admin(paris, budget, heading):
    with scopes_disabled():
        component = ComponentFactory(process__jurisdiction=paris, manifest_name="budgets")
        Budget.objects.filter(pk=budget.pk).update(component=component, phase=Budget.Phase.ACCEPTING)
        process_admin, other_admin = UserFactory(), UserFactory()
        RoleGrantFactory(jurisdiction=paris, user=process_admin, role=Role.ADMIN, process=component.process)
        RoleGrantFactory(
            jurisdiction=paris,
            user=other_admin,
            role=Role.ADMIN,
            process=ComponentFactory(process__jurisdiction=paris).process,
        )
    budget.refresh_from_db()
    operations.add_heading(actor=process_admin, budget=budget, name="12e", amount="1000")
    with pytest.raises(PermissionDenied):
        operations.add_heading(actor=other_admin, budget=budget, name="13e", amount="1000")


# --- Pages ------------------------------------------------------------------------------------


def test_admin_creates_a_budget_from_the_page(client, paris_admin):
    client.force_login(paris_admin)
    assert "Set up a participatory budget" in client.get("/paris/budgets/").content.decode()
    form = {
        "title": "Budget 2027",
        "amount": "1000000",
        "currency": "EUR",
        "ballot_kind": "knapsack",
        "rule": "mes-complete",
        "supports_per_heading": "10",
        "max_choices": "3",
        "max_points": "10",
        "is_published": "on",
        "headings": "City-wide: 700000\n11th arrondissement 300000",
    }
    refused = client.post("/paris/budgets/new/", form)
    assert refused.status_code == 400 and "Line 2: write the name" in refused.content.decode()
    over = client.post("/paris/budgets/new/", form | {"headings": "City-wide: 700000\n11e: 400000"})
    assert over.status_code == 400 and "add up to €1,100,000" in over.content.decode()
    with scopes_disabled():
        assert not Budget.objects.exists()
    created = client.post("/paris/budgets/new/", form | {"headings": "City-wide: 700000\n11e: 300000"})
    assert created.status_code == 302 and created["Location"] == "/paris/budgets/budget-2027/headings/"
    page = client.get(created["Location"]).content.decode()
    assert "€1,000,000 of the budget" in page and "€700,000" in page


def test_residents_cannot_reach_the_setup_pages(client, resident, budget, heading):
    client.force_login(resident)
    for url in ("/paris/budgets/new/", "/paris/budgets/paris-2026/settings/", "/paris/budgets/paris-2026/headings/"):
        assert client.get(url).status_code == 403
    assert client.post("/paris/budgets/paris-2026/headings/11e/", {"remove": "1"}).status_code == 403


def test_settings_page_shows_refusals_next_to_the_field(client, paris_admin, budget, heading):
    client.force_login(paris_admin)
    url = "/paris/budgets/paris-2026/settings/"
    page = client.get(url).content.decode()
    assert 'value="Paris participatory budget 2026"' in page and 'name="slug"' not in page
    form = {
        "title": budget.title, "amount": "90000", "currency": "EUR", "ballot_kind": "knapsack", "rule": "greedy",
        "supports_per_heading": "10", "max_choices": "3", "max_points": "10", "is_published": "on",
    }  # fmt: skip
    budget.phase = Budget.Phase.ACCEPTING
    budget.save()
    refused = client.post(url, form)
    assert refused.status_code == 400 and 'aria-invalid="true"' in refused.content.decode()
    assert "add up to €100,000" in refused.content.decode()
    saved = client.post(url, form | {"amount": "200000", "rule": "mes"})
    assert saved.status_code == 302
    budget.refresh_from_db()
    assert (budget.amount, budget.rule) == (Decimal("200000.00"), "mes")


def test_heading_pages_add_change_and_refuse_removing_one_with_projects(client, paris_admin, budget, heading):
    budget.phase = Budget.Phase.ACCEPTING
    budget.save()
    with scopes_disabled():
        ProjectFactory(heading=heading)
    client.force_login(paris_admin)
    added = client.post("/paris/budgets/paris-2026/headings/", {"name": "12e", "amount": "25000"})
    assert added.status_code == 302
    bad = client.post("/paris/budgets/paris-2026/headings/", {"name": "", "amount": "-1"})
    assert bad.status_code == 400
    changed = client.post("/paris/budgets/paris-2026/headings/12e/", {"save": "1", "name": "12th", "amount": "30000"})
    assert changed.status_code == 302
    refused = client.post("/paris/budgets/paris-2026/headings/11e/", {"remove": "1"})
    assert refused.status_code == 400 and "has projects" in refused.content.decode()
    removed = client.post("/paris/budgets/paris-2026/headings/12e/", {"remove": "1"})
    assert removed["Location"].endswith("?removed=1")
    with scopes_disabled():
        assert list(Heading.objects.values_list("name", flat=True)) == ["11th arrondissement"]


def test_the_headings_page_pins_its_queries(client, paris_admin, budget, heading, django_assert_num_queries):
    client.force_login(paris_admin)
    client.get("/paris/budgets/paris-2026/headings/")
    with django_assert_num_queries(10) as few:
        assert client.get("/paris/budgets/paris-2026/headings/").status_code == 200
    with scopes_disabled():
        HeadingFactory.create_batch(4, budget=budget)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/paris/budgets/paris-2026/headings/")
