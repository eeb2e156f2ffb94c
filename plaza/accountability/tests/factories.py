"""Factories for accountability's tables, for this app's tests and any other's."""

from datetime import date

import factory

from plaza.accountability.models import (
    ActionPlan,
    Commitment,
    ForumMeeting,
    ForumMember,
    Milestone,
    PlanPartner,
    PlanStatus,
    Result,
    Sector,
)
from plaza.core.tests.factories import JurisdictionFactory, UserFactory


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    slug = factory.Sequence(lambda n: f"plan-{n}")
    title = factory.Sequence(lambda n: f"Action plan {n}")
    period_start = date(2025, 1, 1)
    period_end = date(2027, 12, 31)
    status = PlanStatus.IMPLEMENTATION


class ForumMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ForumMember

    plan = factory.SubFactory(ActionPlanFactory)
    jurisdiction = factory.SelfAttribute("plan.jurisdiction")
    name = factory.Sequence(lambda n: f"Member {n}")
    organisation = factory.Sequence(lambda n: f"Organisation {n}")
    sector = Sector.CIVIL_SOCIETY


class ForumMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ForumMeeting

    plan = factory.SubFactory(ActionPlanFactory)
    jurisdiction = factory.SelfAttribute("plan.jurisdiction")
    title = factory.Sequence(lambda n: f"Roundtable {n}")
    held_on = date(2025, 3, 1)
    place = "City hall"
    attendees = 20


class PlanPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanPartner

    plan = factory.SubFactory(ActionPlanFactory)
    jurisdiction = factory.SelfAttribute("plan.jurisdiction")
    user = factory.SubFactory(UserFactory)
    organisation = "Open Data Watch"


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment
        skip_postgeneration_save = True

    plan = factory.SubFactory(ActionPlanFactory)
    jurisdiction = factory.SelfAttribute("plan.jurisdiction")
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Commitment {n}")
    problem = "Residents cannot find the data."
    description = "Publish the data."
    contribution = "Residents find it."
    ogp_values = factory.LazyFunction(lambda: ["access_to_information"])
    policy_areas = factory.LazyFunction(lambda: ["Open data"])
    lead_institution = "Department of Health"
    start_date = date(2025, 2, 1)
    end_date = date(2026, 12, 31)

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if create:
            from plaza.accountability.operations import set_topics

            set_topics(obj)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone
        skip_postgeneration_save = True

    commitment = factory.SubFactory(CommitmentFactory)
    jurisdiction = factory.SelfAttribute("commitment.jurisdiction")
    position = factory.Sequence(lambda n: n + 1)
    deliverable = factory.Sequence(lambda n: f"Deliverable {n}")
    due_date = date(2026, 6, 30)

    @factory.post_generation
    def figures(obj, create, extracted, **kwargs):
        """The commitment's kept figures count it, as add_milestone does."""
        if create:
            from plaza.accountability.operations import refresh_figures
            from plaza.core.tenancy import jurisdiction_scope

            with jurisdiction_scope(obj.jurisdiction):
                refresh_figures([obj.commitment_id])


class ResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Result

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    external_id = factory.Sequence(lambda n: f"PB-{n:04d}")
    title = factory.Sequence(lambda n: f"Result {n}")
