"""Winners become tracked results through core's generic link (kind "result"), whoever receives them."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from plaza.budgets import operations
from plaza.budgets.models import Budget
from plaza.budgets.tests.conftest import make_resident
from plaza.core.components import ComponentManifest, LinkTarget, registry
from plaza.core.models import ContentLink
from plaza.core.queries.links import links_of
from plaza.core.tests.factories import ComponentFactory, ProcessFactory

pytestmark = pytest.mark.django_db


def make_result(*, actor, source, component, note):
    """The receiving side (the accountability app, in production): a process standing for a tracked result."""
    return ProcessFactory(jurisdiction=component.jurisdiction, title=f"Result: {source}")


@pytest.fixture
def results_component(paris):
    manifest = ComponentManifest(
        name="tracked-results",
        label="Tracked results",
        link_targets=(LinkTarget(kind="result", label="a tracked result", create=f"{__name__}:make_result"),),
    )
    registry.register(manifest)
    with scopes_disabled():
        component = ComponentFactory(process__jurisdiction=paris, manifest_name="tracked-results", title="Results")
    yield component
    registry.unregister(manifest.name)


def test_each_winner_is_sent_once_to_the_results_component(
    paris, paris_admin, budget, heading, projects, results_component
):
    for picks in ([0], [0], [1]):
        operations.cast_ballot(
            actor=make_resident(paris), budget=budget, heading=heading, choices={projects[i].pk: 1 for i in picks}
        )
    with pytest.raises(ValidationError):  # not before the budget is finished
        operations.track_winners(actor=paris_admin, budget=budget, component=results_component)
    operations.set_phase(actor=paris_admin, budget=budget, phase=Budget.Phase.FINISHED)
    assert operations.track_winners(actor=paris_admin, budget=budget, component=results_component) == 2
    with scopes_disabled():
        links = ContentLink.objects.filter(kind="result")
        assert sorted(link.source.title for link in links) == ["Bike lanes", "Garden"]
        assert sorted(link.target.title for link in links) == ["Result: Bike lanes", "Result: Garden"]
        assert links_of(projects[0])
    assert operations.track_winners(actor=paris_admin, budget=budget, component=results_component) == 0
