"""Content links: a piece of content sent to the component that decides on it, shown on both pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django_scopes import scopes_disabled

from plaza.core.components import ComponentManifest, LinkTarget, registry
from plaza.core.models import AuditEntry, ContentLink, Follow, Notification
from plaza.core.operations.links import link_content, remove_link, send_to
from plaza.core.queries.links import links_of, send_targets
from plaza.core.tests.factories import ComponentFactory, ProcessFactory, UserFactory
from plaza.pages.models import Page

pytestmark = pytest.mark.django_db


def make_page(*, actor, source, component, note):
    """The receiving component's side: a page in `component` that answers `source`."""
    if note == "fail":
        raise ValidationError({"note": "The receiving component refused."})
    return Page.objects.create(jurisdiction=component.jurisdiction, component=component, body=f"About {source}")


@pytest.fixture(autouse=True)
def deciding_component():
    manifest = ComponentManifest(
        name="deciding-page",
        label="Deciding page",
        link_targets=(LinkTarget(kind="decision", label="a deciding page", create=f"{__name__}:make_page"),),
    )
    registry.register(manifest)
    yield manifest
    registry.unregister(manifest.name)


@pytest.fixture
def proposal_like(paris, unscoped):
    """Any content will do as the source: here a published process."""
    return ProcessFactory(jurisdiction=paris, title="Green schoolyards")


@pytest.fixture
def decider(paris, unscoped):
    return ComponentFactory(process__jurisdiction=paris, manifest_name="deciding-page", title="Binding vote")


def test_send_to_makes_the_target_links_it_audits_and_tells_followers(
    paris, paris_admin, proposal_like, decider, django_capture_on_commit_callbacks
):
    follower = UserFactory()
    with scopes_disabled():
        Follow.objects.create(jurisdiction=paris, user=follower, target=proposal_like)
    with django_capture_on_commit_callbacks(execute=True):
        link = send_to(
            actor=paris_admin, source=proposal_like, component=decider, kind="decision", note="Threshold met"
        )
    with scopes_disabled():
        page = Page.objects.get(component=decider)
        assert link.target == page and link.source == proposal_like and link.note == "Threshold met"
        entry = AuditEntry.objects.get(action="content.link")
        assert entry.is_public
        assert Notification.objects.filter(recipient=follower, event="content.linked").count() == 1


def test_a_refusal_by_the_receiving_component_leaves_nothing(paris_admin, proposal_like, decider):
    with pytest.raises(ValidationError):
        send_to(actor=paris_admin, source=proposal_like, component=decider, kind="decision", note="fail")
    with scopes_disabled():
        assert not Page.objects.exists() and not ContentLink.objects.exists()


def test_only_officials_send_and_only_to_a_component_that_receives(paris, proposal_like, decider, unscoped):
    resident = UserFactory()
    with pytest.raises(PermissionDenied):
        send_to(actor=resident, source=proposal_like, component=decider, kind="decision")
    admin = UserFactory(is_superuser=True)
    plain = ComponentFactory(process__jurisdiction=paris, manifest_name="page")
    with pytest.raises(ValidationError, match="cannot receive"):
        send_to(actor=admin, source=proposal_like, component=plain, kind="decision")
    with pytest.raises(ValidationError, match="Unknown kind"):
        send_to(actor=admin, source=proposal_like, component=decider, kind="friendship")
    assert not ContentLink.objects.exists()


def test_no_link_across_jurisdictions_and_no_duplicate(paris_admin, madrid, proposal_like, unscoped):
    elsewhere = ProcessFactory(jurisdiction=madrid)
    with pytest.raises(ValidationError, match="another jurisdiction"):
        link_content(actor=paris_admin, kind="candidate", source=proposal_like, target=elsewhere)
    other = ProcessFactory(jurisdiction=proposal_like.jurisdiction)
    link_content(actor=paris_admin, kind="candidate", source=proposal_like, target=other)
    with pytest.raises(ValidationError, match="already linked"):
        link_content(actor=paris_admin, kind="candidate", source=proposal_like, target=other)
    with pytest.raises(ValidationError, match="itself"):
        link_content(actor=paris_admin, kind="candidate", source=proposal_like, target=proposal_like)
    assert ContentLink.objects.count() == 1


def test_what_the_public_sees_of_a_link_to_unpublished_content(paris, paris_admin, proposal_like, unscoped):
    draft = ProcessFactory(jurisdiction=paris, is_published=False, title="Draft plan")
    link_content(actor=paris_admin, kind="candidate", source=proposal_like, target=draft)
    assert links_of(proposal_like, user=UserFactory()) == []
    [item] = links_of(proposal_like, user=paris_admin)
    assert item.other == draft
    [back] = links_of(draft, user=paris_admin, direction="to")
    assert back.other == proposal_like
    remove_link(actor=paris_admin, link=item.link)
    assert links_of(proposal_like, user=paris_admin) == []
    assert AuditEntry.objects.filter(action="content.unlink").exists()


def test_send_targets_lists_receiving_components_only(paris, decider, unscoped):
    ComponentFactory(process__jurisdiction=paris, manifest_name="page")
    assert [instance for instance, _target in send_targets(paris, "decision")] == [decider]
    assert send_targets(paris, "result") == []


def test_send_page_for_an_official(client, paris, paris_admin, proposal_like, decider):
    client.force_login(paris_admin)
    url = reverse("core:send_content", kwargs={"jurisdiction": "paris"})
    query = f"?source=core.process&id={proposal_like.pk}&kind=decision"
    page = client.get(url + query)
    assert page.status_code == 200 and "Binding vote" in page.content.decode()
    refused = client.post(url + query, {"component": "999999", "note": ""})
    assert refused.status_code == 400 and "Select a valid choice" in refused.content.decode()
    sent = client.post(url + query, {"component": str(decider.pk), "note": "Over to the voters"})
    assert sent.status_code == 302
    with scopes_disabled():
        assert ContentLink.objects.get().note == "Over to the voters"


def test_send_page_refuses_residents_and_unknown_content(client, paris, proposal_like, decider):
    resident = UserFactory()
    client.force_login(resident)
    url = reverse("core:send_content", kwargs={"jurisdiction": "paris"})
    assert client.get(f"{url}?source=core.process&id={proposal_like.pk}").status_code == 403
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(f"{url}?source=core.process&id=0").status_code == 404
    assert client.get(f"{url}?source=core.user&id=1").status_code == 404


def test_content_links_tag_shows_what_became_of_it(paris, paris_admin, proposal_like, decider):
    send_to(actor=paris_admin, source=proposal_like, component=decider, kind="decision", note="Sent on")
    request = RequestFactory().get("/")
    request.user = paris_admin
    with scopes_disabled():
        html = Template("{% load participation %}{% content_links target %}").render(
            Context({"request": request, "target": proposal_like})
        )
    assert "What became of it" in html and "Decided by" in html and "Sent on" in html
    assert "kind=decision" in html  # the official may send it on again
