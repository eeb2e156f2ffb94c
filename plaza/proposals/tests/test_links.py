"""A proposal that reached its threshold is sent on to a decision; its page shows what became of it.

The votations component adds the real receiving side; here a test manifest stands in for it, as in
plaza/core/tests/test_links.py.
"""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from plaza.core.components import ComponentManifest, LinkTarget, registry
from plaza.core.models import AuditEntry, ContentLink, Follow, Notification
from plaza.core.operations.links import send_to
from plaza.core.tests.factories import ComponentFactory, UserFactory
from plaza.pages.models import Page
from plaza.proposals.models import Proposal
from plaza.proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


def make_votation(*, actor, source, component, note):
    """The receiving component's side: a page standing for a binding votation on `source`."""
    return Page.objects.create(jurisdiction=component.jurisdiction, component=component, body=f"Vote on {source}")


@pytest.fixture(autouse=True)
def votation_component():
    manifest = ComponentManifest(
        name="test-votation",
        label="Test votation",
        link_targets=(LinkTarget(kind="decision", label="a binding votation", create=f"{__name__}:make_votation"),),
    )
    registry.register(manifest)
    yield manifest
    registry.unregister(manifest.name)


@pytest.fixture
def votation(component):
    return ComponentFactory(process=component.process, manifest_name="test-votation", title="Binding vote on bikes")


@pytest.fixture
def reached(component):
    return ProposalFactory(
        component=component,
        title="Bike lanes everywhere",
        status=Proposal.Status.THRESHOLD_REACHED,
        support_count=3,
        threshold_reached_at="2026-01-01T00:00Z",
    )


def test_an_admin_sees_where_to_send_a_proposal_and_residents_do_not(client, madrid_admin, reached, votation):
    client.force_login(madrid_admin)
    page = client.get(reached.get_absolute_url()).content.decode()
    send = reverse("core:send_content", kwargs={"jurisdiction": "madrid"})
    assert f"{send}?source=proposals.proposal&amp;id={reached.pk}&amp;kind=decision" in page
    client.force_login(UserFactory())
    assert "kind=decision" not in client.get(reached.get_absolute_url()).content.decode()


def test_sending_through_the_core_page_shows_what_became_of_it(
    client, madrid_admin, reached, votation, django_capture_on_commit_callbacks
):
    follower = UserFactory()
    with scopes_disabled():
        Follow.objects.create(jurisdiction=reached.jurisdiction, user=follower, target=reached)
    client.force_login(madrid_admin)
    url = reverse("core:send_content", kwargs={"jurisdiction": "madrid"})
    query = f"?source=proposals.proposal&id={reached.pk}&kind=decision"
    assert "Binding vote on bikes" in client.get(url + query).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url + query, {"component": str(votation.pk), "note": "To the ballot in June"})
    assert sent.status_code == 302
    # The stand-in target (a core page) is private content, so its link shows to officials only.
    page = client.get(reached.get_absolute_url()).content.decode()
    assert "What became of it" in page and "To the ballot in June" in page and "Binding vote on bikes" in page
    with scopes_disabled():
        link = ContentLink.objects.get()
        assert link.source == reached and link.target == Page.objects.get(component=votation)
        assert AuditEntry.objects.filter(action="content.link", is_public=True).exists()
        assert Notification.objects.filter(recipient=follower, event="content.linked").count() == 1


def test_only_officials_send_a_proposal(madrid, reached, votation, unscoped):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        send_to(actor=UserFactory(), source=reached, component=votation, kind="decision")
    assert not ContentLink.objects.exists() and not Notification.objects.exists()
