"""A moderator merges duplicates: supports move to the proposal kept, still one per person."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from plaza.core.models import AuditEntry, Follow, Notification, Role
from plaza.core.tests.factories import RoleGrantFactory, UserFactory, VerificationFactory
from plaza.proposals import operations
from plaza.proposals.models import Proposal, Support
from plaza.proposals.tests.factories import ProposalFactory, open_component, verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(madrid):
    user = UserFactory()
    RoleGrantFactory(user=user, jurisdiction=madrid, role=Role.MODERATOR)
    return user


def supporters(madrid, proposal, n):
    accounts = [verified_user(madrid) for _ in range(n)]
    for account in accounts:
        operations.support_proposal(actor=account, proposal=proposal)
    return accounts


def test_supports_move_and_a_person_who_supported_both_counts_once(
    madrid, component, moderator, django_capture_on_commit_callbacks
):
    component.settings["threshold_value"] = 5
    component.save()
    kept = ProposalFactory(component=component, title="Bike lanes on the Castellana")
    duplicate = ProposalFactory(component=component, title="Bike lanes in the Castellana")
    both = supporters(madrid, kept, 2)
    for account in both:
        operations.support_proposal(actor=account, proposal=duplicate)
    supporters(madrid, duplicate, 3)
    follower = UserFactory()
    Follow.objects.create(jurisdiction=madrid, user=follower, target=duplicate)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = operations.merge_proposals(actor=moderator, duplicate=duplicate, kept=kept, reason="Same street")
    assert (outcome.supports_moved, outcome.supports_shared) == (3, 2)
    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert kept.support_count == 5 == Support.objects.filter(proposal=kept).count()
    assert kept.status == Proposal.Status.THRESHOLD_REACHED  # the merged supports reach the threshold
    assert duplicate.status == Proposal.Status.MERGED and duplicate.merged_into == kept
    assert duplicate.support_count == 0 and not Support.objects.filter(proposal=duplicate).exists()
    kept_type = ContentType.objects.get_for_model(Proposal)
    assert Follow.objects.filter(user=follower, content_type=kept_type, object_id=kept.pk).exists()
    entry = AuditEntry.objects.get(action="proposal.merge")
    assert entry.is_public and entry.data == {"into": kept.pk, "supports_moved": 3, "supports_shared": 2}
    assert Notification.objects.filter(recipient=follower, event="proposal.merged").exists()
    # A supporter of the duplicate finds their support on the kept proposal: a second one is refused.
    with pytest.raises(ValidationError, match="already supported"):
        operations.support_proposal(actor=both[0], proposal=kept)
    with pytest.raises(ValidationError, match="does not take supports"):
        operations.support_proposal(actor=verified_user(madrid), proposal=duplicate)


def test_the_database_refuses_two_supports_of_one_person_on_the_kept_proposal(madrid, component):
    kept = ProposalFactory(component=component)
    person = VerificationFactory(jurisdiction=madrid).person
    Support.objects.create(jurisdiction=madrid, component=component, proposal=kept, person=person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.create(jurisdiction=madrid, component=component, proposal=kept, person=person)


def test_only_moderators_merge_and_only_within_one_process(madrid, component, moderator):
    kept = ProposalFactory(component=component)
    duplicate = ProposalFactory(component=component)
    with pytest.raises(PermissionDenied):
        operations.merge_proposals(actor=UserFactory(), duplicate=duplicate, kept=kept)
    with pytest.raises(ValidationError, match="itself"):
        operations.merge_proposals(actor=moderator, duplicate=duplicate, kept=duplicate)
    elsewhere = ProposalFactory(component=open_component(madrid))
    with pytest.raises(ValidationError, match="same process"):
        operations.merge_proposals(actor=moderator, duplicate=duplicate, kept=elsewhere)
    hidden = ProposalFactory(component=component, status=Proposal.Status.HIDDEN, hidden_reason="Spam")
    with pytest.raises(ValidationError, match="must be open"):
        operations.merge_proposals(actor=moderator, duplicate=duplicate, kept=hidden)
    assert Proposal.objects.filter(status=Proposal.Status.MERGED).count() == 0
    assert not AuditEntry.objects.filter(action="proposal.merge").exists()


def test_the_merge_page_suggests_similar_proposals_and_links_both_ways(client, madrid, component, moderator):
    kept = ProposalFactory(component=component, title="Fountains in the parks")
    duplicate = ProposalFactory(component=component, title="More fountains in parks")
    supporters(madrid, duplicate, 1)
    client.force_login(moderator)
    url = f"{duplicate.get_absolute_url()}merge/"
    form = client.get(url).content.decode()
    assert f"No. {kept.pk}" in form and "Fountains in the parks" in form
    refused = client.post(url, {"into": "999999"})
    assert refused.status_code == 400 and "No proposal of this process has this number" in refused.content.decode()
    assert client.post(url, {"into": str(kept.pk), "reason": "Same idea"}).status_code == 302
    client.logout()
    merged = client.get(duplicate.get_absolute_url()).content.decode()
    assert "merged this proposal into" in merged and kept.get_absolute_url() in merged
    page = client.get(kept.get_absolute_url()).content.decode()
    assert "Proposals merged into this one" in page and duplicate.get_absolute_url() in page
    assert client.get(f"/api/v1/proposals/madrid/proposals/{duplicate.pk}").json()["merged_into"] == kept.pk


def test_residents_cannot_reach_the_merge_page(client, component):
    duplicate = ProposalFactory(component=component)
    client.force_login(UserFactory())
    assert client.get(f"{duplicate.get_absolute_url()}merge/").status_code == 403
