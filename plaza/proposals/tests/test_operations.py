"""Operations: writing, publishing, supporting once per person, the threshold, moderation, debates."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plaza.core.models import AuditEntry, CensusRecord, Notification, Role, SDGTag
from plaza.core.tests.factories import CensusRecordFactory, RoleGrantFactory, UserFactory, VerificationFactory
from plaza.proposals import operations
from plaza.proposals.models import DebateVote, Proposal, Support
from plaza.proposals.operations import ProposalText
from plaza.proposals.queries import support_threshold
from plaza.proposals.tests.factories import DebateFactory, ProposalFactory, open_component, verified_user

pytestmark = pytest.mark.django_db


def text(**overrides) -> ProposalText:
    values = {"title": "Shade trees in school yards", "summary": "Trees.", "body": "Plant *trees*."}
    return ProposalText(**{**values, **overrides})


def test_an_author_writes_a_draft_then_publishes_it(component):
    author = UserFactory()
    proposal = operations.create_proposal(
        actor=author,
        component=component,
        text=text(
            category="Environment",
            tags=["Trees", "trees", " shade "],
            sdg_goals=[13, 3],
            video_url="https://v.example/1",
        ),
    )
    assert proposal.status == Proposal.Status.DRAFT and not proposal.is_published
    assert sorted(t.name for t in proposal.tags.all()) == ["shade", "trees"]
    assert sorted(SDGTag.objects.filter(object_id=proposal.pk).values_list("goal__number", flat=True)) == [3, 13]
    operations.publish_proposal(actor=author, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PUBLISHED and proposal.published_at is not None
    assert AuditEntry.objects.filter(action="proposal.publish", target_id=str(proposal.pk), is_public=True).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"body": "x" * 20_001}, "body"),
        ({"video_url": "javascript:alert(1)"}, "video_url"),
        ({"latitude": 40.4}, "latitude"),
        ({"latitude": 95.0, "longitude": 0.0}, "latitude"),
        ({"category": "Not offered"}, "category"),
        ({"tags": [f"t{n}" for n in range(7)]}, "tags"),
        ({"sdg_goals": [18]}, "sdg_goals"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(component, overrides, field):
    with pytest.raises(ValidationError) as refused:
        operations.create_proposal(actor=UserFactory(), component=component, text=text(**overrides))
    assert field in refused.value.message_dict
    assert not Proposal.objects.exists()


def test_proposing_needs_an_open_phase(madrid, unscoped):
    closed = open_component(madrid, actions=["comment"])
    with pytest.raises(PermissionDenied):
        operations.create_proposal(actor=UserFactory(), component=closed, text=text())


def test_the_author_edits_until_the_first_support_only(component):
    proposal = ProposalFactory(component=component)
    operations.update_proposal(actor=proposal.author, proposal=proposal, text=text(title="Better title"))
    assert Proposal.objects.get().title == "Better title"
    operations.support_proposal(actor=verified_user(component.jurisdiction), proposal=proposal)
    with pytest.raises(PermissionDenied, match="supports"):
        operations.update_proposal(actor=proposal.author, proposal=proposal, text=text(title="Sneaky change"))
    assert Proposal.objects.get().title == "Better title"


def test_someone_else_cannot_edit(component):
    proposal = ProposalFactory(component=component)
    with pytest.raises(PermissionDenied):
        operations.update_proposal(actor=UserFactory(), proposal=proposal, text=text())


def test_two_accounts_of_one_person_support_once(component):
    proposal = ProposalFactory(component=component)
    first = VerificationFactory(jurisdiction=component.jurisdiction)
    second = verified_user(component.jurisdiction, person=first.person)
    operations.support_proposal(actor=first.user, proposal=proposal)
    with pytest.raises(ValidationError, match="already supported"):
        operations.support_proposal(actor=second, proposal=proposal)
    assert Support.objects.count() == 1
    assert Proposal.objects.get().support_count == 1


def test_an_unverified_account_cannot_support(component):
    proposal = ProposalFactory(component=component)
    with pytest.raises(PermissionDenied, match="Verify"):
        operations.support_proposal(actor=UserFactory(), proposal=proposal)
    assert not Support.objects.exists()


def test_the_component_raises_the_verification_level_needed(madrid, unscoped):
    component = open_component(madrid, support_verification_level=2)
    proposal = ProposalFactory(component=component)
    with pytest.raises(PermissionDenied):
        operations.support_proposal(actor=verified_user(madrid), proposal=proposal)


def test_supports_only_while_the_phase_allows_them(madrid, unscoped):
    component = open_component(madrid, actions=["propose", "comment"])
    proposal = ProposalFactory(component=component)
    with pytest.raises(PermissionDenied, match="phase"):
        operations.support_proposal(actor=verified_user(madrid), proposal=proposal)


def test_a_withdrawn_proposal_takes_no_support(component):
    proposal = ProposalFactory(component=component, status=Proposal.Status.WITHDRAWN)
    with pytest.raises(ValidationError):
        operations.support_proposal(actor=verified_user(component.jurisdiction), proposal=proposal)
    assert not Support.objects.exists()


def test_reaching_the_threshold_marks_once_and_notifies_followers(component, django_capture_on_commit_callbacks):
    proposal = ProposalFactory(component=component)
    follower = verified_user(component.jurisdiction)
    from plaza.core.operations.comments import start_following

    start_following(follower, proposal)
    start_following(proposal.author, proposal)
    with django_capture_on_commit_callbacks(execute=True):
        for _n in range(4):  # the threshold is 3: the fourth support marks nothing more
            operations.support_proposal(actor=verified_user(component.jurisdiction), proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.THRESHOLD_REACHED and proposal.support_count == 4
    assert AuditEntry.objects.filter(action="proposal.threshold_reached").count() == 1
    notified = Notification.objects.filter(event="proposal.threshold_reached")
    assert sorted(notified.values_list("recipient_id", flat=True)) == sorted([follower.pk, proposal.author_id])


def test_a_threshold_as_a_percentage_of_the_active_census(madrid, unscoped):
    component = open_component(madrid, threshold_mode="census_percent", threshold_value=1)
    CensusRecordFactory.create_batch(250, jurisdiction=madrid)
    CensusRecord.objects.filter(pk__in=CensusRecord.objects.values("pk")[:50]).update(is_active=False)
    assert support_threshold(component) == 2  # 1 % of 200 active records


def test_a_moderator_hides_with_a_public_reason(component, django_capture_on_commit_callbacks):
    proposal = ProposalFactory(component=component)
    moderator = UserFactory()
    RoleGrantFactory(jurisdiction=component.jurisdiction, user=moderator, role=Role.MODERATOR)
    with pytest.raises(ValidationError):
        operations.hide_proposal(actor=moderator, proposal=proposal, reason=" ")
    with pytest.raises(PermissionDenied):
        operations.hide_proposal(actor=UserFactory(), proposal=proposal, reason="Spam")
    with django_capture_on_commit_callbacks(execute=True):
        operations.hide_proposal(actor=moderator, proposal=proposal, reason="Advertising")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.HIDDEN and proposal.hidden_reason == "Advertising"
    entry = AuditEntry.objects.get(action="proposal.hide")
    assert entry.is_public and entry.reason == "Advertising"
    assert Notification.objects.filter(recipient=proposal.author, event="proposal.hidden").exists()


def test_only_the_author_withdraws(component):
    proposal = ProposalFactory(component=component)
    with pytest.raises(PermissionDenied):
        operations.withdraw_proposal(actor=UserFactory(), proposal=proposal)
    operations.withdraw_proposal(actor=proposal.author, proposal=proposal)
    assert Proposal.objects.get().status == Proposal.Status.WITHDRAWN


def test_a_moderator_marks_an_expert_proposal(component):
    proposal = ProposalFactory(component=component)
    moderator = UserFactory()
    RoleGrantFactory(jurisdiction=component.jurisdiction, user=moderator, role=Role.MODERATOR)
    operations.set_expert(actor=moderator, proposal=proposal, is_expert=True)
    assert Proposal.objects.get().is_expert
    assert AuditEntry.objects.filter(action="proposal.expert", is_public=True).exists()


def test_debate_positions_are_one_per_account_and_changeable(component):
    debate = DebateFactory(component=component)
    voter = UserFactory()
    operations.vote_on_debate(actor=voter, debate=debate, position="agree")
    operations.vote_on_debate(actor=UserFactory(), debate=debate, position="agree")
    operations.vote_on_debate(actor=voter, debate=debate, position="disagree")
    debate.refresh_from_db()
    assert (debate.agree_count, debate.disagree_count) == (1, 1)
    assert DebateVote.objects.count() == 2
    with pytest.raises(ValidationError):
        operations.vote_on_debate(actor=voter, debate=debate, position="maybe")


def test_starting_a_debate_needs_a_question(component):
    with pytest.raises(ValidationError) as refused:
        operations.start_debate(actor=UserFactory(), component=component, title="", body="Why?")
    assert "title" in refused.value.message_dict
    debate = operations.start_debate(actor=UserFactory(), component=component, title="Trams?", body="Why not.")
    assert debate.pk


def test_the_comment_count_follows_core_comments_posted_hidden_and_restored(
    madrid, component, django_capture_on_commit_callbacks
):
    from plaza.core.operations.comments import hide_comment, post_comment, restore_comment

    proposal = ProposalFactory(component=component)
    moderator = UserFactory()
    RoleGrantFactory(user=moderator, jurisdiction=madrid, role=Role.MODERATOR)
    with django_capture_on_commit_callbacks(execute=True):
        first = post_comment(actor=UserFactory(), target=proposal, body="Yes, please.")
        post_comment(actor=UserFactory(), target=proposal, body="And near the school.")
    proposal.refresh_from_db()
    assert proposal.comments_count == 2
    with django_capture_on_commit_callbacks(execute=True):
        hide_comment(actor=moderator, comment=first, reason="Off topic")
    proposal.refresh_from_db()
    assert proposal.comments_count == 1
    with django_capture_on_commit_callbacks(execute=True):
        restore_comment(actor=moderator, comment=first)
    proposal.refresh_from_db()
    assert proposal.comments_count == 2
