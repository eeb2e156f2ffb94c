"""Blocking an account in a jurisdiction: core's comments, votes, flags and follows refuse it; its comments hide."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plaza.core.models import AuditEntry, BlockedAccount, Comment, CommentFlag, CommentVote, Follow, Role
from plaza.core.operations.comments import (
    edit_comment,
    flag_comment,
    follow,
    hide_comment,
    post_comment,
    unfollow,
    vote_comment,
)
from plaza.core.operations.moderation import block_account, unblock_account
from plaza.core.tests.factories import ComponentStepFactory, PhaseFactory, ProcessFactory, RoleGrantFactory, UserFactory

pytestmark = pytest.mark.django_db
BLOCKED = "A moderator blocked your account here"


@pytest.fixture
def process(paris, unscoped):
    found = ProcessFactory(jurisdiction=paris, slug="climate", title="Climate plan")
    ComponentStepFactory(phase=PhaseFactory(process=found), actions=["comment"])
    return found


@pytest.fixture
def madrid_process(madrid, unscoped):
    found = ProcessFactory(jurisdiction=madrid, slug="barrios", title="Barrios")
    ComponentStepFactory(phase=PhaseFactory(process=found), actions=["comment"])
    return found


@pytest.fixture
def moderator(paris, unscoped):
    user = UserFactory(public_name="Mod")
    RoleGrantFactory(jurisdiction=paris, user=user, role=Role.MODERATOR)
    return user


@pytest.fixture
def troll(db):
    return UserFactory(public_name="Troll")


@pytest.fixture
def ana(db):
    return UserFactory(public_name="Ana")


def test_a_blocked_account_cannot_comment_reply_edit_vote_flag_or_follow(process, moderator, troll, ana):
    own = post_comment(actor=troll, target=process, body="Before the block")
    other = post_comment(actor=ana, target=process, body="Plant trees")
    block_account(actor=moderator, jurisdiction=process.jurisdiction, user=troll, reason="Harassment")
    Follow.objects.filter(user=troll).delete()
    attempts = {
        "comment": lambda: post_comment(actor=troll, target=process, body="After the block"),
        "reply": lambda: post_comment(actor=troll, target=process, body="Reply", parent=other),
        "edit": lambda: edit_comment(actor=troll, comment=own, body="Rewritten"),
        "vote": lambda: vote_comment(actor=troll, comment=other, value=1),
        "flag": lambda: flag_comment(actor=troll, comment=other, reason="spam"),
        "follow": lambda: follow(actor=troll, target=process),
    }
    for name, attempt in attempts.items():
        with pytest.raises(PermissionDenied, match=BLOCKED):
            attempt()
        assert name  # which attempt failed shows in the traceback
    assert list(Comment.objects.filter(author=troll).values_list("body", flat=True)) == ["Before the block"]
    assert not CommentVote.objects.exists() and not CommentFlag.objects.exists()
    assert not Follow.objects.filter(user=troll).exists()
    unfollow(actor=troll, target=process)  # leaving is never refused


def test_blocking_hides_the_accounts_comments_here_with_the_public_reason(
    process, madrid_process, moderator, troll, ana
):
    rude = post_comment(actor=troll, target=process, body="Rude")
    reply = post_comment(
        actor=troll, target=process, body="Ruder", parent=post_comment(actor=ana, target=process, body="Hi")
    )
    elsewhere = post_comment(actor=troll, target=madrid_process, body="Hola")
    flag_comment(actor=ana, comment=rude, reason="offensive")
    with pytest.raises(PermissionDenied):
        block_account(actor=ana, jurisdiction=process.jurisdiction, user=troll, reason="No")
    with pytest.raises(ValidationError):
        block_account(actor=moderator, jurisdiction=process.jurisdiction, user=troll, reason="  ")
    with pytest.raises(ValidationError):
        block_account(actor=moderator, jurisdiction=process.jurisdiction, user=troll, reason="x" * 301)
    assert not BlockedAccount.objects.exists() and not Comment.objects.filter(is_hidden=True).exists()

    block_account(actor=moderator, jurisdiction=process.jurisdiction, user=troll, reason="Harassment")
    for comment in (rude, reply, elsewhere):
        comment.refresh_from_db()
    assert (rude.is_hidden, rude.hidden_reason, rude.hidden_by) == (True, "Harassment", moderator)
    assert reply.is_hidden and not elsewhere.is_hidden
    assert not CommentFlag.objects.filter(resolved_at=None).exists()
    entry = AuditEntry.objects.get(action="account.block")
    assert entry.is_public and entry.reason == "Harassment"
    assert entry.data["account"] == "Troll" and entry.data["comments"] == 2
    post_comment(actor=troll, target=madrid_process, body="Still welcome in Madrid")

    unblock_account(actor=moderator, jurisdiction=process.jurisdiction, user=troll)
    post_comment(actor=troll, target=process, body="Sorry")
    rude.refresh_from_db()
    assert (rude.is_hidden, rude.hidden_reason, rude.hidden_by) == (False, "", None)  # what the block hid is back
    entry = AuditEntry.objects.get(action="account.unblock")
    assert entry.is_public and entry.data["account"] == "Troll" and entry.data["comments"] == 2


def test_unblocking_leaves_what_a_moderator_hid_for_another_reason_hidden(process, moderator, troll, ana):
    spam = post_comment(actor=troll, target=process, body="Buy now")
    hide_comment(actor=moderator, comment=spam, reason="Advertising")
    rude = post_comment(actor=troll, target=process, body="Rude")
    block_account(actor=moderator, jurisdiction=process.jurisdiction, user=troll, reason="Harassment")
    unblock_account(actor=moderator, jurisdiction=process.jurisdiction, user=troll)
    spam.refresh_from_db()
    rude.refresh_from_db()
    assert (spam.is_hidden, spam.hidden_reason) == (True, "Advertising") and not rude.is_hidden
    assert AuditEntry.objects.get(action="account.unblock").data["comments"] == 1
    with pytest.raises(ValidationError, match="not blocked"):
        unblock_account(actor=moderator, jurisdiction=process.jurisdiction, user=troll)
    with pytest.raises(PermissionDenied):
        unblock_account(actor=ana, jurisdiction=process.jurisdiction, user=troll)


def test_the_pages_tell_a_blocked_account_why_and_write_nothing(client, process, moderator, troll, ana):
    other = post_comment(actor=ana, target=process, body="Plant trees")
    block_account(actor=moderator, jurisdiction=process.jurisdiction, user=troll, reason="Harassment")
    client.force_login(troll)
    page = client.get(f"/paris/processes/{process.slug}/").content.decode()
    assert BLOCKED in page and 'name="body"' not in page
    target = {"target_type": "core.process", "target_id": process.pk}
    refused = [
        client.post("/paris/comments/new/", {**target, "body": "Let me in"}),
        client.post(f"/paris/comments/{other.pk}/vote/", {"value": "up"}),
        client.post(f"/paris/comments/{other.pk}/flag/", {"reason": "spam"}),
        client.post("/paris/follow/", target),
    ]
    for response in refused:
        assert response.status_code == 403 and BLOCKED in response.content.decode()
    htmx = client.post("/paris/comments/new/", {**target, "body": "Let me in"}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200 and BLOCKED in htmx.content.decode()
    assert Comment.objects.filter(author=troll).count() == 0
    assert not CommentVote.objects.exists() and not CommentFlag.objects.exists()
    assert not Follow.objects.filter(user=troll).exists()


def test_standing_reads_the_verification_level_and_the_block_of_one_jurisdiction_at_once(
    paris, madrid, moderator, troll, ana, django_assert_num_queries, unscoped
):
    from django.contrib.auth.models import AnonymousUser

    from plaza.core.models import Verification
    from plaza.core.operations.moderation import standing
    from plaza.core.permissions import verification_level
    from plaza.core.tests.factories import VerificationFactory

    VerificationFactory(jurisdiction=paris, user=ana)
    VerificationFactory(jurisdiction=madrid, user=troll, level=Verification.Level.VERIFIED)
    block_account(actor=moderator, jurisdiction=paris, user=troll, reason="Harassment")
    with django_assert_num_queries(1):
        found = standing(ana, paris)
    assert found == (verification_level(ana, paris), False) == (Verification.Level.VERIFIED, False)
    assert standing(troll, paris) == (0, True)  # not verified in Paris, and blocked there
    assert standing(troll, madrid) == (Verification.Level.VERIFIED, False)  # verified and free in Madrid
    assert standing(AnonymousUser(), paris) == (-1, False) and standing(None, paris) == (-1, False)
