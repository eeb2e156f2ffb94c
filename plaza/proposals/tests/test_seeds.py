"""Demo data: Madrid's proposals at every stage, Paris's climate-plan proposals answered in a synthesis."""

import pytest

from plaza.core.tests.factories import VerificationFactory
from plaza.proposals.models import Proposal, Synthesis, SynthesisEntry
from plaza.proposals.seeds import seed
from plaza.proposals.tests.factories import open_component

pytestmark = pytest.mark.django_db


def test_madrid_has_proposals_at_every_stage(madrid, unscoped):
    VerificationFactory(jurisdiction=madrid)
    component = open_component(madrid)
    seed(madrid, component.process, component)
    seed(madrid, component.process, component)  # idempotent
    statuses = set(Proposal.objects.filter(component=component).values_list("status", flat=True))
    assert statuses == set(Proposal.Status.values)
    merged = Proposal.objects.get(component=component, status=Proposal.Status.MERGED)
    assert merged.merged_into.title.startswith("Más carriles bici")


def test_paris_climate_plan_has_expert_proposals_and_a_synthesis(client, paris, unscoped):
    component = open_component(paris)
    seed(paris, component.process, component)
    seed(paris, component.process, component)
    synthesis = Synthesis.objects.get(component=component)
    assert synthesis.groups.count() == 4
    assert (
        SynthesisEntry.objects.filter(synthesis=synthesis).count()
        == Proposal.objects.filter(component=component).count()
    )
    assert Proposal.objects.filter(component=component, is_expert=True).count() == 2
    page = client.get(synthesis.get_absolute_url())
    assert page.status_code == 200 and "Adapter la ville à la chaleur" in page.content.decode()
