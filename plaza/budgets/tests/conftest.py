"""Fixtures of the budgets tests: a Paris budget in balloting with one heading, verified residents, a valuator."""

import pytest
from django_scopes import scopes_disabled

from plaza.budgets.tests.factories import BudgetFactory, HeadingFactory, ProjectFactory
from plaza.core.models import Role
from plaza.core.tests.factories import PersonFactory, RoleGrantFactory, UserFactory, VerificationFactory


@pytest.fixture(autouse=True)
def _no_kept_budget():
    """Each test's budgets are new rows under the same addresses: none kept by the lean ballot from another test."""
    from plaza.budgets import queries

    queries._ballot_budgets.clear()
    yield
    queries._ballot_budgets.clear()


@pytest.fixture
def budget(paris):
    with scopes_disabled():
        return BudgetFactory(jurisdiction=paris, slug="paris-2026", title="Paris participatory budget 2026")


@pytest.fixture
def heading(budget):
    with scopes_disabled():
        return HeadingFactory(budget=budget, slug="11e", name="11th arrondissement")


@pytest.fixture
def projects(heading):
    """Three projects: 60k, 40k and 30k in a 100k heading."""
    with scopes_disabled():
        return [
            ProjectFactory(heading=heading, title="Garden", estimated_cost=60000),
            ProjectFactory(heading=heading, title="Bike lanes", estimated_cost=40000),
            ProjectFactory(heading=heading, title="Library", estimated_cost=30000),
        ]


def make_resident(jurisdiction):
    with scopes_disabled():
        person = PersonFactory(jurisdiction=jurisdiction)
        return VerificationFactory(jurisdiction=jurisdiction, person=person, user=UserFactory()).user


@pytest.fixture
def resident(paris):
    return make_resident(paris)


@pytest.fixture
def valuator(paris):
    user = UserFactory()
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=paris, user=user, role=Role.VALUATOR)
    return user
