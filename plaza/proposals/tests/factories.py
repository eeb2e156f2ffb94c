"""Factories for the proposals component, for its tests and any other app's."""

from datetime import timedelta

import factory
from django.utils import timezone

from plaza.core.search import fold
from plaza.core.tests.factories import (
    ComponentFactory,
    ComponentStepFactory,
    PhaseFactory,
    UserFactory,
    VerificationFactory,
)
from plaza.proposals.component import manifest
from plaza.proposals.models import Debate, Proposal
from plaza.proposals.operations import hot_score

OPEN_ACTIONS = ["propose", "support", "comment"]


class ProposalsComponentFactory(ComponentFactory):
    manifest_name = "proposals"
    slug = factory.Sequence(lambda n: f"proposals-{n}")
    settings = factory.LazyFunction(lambda: {**manifest.default_settings, "threshold_value": 3})


def open_component(jurisdiction, actions=OPEN_ACTIONS, **settings):
    """A proposals component in a published process whose current phase allows `actions`."""
    component = ProposalsComponentFactory(process__jurisdiction=jurisdiction)
    component.settings.update(settings)
    component.save()
    phase = PhaseFactory(process=component.process)
    ComponentStepFactory(phase=phase, component=component, actions=list(actions))
    return component


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    component = factory.SubFactory(ProposalsComponentFactory)
    jurisdiction = factory.SelfAttribute("component.jurisdiction")
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Proposal number {n}")
    folded_title = factory.LazyAttribute(lambda o: f" {fold(o.title)} ")
    summary = "A short summary."
    body = "The **whole** proposal."
    status = Proposal.Status.PUBLISHED
    support_count = 0
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    hot_score = factory.LazyAttribute(lambda o: hot_score(o.support_count, o.published_at))


class DebateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Debate

    component = factory.SubFactory(ProposalsComponentFactory)
    jurisdiction = factory.SelfAttribute("component.jurisdiction")
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Should we talk about {n}?")
    body = "Let us talk."


def verified_user(jurisdiction, person=None):
    """An account verified as `person` (a new person if none) in the jurisdiction."""
    kwargs = {"person": person} if person is not None else {}
    return VerificationFactory(jurisdiction=jurisdiction, **kwargs).user
