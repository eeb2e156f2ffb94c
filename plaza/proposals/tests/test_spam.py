"""Spam and fake accounts: new accounts are rate-limited; spam-looking content waits for a moderator."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from plaza.core.models import AuditEntry, Role
from plaza.core.tests.factories import RoleGrantFactory, UserFactory
from plaza.proposals import operations
from plaza.proposals.models import Debate, Proposal
from plaza.proposals.operations import ProposalText
from plaza.proposals.tests.factories import open_component, verified_user

pytestmark = pytest.mark.django_db
LINKS = "See https://a.example https://b.example https://c.example and https://d.example now"


@pytest.fixture
def component(madrid, unscoped):
    return open_component(madrid, actions=["propose", "support", "comment"])


@pytest.fixture
def moderator(madrid):
    user = UserFactory()
    RoleGrantFactory(user=user, jurisdiction=madrid, role=Role.MODERATOR)
    return user


def old_account():
    user = UserFactory()
    user.date_joined = timezone.now() - timedelta(days=30)
    user.save(update_fields=["date_joined"])
    return user


def write(actor, component, n=0, **text):
    values = {"title": f"Benches in square {n}", "summary": "Shade.", "body": f"Benches with shade, number {n}."}
    proposal = operations.create_proposal(actor=actor, component=component, text=ProposalText(**{**values, **text}))
    return operations.publish_proposal(actor=actor, proposal=proposal)


def test_a_new_unverified_account_writes_a_few_a_day_and_is_told_why(component):
    newcomer = UserFactory()
    for n in range(3):
        write(newcomer, component, n)
    with pytest.raises(ValidationError, match="New accounts can write 3"):
        operations.create_proposal(
            actor=newcomer, component=component, text=ProposalText(title="One more", summary="s", body="b")
        )
    with pytest.raises(ValidationError, match="New accounts"):
        operations.start_debate(actor=newcomer, component=component, title="And a debate?", body="b")
    assert Proposal.objects.filter(author=newcomer).count() == 3
    assert not Debate.objects.exists()
    # A verified resident is a person of the census, not a fake account: no daily limit.
    resident = verified_user(component.jurisdiction)
    for n in range(4):
        operations.create_proposal(actor=resident, component=component, text=ProposalText(f"T {n}", "s", f"b {n}"))


@pytest.mark.parametrize(
    "text, reason",
    [
        ({"body": LINKS}, "many links"),
        ({"body": "buy buy buy buy buy buy buy buy buy buy cheap buy buy"}, "repeated text"),
    ],
)
def test_spam_looking_proposals_are_held_not_published(component, moderator, text, reason):
    proposal = write(old_account(), component, **text)
    assert proposal.status == Proposal.Status.HELD and reason in proposal.held_reason
    assert not proposal.is_public_content()
    assert AuditEntry.objects.filter(action="proposal.held").exists()
    operations.release_proposal(actor=moderator, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PUBLISHED and proposal.published_at and not proposal.held_reason
    assert AuditEntry.objects.get(action="proposal.release").is_public


def test_the_same_text_twice_and_a_burst_are_held(component):
    author = old_account()
    first = write(author, component, 1)
    assert first.status == Proposal.Status.PUBLISHED
    copy = write(old_account(), component, 2, body=first.body)
    assert copy.status == Proposal.Status.HELD and "repeated text" in copy.held_reason
    write(author, component, 3)
    write(author, component, 4)
    burst = write(author, component, 5)
    assert burst.status == Proposal.Status.HELD and "many posts in a few minutes" in burst.held_reason


def test_a_held_debate_waits_and_only_moderators_release_it(client, component, moderator):
    author = old_account()
    debate = operations.start_debate(actor=author, component=component, title="Great offer", body=LINKS)
    assert debate.held_reason == "many links"
    index = f"{component.get_absolute_url()}debates/"
    assert "Great offer" not in client.get(index).content.decode()
    assert client.get(debate.get_absolute_url()).status_code == 404
    assert client.get("/api/v1/proposals/madrid/debates").json()["count"] == 0
    with pytest.raises(PermissionDenied):
        operations.release_debate(actor=author, debate=debate)
    client.force_login(moderator)
    queue = client.get(f"{component.get_absolute_url()}moderation/").content.decode()
    assert "Great offer" in queue
    assert client.post(f"{debate.get_absolute_url()}release/").status_code == 302
    client.logout()
    assert "Great offer" in client.get(index).content.decode()


def test_pages_tell_the_author_and_keep_a_held_proposal_from_the_public(client, component, moderator):
    author = old_account()
    proposal = operations.create_proposal(
        actor=author, component=component, text=ProposalText(title="Cheap bikes", summary="s", body=LINKS)
    )
    client.force_login(author)
    response = client.post(f"{proposal.get_absolute_url()}publish/", follow=True)
    assert "A moderator will read it before it is published" in response.content.decode()
    client.logout()
    assert client.get(proposal.get_absolute_url()).status_code == 404
    assert "Cheap bikes" not in client.get(component.get_absolute_url()).content.decode()
    client.force_login(UserFactory())
    assert client.get(f"{component.get_absolute_url()}moderation/").status_code == 403
    client.force_login(moderator)
    assert "Cheap bikes" in client.get(f"{component.get_absolute_url()}moderation/").content.decode()
    assert client.post(f"{proposal.get_absolute_url()}release/").status_code == 302
    client.logout()
    assert client.get(proposal.get_absolute_url()).status_code == 200
