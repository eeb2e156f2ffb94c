"""Moderation: bulk actions on the queue, hiding a held debate, blocking an account."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plaza.core.models import AuditEntry, BlockedAccount, Role
from plaza.core.operations import moderation
from plaza.core.tests.factories import RoleGrantFactory, UserFactory
from plaza.proposals import operations
from plaza.proposals.models import Debate, Proposal, Support
from plaza.proposals.operations import ProposalText
from plaza.proposals.tests.factories import DebateFactory, ProposalFactory, open_component, verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def component(madrid, unscoped):
    return open_component(madrid, actions=["propose", "support", "comment"])


@pytest.fixture
def moderator(madrid):
    user = UserFactory()
    RoleGrantFactory(user=user, jurisdiction=madrid, role=Role.MODERATOR)
    return user


def held_proposal(component, **kwargs):
    return ProposalFactory(
        component=component, status=Proposal.Status.HELD, held_reason="many links", published_at=None, **kwargs
    )


def held_debate(component, **kwargs):
    return DebateFactory(component=component, held_reason="many links", **kwargs)


def actions_on(target) -> list[tuple[str, bool, str]]:
    return list(
        AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
        .order_by("id")
        .values_list("action", "is_public", "reason")
    )


def test_bulk_publish_releases_each_selected_item_with_its_own_public_entry(client, component, moderator):
    first, second, left = held_proposal(component), held_proposal(component), held_proposal(component)
    debate = held_debate(component)
    client.force_login(moderator)
    queue = f"{component.get_absolute_url()}moderation/"
    response = client.post(queue, {"proposals": [first.pk, second.pk], "debates": [debate.pk], "action": "publish"})
    assert response.status_code == 302
    for proposal in (first, second):
        proposal.refresh_from_db()
        assert proposal.status == Proposal.Status.PUBLISHED and proposal.published_at and not proposal.held_reason
        assert actions_on(proposal) == [("proposal.release", True, "")]
    left.refresh_from_db()
    assert left.status == Proposal.Status.HELD
    debate.refresh_from_db()
    assert debate.held_reason == "" and actions_on(debate) == [("debate.release", True, "")]
    page = client.get(queue).content.decode()
    assert left.title in page and first.title not in page


def test_bulk_hide_needs_one_reason_and_hides_each_with_it(client, component, moderator):
    proposal, debate = held_proposal(component), held_debate(component)
    client.force_login(moderator)
    queue = f"{component.get_absolute_url()}moderation/"
    refused = client.post(queue, {"proposals": [proposal.pk], "debates": [debate.pk], "action": "hide", "reason": " "})
    assert refused.status_code == 400 and "the reason is public" in refused.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.HELD
    done = client.post(queue, {"proposals": [proposal.pk], "debates": [debate.pk], "action": "hide", "reason": "Spam"})
    assert done.status_code == 302
    proposal.refresh_from_db()
    debate.refresh_from_db()
    assert proposal.status == Proposal.Status.HIDDEN and proposal.hidden_reason == "Spam"
    assert debate.hidden_reason == "Spam" and not debate.is_published
    assert actions_on(proposal) == [("proposal.hide", True, "Spam")]
    assert actions_on(debate) == [("debate.hide", True, "Spam")]
    client.logout()
    assert client.get(debate.get_absolute_url()).status_code == 404
    assert debate.title not in client.get(f"{component.get_absolute_url()}debates/").content.decode()
    assert client.get("/api/v1/proposals/madrid/debates").json()["count"] == 0


def test_a_bulk_action_is_all_or_nothing(component, moderator):
    held, published = held_proposal(component), ProposalFactory(component=component)
    with pytest.raises(ValidationError, match="no longer held"):
        operations.moderate_in_bulk(
            actor=moderator,
            component=component,
            action="publish",
            proposal_ids=[held.pk, published.pk],
            debate_ids=[],
        )
    held.refresh_from_db()
    assert held.status == Proposal.Status.HELD and actions_on(held) == []
    other = held_proposal(open_component(component.jurisdiction))
    with pytest.raises(ValidationError, match="not in this process"):
        operations.moderate_in_bulk(
            actor=moderator, component=component, action="publish", proposal_ids=[held.pk, other.pk], debate_ids=[]
        )
    held.refresh_from_db()
    assert held.status == Proposal.Status.HELD


def test_only_moderators_act_in_bulk(client, component, paris):
    proposal = held_proposal(component)
    outsider = UserFactory()
    RoleGrantFactory(user=outsider, jurisdiction=paris, role=Role.MODERATOR)
    with pytest.raises(PermissionDenied):
        operations.moderate_in_bulk(
            actor=outsider, component=component, action="publish", proposal_ids=[proposal.pk], debate_ids=[]
        )
    client.force_login(outsider)
    response = client.post(
        f"{component.get_absolute_url()}moderation/", {"proposals": [proposal.pk], "action": "publish"}
    )
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.HELD


def test_a_moderator_hides_a_held_debate_from_its_page(client, component, moderator):
    debate = held_debate(component)
    client.force_login(moderator)
    assert "Hide it" in client.get(debate.get_absolute_url()).content.decode()
    refused = client.post(f"{debate.get_absolute_url()}hide/", {"reason": ""})
    assert refused.status_code == 400
    assert client.post(f"{debate.get_absolute_url()}hide/", {"reason": "Advertising"}).status_code == 302
    debate.refresh_from_db()
    assert debate.hidden_reason == "Advertising"
    page = client.get(debate.get_absolute_url()).content.decode()
    assert "A moderator hid this debate: Advertising" in page
    assert debate.title not in client.get(f"{component.get_absolute_url()}moderation/").content.decode()
    with pytest.raises(ValidationError):
        operations.hide_debate(actor=moderator, debate=debate, reason="Again")


def test_blocking_an_account_hides_its_content_and_stops_its_writing_until_unblocked(
    client, component, moderator, madrid
):
    author = verified_user(madrid)
    proposal = ProposalFactory(component=component, author=author)
    debate = DebateFactory(component=component, author=author)
    draft = ProposalFactory(component=component, author=author, status=Proposal.Status.DRAFT, published_at=None)
    someone_else = ProposalFactory(component=component)
    client.force_login(moderator)
    assert (
        client.post(f"{component.get_absolute_url()}moderation/block/{author.pk}/", {"reason": ""}).status_code == 400
    )
    response = client.post(f"{component.get_absolute_url()}moderation/block/{author.pk}/", {"reason": "Fake account"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    debate.refresh_from_db()
    draft.refresh_from_db()
    someone_else.refresh_from_db()
    assert proposal.status == Proposal.Status.HIDDEN and proposal.hidden_reason == "Fake account"
    assert debate.hidden_reason == "Fake account"
    assert draft.status == Proposal.Status.DRAFT and someone_else.status == Proposal.Status.PUBLISHED
    entry = AuditEntry.objects.get(action="account.block")
    assert entry.is_public and entry.reason == "Fake account" and entry.data["account"] == author.display_name
    assert entry.data["proposals"] == 1 and entry.data["debates"] == 1
    assert author.email not in str(entry.data)
    assert author.display_name in client.get(f"{component.get_absolute_url()}moderation/").content.decode()

    with pytest.raises(PermissionDenied, match="blocked"):
        operations.create_proposal(actor=author, component=component, text=ProposalText("T", "S", "B"))
    with pytest.raises(PermissionDenied, match="blocked"):
        operations.support_proposal(actor=author, proposal=someone_else)
    with pytest.raises(PermissionDenied, match="blocked"):
        operations.start_debate(actor=author, component=component, title="T", body="B")
    with pytest.raises(PermissionDenied, match="blocked"):
        operations.update_proposal(actor=author, proposal=draft, text=ProposalText("T", "S", "B"))
    assert Support.objects.count() == 0
    client.force_login(author)
    assert client.post(f"{someone_else.get_absolute_url()}support/").status_code == 403

    client.force_login(moderator)
    assert client.post(f"{component.get_absolute_url()}moderation/unblock/{author.pk}/").status_code == 302
    assert not BlockedAccount.objects.exists()
    assert AuditEntry.objects.filter(action="account.unblock", is_public=True).exists()
    operations.support_proposal(actor=author, proposal=someone_else)
    proposal.refresh_from_db()
    debate.refresh_from_db()
    assert (proposal.status, proposal.hidden_reason, proposal.status_before_block) == ("published", "", "")
    assert debate.is_published and not debate.hidden_by_block
    shown = AuditEntry.objects.get(action="account.unblock").data
    assert (shown["proposals"], shown["debates"], shown["comments"]) == (1, 1, 0)
    assert proposal.title in client.get(component.get_absolute_url()).content.decode()


def test_unblocking_gives_each_proposal_its_status_back_and_leaves_a_moderators_hiding(component, moderator, madrid):
    author = verified_user(madrid)
    kept = ProposalFactory(component=component)
    reached = ProposalFactory(
        component=component,
        author=author,
        status=Proposal.Status.THRESHOLD_REACHED,
        threshold_reached_at=kept.created_at,
    )
    held = held_proposal(component, author=author)
    merged = ProposalFactory(component=component, author=author, status=Proposal.Status.MERGED, merged_into=kept)
    spam = ProposalFactory(component=component, author=author, status=Proposal.Status.HIDDEN, hidden_reason="Spam")
    spam_debate = DebateFactory(component=component, author=author, hidden_reason="Spam")
    moderation.block_account(actor=moderator, jurisdiction=madrid, user=author, reason="Spam")
    statuses = dict(Proposal.objects.filter(author=author).values_list("pk", "status"))
    assert statuses == {reached.pk: "hidden", held.pk: "hidden", merged.pk: "merged", spam.pk: "hidden"}

    moderation.unblock_account(actor=moderator, jurisdiction=madrid, user=author)
    statuses = dict(Proposal.objects.filter(author=author).values_list("pk", "status"))
    assert statuses == {reached.pk: "threshold_reached", held.pk: "held", merged.pk: "merged", spam.pk: "hidden"}
    spam.refresh_from_db()
    spam_debate.refresh_from_db()
    assert spam.hidden_reason == "Spam" and spam_debate.hidden_reason == "Spam"  # a moderator's own hiding stays


def test_a_block_holds_in_its_own_jurisdiction_only(component, moderator, madrid, paris):
    author = verified_user(madrid)
    moderation.block_account(actor=moderator, jurisdiction=madrid, user=author, reason="Spam")
    with pytest.raises(ValidationError, match="already blocked"):
        moderation.block_account(actor=moderator, jurisdiction=madrid, user=author, reason="Spam")
    elsewhere = open_component(paris, actions=["propose"])
    debate = operations.start_debate(actor=author, component=elsewhere, title="In Paris", body="Fine here.")
    assert debate.pk and Debate.objects.filter(pk=debate.pk).exists()
    paris_moderator = UserFactory()
    RoleGrantFactory(user=paris_moderator, jurisdiction=paris, role=Role.MODERATOR)
    with pytest.raises(PermissionDenied):
        moderation.unblock_account(actor=paris_moderator, jurisdiction=madrid, user=author)
    process_moderator = UserFactory()
    RoleGrantFactory(user=process_moderator, jurisdiction=madrid, role=Role.MODERATOR, process=component.process)
    with pytest.raises(PermissionDenied):
        moderation.block_account(actor=process_moderator, jurisdiction=madrid, user=UserFactory(), reason="x")


def reported(target, body="Buy cheap watches", author=None, reporters=1):
    from plaza.core.models import Comment, CommentFlag

    comment = Comment.objects.create(
        jurisdiction=target.jurisdiction, target=target, author=author or UserFactory(), body=body
    )
    for _n in range(reporters):
        CommentFlag.objects.create(jurisdiction=target.jurisdiction, comment=comment, user=UserFactory(), reason="spam")
    return comment


def test_the_queue_lists_reported_comments_and_hides_them_in_bulk_with_one_reason(client, component, moderator):
    from plaza.core.models import CommentFlag

    proposal, debate = ProposalFactory(component=component), DebateFactory(component=component)
    on_proposal = reported(proposal, "Watches for sale", reporters=2)
    on_debate = reported(debate, "More watches")
    quiet = reported(proposal, "A fair point", reporters=0)
    elsewhere = reported(ProposalFactory(component=open_component(component.jurisdiction)), "Other process")
    client.force_login(moderator)
    queue = f"{component.get_absolute_url()}moderation/"
    page = client.get(queue).content.decode()
    assert "Watches for sale" in page and "More watches" in page and "2 reports" in page
    assert "A fair point" not in page and "Other process" not in page
    too_long = client.post(queue, {"comments": [on_proposal.pk], "action": "hide", "reason": "x" * 301})
    assert too_long.status_code == 400 and "at most 300 characters" in too_long.content.decode()
    done = client.post(queue, {"comments": [on_proposal.pk, on_debate.pk], "action": "hide", "reason": "Advertising"})
    assert done.status_code == 302
    for comment in (on_proposal, on_debate, quiet, elsewhere):
        comment.refresh_from_db()
    assert (on_proposal.is_hidden, on_proposal.hidden_reason, on_proposal.hidden_by) == (True, "Advertising", moderator)
    assert on_debate.is_hidden and not quiet.is_hidden and not elsewhere.is_hidden
    assert actions_on(on_proposal) == [("comment.hide", True, "Advertising")]
    assert actions_on(on_debate) == [("comment.hide", True, "Advertising")]
    assert not CommentFlag.objects.filter(comment__in=[on_proposal, on_debate], resolved_at=None).exists()
    assert "Watches for sale" not in client.get(queue).content.decode()


def test_publishing_reported_comments_keeps_them_and_closes_their_reports(component, moderator):
    from plaza.core.models import CommentFlag

    comment = reported(ProposalFactory(component=component), "Sharp but fair", reporters=3)
    done = operations.moderate_in_bulk(
        actor=moderator, component=component, action="publish", proposal_ids=[], debate_ids=[], comment_ids=[comment.pk]
    )
    assert done.comments == 1
    comment.refresh_from_db()
    assert not comment.is_hidden and not CommentFlag.objects.filter(resolved_at=None).exists()
    assert actions_on(comment) == [("comment.keep", True, "")]


def test_a_bulk_decision_on_comments_is_all_or_nothing_and_for_this_process_only(component, moderator, madrid):
    held = held_proposal(component)
    mine = reported(ProposalFactory(component=component))
    other_process = reported(ProposalFactory(component=open_component(madrid)))
    with pytest.raises(ValidationError, match="no longer waiting"):
        operations.moderate_in_bulk(
            actor=moderator,
            component=component,
            action="hide",
            proposal_ids=[held.pk],
            debate_ids=[],
            comment_ids=[mine.pk, other_process.pk],
            reason="Spam",
        )
    held.refresh_from_db()
    mine.refresh_from_db()
    assert held.status == Proposal.Status.HELD and not mine.is_hidden and actions_on(mine) == []
    process_moderator = UserFactory()
    RoleGrantFactory(user=process_moderator, jurisdiction=madrid, role=Role.MODERATOR, process=component.process)
    operations.moderate_in_bulk(
        actor=process_moderator,
        component=component,
        action="hide",
        proposal_ids=[],
        debate_ids=[],
        comment_ids=[mine.pk],
        reason="Spam",
    )
    mine.refresh_from_db()
    assert mine.is_hidden
    with pytest.raises(ValidationError, match="no longer waiting"):  # already decided: out of the queue
        operations.moderate_in_bulk(
            actor=moderator,
            component=component,
            action="publish",
            proposal_ids=[],
            debate_ids=[],
            comment_ids=[mine.pk],
        )
