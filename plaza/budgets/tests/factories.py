"""Factories for the budgets app's tables (for its own tests and any app that builds on budgets)."""

from decimal import Decimal

import factory

from plaza.budgets.models import Budget, Heading, Project
from plaza.core.tests.factories import BoothFactory as CoreBoothFactory
from plaza.core.tests.factories import JurisdictionFactory


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budget

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    slug = factory.Sequence(lambda n: f"budget-{n}")
    title = factory.Sequence(lambda n: f"Budget {n}")
    phase = Budget.Phase.BALLOTING


class HeadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Heading

    budget = factory.SubFactory(BudgetFactory)
    jurisdiction = factory.SelfAttribute("budget.jurisdiction")
    slug = factory.Sequence(lambda n: f"heading-{n}")
    name = factory.Sequence(lambda n: f"District {n}")
    amount = Decimal("100000")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    heading = factory.SubFactory(HeadingFactory)
    budget = factory.SelfAttribute("heading.budget")
    jurisdiction = factory.SelfAttribute("heading.jurisdiction")
    title = factory.Sequence(lambda n: f"Project {n}")
    description = "A project for the neighbourhood."
    estimated_cost = Decimal("40000")
    feasibility = Project.Feasibility.FEASIBLE


class BoothFactory(CoreBoothFactory):
    """One of a budget's polling booths: core's booth, keyed by the budget's election key."""

    class Params:
        budget = factory.SubFactory(BudgetFactory)

    jurisdiction = factory.SelfAttribute("budget.jurisdiction")
    election_key = factory.SelfAttribute("budget.election_key")
