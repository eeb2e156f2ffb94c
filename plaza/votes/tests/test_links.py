"""A proposal sent to a binding vote: core's "decision" link makes a draft votation here."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled

from plaza.core.models import ContentLink, Role
from plaza.core.operations.links import send_to
from plaza.core.queries.links import send_targets
from plaza.core.tests.factories import ComponentFactory, RoleGrantFactory, UserFactory
from plaza.proposals.tests.factories import ProposalFactory
from plaza.votes.models import Votation
from plaza.votes.operations import cast_online, update_votation

pytestmark = pytest.mark.django_db


@pytest.fixture
def votes_component(paris):
    with scopes_disabled():
        return ComponentFactory(process__jurisdiction=paris, manifest_name="votes", title="Binding votes")


@pytest.fixture
def proposal(paris):
    with scopes_disabled():
        return ProposalFactory(component__process__jurisdiction=paris, title="Trees on every schoolyard")


def test_the_votes_component_receives_decisions(paris, votes_component):
    with scopes_disabled():
        targets = send_targets(paris, "decision")
    assert [(c.pk, str(t.label)) for c, t in targets if c.manifest_name == "votes"] == [
        (votes_component.pk, "a binding votation")
    ]


def test_sending_a_proposal_makes_a_linked_draft_votation(paris, paris_admin, proposal, votes_component):
    link = send_to(actor=paris_admin, source=proposal, component=votes_component, kind="decision", note="Threshold met")
    with scopes_disabled():
        votation = Votation.objects.get()
        question = votation.questions.get()
        assert link.target == votation and link.source == proposal
        assert votation.component == votes_component and not votation.is_published
        assert votation.title == "Trees on every schoolyard" and votation.slug == "trees-on-every-schoolyard"
        assert question.kind == "yes_no" and "Trees on every schoolyard" in question.text
        assert [o.key for o in question.options.all()] == ["yes", "no", "abstain"]
        assert votation.opens_at > votation.created_at


def test_a_draft_takes_no_votes_until_an_admin_sets_it_up_and_publishes_it(
    paris, paris_admin, proposal, votes_component, voter
):
    from datetime import timedelta

    from django.utils import timezone

    send_to(actor=paris_admin, source=proposal, component=votes_component, kind="decision")
    with scopes_disabled():
        votation = Votation.objects.get()
    update_votation(actor=paris_admin, votation=votation, opens_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(ValidationError, match="not open yet"):
        cast_online(actor=voter, votation=votation, answers={"q1": ["yes"]})
    # Still a draft: its rules may change although its opening time has passed.
    update_votation(actor=paris_admin, votation=votation, min_age=16, is_published=True)
    assert cast_online(actor=voter, votation=votation, answers={"q1": ["yes"]}).code
    with pytest.raises(ValidationError, match="has opened"):
        update_votation(actor=paris_admin, votation=votation, min_age=18)


def test_two_proposals_with_the_same_title_get_two_addresses(paris, paris_admin, votes_component):
    with scopes_disabled():
        first, second = ProposalFactory.create_batch(2, component__process__jurisdiction=paris, title="Same")
    send_to(actor=paris_admin, source=first, component=votes_component, kind="decision")
    send_to(actor=paris_admin, source=second, component=votes_component, kind="decision")
    with scopes_disabled():
        assert sorted(Votation.objects.values_list("slug", flat=True)) == ["same", "same-2"]


def test_an_official_may_send_but_a_resident_may_not(paris, proposal, votes_component):
    official = UserFactory()
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=paris, user=official, role=Role.OFFICIAL)
    send_to(actor=official, source=proposal, component=votes_component, kind="decision")
    with pytest.raises(PermissionDenied):
        send_to(actor=UserFactory(), source=proposal, component=votes_component, kind="decision")
    with scopes_disabled():
        assert Votation.objects.count() == 1 and ContentLink.objects.count() == 1


def test_the_votation_page_says_where_it_comes_from(client, paris, paris_admin, proposal, votes_component):
    send_to(actor=paris_admin, source=proposal, component=votes_component, kind="decision", note="Threshold met")
    with scopes_disabled():
        votation = Votation.objects.get()
        update_votation(actor=paris_admin, votation=votation, is_published=True)
    page = client.get(reverse("votes:votation", kwargs={"jurisdiction": "paris", "votation": votation.slug}))
    html = page.content.decode()
    assert "Comes from" in html and proposal.get_absolute_url() in html and "Threshold met" in html


def test_the_admin_publishes_a_draft_through_the_edit_page(client, paris, paris_admin, proposal, votes_component):
    send_to(actor=paris_admin, source=proposal, component=votes_component, kind="decision")
    with scopes_disabled():
        votation = Votation.objects.get()
    client.force_login(paris_admin)
    url = reverse("votes:edit", kwargs={"jurisdiction": "paris", "votation": votation.slug})
    form = client.get(url)
    assert form.status_code == 200 and "A draft is seen by admins only" in form.content.decode()
    data = {
        "title": votation.title,
        "opens_at": "2030-01-01T09:00",
        "closes_at": "2030-01-15T20:00",
        "online": "on",
        "is_secret": "on",
        "is_published": "on",
        "questions-TOTAL_FORMS": "1",
        "questions-INITIAL_FORMS": "0",
        "questions-0-text": "Approve the trees?",
        "questions-0-kind": "yes_no",
        "questions-0-min_choices": "1",
        "questions-0-max_choices": "1",
    }
    assert client.post(url, data).status_code == 302
    with scopes_disabled():
        votation.refresh_from_db()
        assert votation.is_published and votation.opens_at.year == 2030
        assert votation.questions.get().text == "Approve the trees?"
