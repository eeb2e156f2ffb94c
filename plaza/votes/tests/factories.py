"""Factories for the votes app's tables (for its own tests and any app that builds on votes)."""

from datetime import timedelta

import factory
from django.utils import timezone

from plaza.core.tests.factories import BoothFactory as CoreBoothFactory
from plaza.core.tests.factories import JurisdictionFactory
from plaza.votes.models import Option, Question, Votation


class VotationFactory(factory.django.DjangoModelFactory):
    """An open, secret, online-and-booth votation with one yes/no/abstain question (`with_question=False` for none)."""

    class Meta:
        model = Votation
        skip_postgeneration_save = True

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    slug = factory.Sequence(lambda n: f"votation-{n}")
    title = factory.Sequence(lambda n: f"Votation {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    online = True
    booth = True
    is_secret = True

    @factory.post_generation
    def with_question(self, create, extracted, **kwargs):
        if create and extracted is not False:
            question = QuestionFactory(votation=self, position=1, kind=Question.Kind.YES_NO, text="Do you approve?")
            for position, key in enumerate(("yes", "no", "abstain"), start=1):
                OptionFactory(question=question, position=position, key=key, label=key.capitalize())


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    votation = factory.SubFactory(VotationFactory)
    jurisdiction = factory.SelfAttribute("votation.jurisdiction")
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Question {n}?")
    kind = Question.Kind.SINGLE


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Option

    question = factory.SubFactory(QuestionFactory)
    jurisdiction = factory.SelfAttribute("question.jurisdiction")
    position = factory.Sequence(lambda n: n + 1)
    key = factory.LazyAttribute(lambda o: f"o{o.position}")
    label = factory.Sequence(lambda n: f"Option {n}")


class BoothFactory(CoreBoothFactory):
    """One of a votation's booths: core's booth, keyed by the votation's election key."""

    class Params:
        votation = factory.SubFactory(VotationFactory)

    jurisdiction = factory.SelfAttribute("votation.jurisdiction")
    election_key = factory.SelfAttribute("votation.election_key")
