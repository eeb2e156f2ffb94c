"""Comments on any content: threading, votes, flags, moderation, and the pages residents use."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from plaza.core.models import AuditEntry, Comment, CommentFlag, CommentVote, Follow, Role
from plaza.core.operations.comments import (
    dismiss_flags,
    flag_comment,
    hide_comment,
    post_comment,
    restore_comment,
    vote_comment,
)
from plaza.core.queries.comments import MAX_DISPLAY_DEPTH, comment_count, comment_thread
from plaza.core.tenancy import across_jurisdictions
from plaza.core.tests.factories import ComponentStepFactory, PhaseFactory, ProcessFactory, RoleGrantFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def process(paris, unscoped):
    """A Paris process whose open phase allows commenting."""
    found = ProcessFactory(jurisdiction=paris, slug="climate", title="Climate plan")
    ComponentStepFactory(phase=PhaseFactory(process=found), actions=["comment"])
    return found


@pytest.fixture
def closed_process(paris, unscoped):
    found = ProcessFactory(jurisdiction=paris, slug="closed", title="Closed plan")
    ComponentStepFactory(phase=PhaseFactory(process=found), actions=["propose"])
    now = timezone.now()
    ComponentStepFactory(
        phase=PhaseFactory(process=found, starts_at=now - timedelta(days=20), ends_at=now - timedelta(days=10)),
        actions=["comment"],
    )
    return found


@pytest.fixture
def ana(db):
    return UserFactory(public_name="Ana")


@pytest.fixture
def bruno(db):
    return UserFactory(public_name="Bruno")


@pytest.fixture
def paris_moderator(paris, unscoped):
    user = UserFactory(public_name="Mod")
    RoleGrantFactory(jurisdiction=paris, user=user, role=Role.MODERATOR)
    return user


@pytest.fixture
def madrid_moderator(madrid, unscoped):
    user = UserFactory(public_name="Otro mod")
    RoleGrantFactory(jurisdiction=madrid, user=user, role=Role.MODERATOR)
    return user


# Operations


def test_replies_thread_to_any_depth_under_their_parent(process, ana, bruno):
    first = post_comment(actor=ana, target=process, body="First")
    second = post_comment(actor=bruno, target=process, body="Second")
    reply = post_comment(actor=bruno, target=process, body="Reply", parent=first)
    deeper = reply
    for n in range(5):
        deeper = post_comment(actor=ana, target=process, body=f"Deep {n}", parent=deeper)
    assert (reply.depth, deeper.depth) == (1, 6)
    thread = comment_thread(process)
    bodies = [e.comment.body for e in thread.entries]
    assert bodies == ["First", "Reply", "Deep 0", "Deep 1", "Deep 2", "Deep 3", "Deep 4", "Second"]
    assert thread.entries[-2].indent == MAX_DISPLAY_DEPTH  # depth 6 is shown at the cap
    assert thread.count == 8 and second.depth == 0


def test_threads_order_by_newest_or_most_voted(process, ana, bruno):
    old = post_comment(actor=ana, target=process, body="Old")
    liked = post_comment(actor=ana, target=process, body="Liked")
    new = post_comment(actor=ana, target=process, body="New")
    vote_comment(actor=bruno, comment=liked, value=1)
    vote_comment(actor=bruno, comment=new, value=-1)
    assert [e.comment for e in comment_thread(process, order="newest").entries] == [new, liked, old]
    assert [e.comment for e in comment_thread(process, order="most_voted").entries] == [liked, old, new]


def test_one_vote_per_account_per_comment(process, ana, bruno):
    comment = post_comment(actor=ana, target=process, body="Plant trees")
    vote_comment(actor=bruno, comment=comment, value=1)
    vote_comment(actor=bruno, comment=comment, value=-1)
    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes) == (0, 1)
    vote_comment(actor=bruno, comment=comment, value=-1)  # the same vote again withdraws it
    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes) == (0, 0)
    with pytest.raises(PermissionDenied):
        vote_comment(actor=ana, comment=comment, value=1)


def test_the_database_refuses_a_second_vote(process, ana, bruno):
    comment = post_comment(actor=ana, target=process, body="Plant trees")
    vote_comment(actor=bruno, comment=comment, value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentVote.objects.create(jurisdiction=process.jurisdiction, comment=comment, user=bruno, value=1)


def test_a_flag_once_per_account(process, ana, bruno):
    comment = post_comment(actor=ana, target=process, body="Buy my stuff")
    flag_comment(actor=bruno, comment=comment, reason="spam", details="advert")
    with pytest.raises(ValidationError):
        flag_comment(actor=bruno, comment=comment, reason="offensive")
    with pytest.raises(ValidationError):
        flag_comment(actor=ana, comment=comment, reason="not-a-reason")
    assert CommentFlag.objects.filter(comment=comment).count() == 1


def test_moderator_hides_and_restores_in_the_public_record(process, ana, bruno, paris_moderator):
    comment = post_comment(actor=ana, target=process, body="Rude words")
    post_comment(actor=bruno, target=process, body="Fine words")
    flag_comment(actor=bruno, comment=comment, reason="offensive")
    with pytest.raises(PermissionDenied):
        hide_comment(actor=bruno, comment=comment, reason="No")
    with pytest.raises(ValidationError):
        hide_comment(actor=paris_moderator, comment=comment, reason="  ")
    hide_comment(actor=paris_moderator, comment=comment, reason="Insults")
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_reason == "Insults"
    assert comment_count(process) == 1
    assert not CommentFlag.objects.filter(comment=comment, resolved_at=None).exists()
    restore_comment(actor=paris_moderator, comment=comment, reason="Appeal accepted")
    comment.refresh_from_db()
    assert not comment.is_hidden and comment_count(process) == 2
    log = list(AuditEntry.objects.filter(target_id=str(comment.pk)).order_by("id"))
    assert [(e.action, e.reason, e.is_public) for e in log] == [
        ("comment.hide", "Insults", True),
        ("comment.restore", "Appeal accepted", True),
    ]


def test_keeping_a_reported_comment_closes_its_flags(process, ana, bruno, paris_moderator):
    comment = post_comment(actor=ana, target=process, body="Sharp but fair")
    flag_comment(actor=bruno, comment=comment, reason="offensive")
    dismiss_flags(actor=paris_moderator, comment=comment)
    assert not CommentFlag.objects.filter(comment=comment, resolved_at=None).exists()
    assert AuditEntry.objects.filter(action="comment.keep", is_public=True).count() == 1


def test_commenting_is_refused_when_no_open_phase_allows_it(closed_process, ana):
    with pytest.raises(PermissionDenied, match="not open"):
        post_comment(actor=ana, target=closed_process, body="Too late?")
    assert not Comment.objects.exists()


def test_comments_on_a_component_follow_its_phase_and_authors_follow(process, ana):
    component = process.components.get()
    comment = post_comment(actor=ana, target=component, body="About this page")
    assert comment.target == component
    assert Follow.objects.filter(user=ana, object_id=component.pk).exists()
    with pytest.raises(ValidationError):
        post_comment(actor=ana, target=process, body="Cross-thread reply", parent=comment)


def test_empty_comment_is_refused(process, ana):
    with pytest.raises(ValidationError):
        post_comment(actor=ana, target=process, body="   ")
    assert not Comment.objects.exists()


# Pages


def _page(client, process, query=""):
    return client.get(f"/paris/processes/{process.slug}/{query}").content.decode()


def _post(client, process, **data):
    return client.post(
        "/paris/comments/new/",
        {"target_type": "core.process", "target_id": process.pk, "next": "//evil.example/", **data},
    )


def test_resident_comments_and_replies_on_the_process_page(client, process, ana, bruno):
    client.force_login(ana)
    response = _post(client, process, body="We need **more** trees")
    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/paris/processes/climate/#comment-{comment.pk}"
    client.force_login(bruno)
    assert _post(client, process, body="Agreed", parent=comment.pk).status_code == 302
    page = _page(client, process)
    assert "<strong>more</strong>" in page and "Agreed" in page and "2 comments" in page
    assert "comment-indent-1" in page


def test_resident_votes_and_flags_through_the_page(client, process, ana, bruno):
    comment = post_comment(actor=ana, target=process, body="Plant trees")
    client.force_login(bruno)
    url = f"/paris/comments/{comment.pk}/"
    assert client.post(url + "vote/", {"value": "up"}).status_code == 302
    assert client.post(url + "flag/", {"reason": "spam", "details": "looks like an advert"}).status_code == 302
    page = _page(client, process)
    assert "1 up, 0 down" in page and "You reported this comment." in page
    assert 'aria-pressed="true"' in page


def test_bad_input_is_refused_with_a_message_and_nothing_written(client, process, ana, bruno):
    comment = post_comment(actor=ana, target=process, body="Plant trees")
    client.force_login(bruno)
    response = _post(client, process, body="   ")
    assert response.status_code == 400 and "Write something before sending." in response.content.decode()
    response = client.post(f"/paris/comments/{comment.pk}/vote/", {"value": "sideways"})
    assert response.status_code == 400 and "Choose up or down." in response.content.decode()
    response = client.post(f"/paris/comments/{comment.pk}/flag/", {"reason": "because"})
    assert response.status_code == 400 and "Choose a reason from the list." in response.content.decode()
    response = client.post("/paris/comments/new/", {"target_type": "core.user", "target_id": ana.pk, "body": "Hi"})
    assert response.status_code == 400
    assert Comment.objects.count() == 1 and not CommentVote.objects.exists() and not CommentFlag.objects.exists()


def test_closed_phase_shows_why_and_refuses_a_post(client, closed_process, ana):
    client.force_login(ana)
    assert "Comments are not open in the current phase." in _page(client, closed_process)
    assert _post(client, closed_process, body="Too late").status_code == 403
    assert not Comment.objects.exists()


def test_anonymous_visitor_reads_and_is_invited_to_sign_in(client, process, ana):
    post_comment(actor=ana, target=process, body="Visible to all")
    page = _page(client, process)
    assert "Visible to all" in page and "Sign in to comment." in page
    assert _post(client, process, body="Hi").status_code == 302  # to the sign-in page
    assert Comment.objects.count() == 1


def test_moderator_hides_from_the_queue(client, process, ana, bruno, paris_moderator):
    comment = post_comment(actor=ana, target=process, body="Rude words")
    flag_comment(actor=bruno, comment=comment, reason="offensive", details="insult")
    client.force_login(paris_moderator)
    queue = client.get("/paris/manage/moderation/").content.decode()
    assert "Rude words" in queue and "Offensive, racist or hateful: insult" in queue
    assert client.post(f"/paris/manage/moderation/{comment.pk}/hide/", {"reason": ""}).status_code == 400
    response = client.post(f"/paris/manage/moderation/{comment.pk}/hide/", {"reason": "Insults"})
    assert response.status_code == 302
    page = _page(client, process)
    assert "Hidden by a moderator: Insults" in page and "Rude words" not in page and "0 comments" in page
    assert "comment.hide" in client.get("/paris/audit/").content.decode()


def test_a_resident_cannot_see_the_queue(client, paris, bruno):
    client.force_login(bruno)
    assert client.get("/paris/manage/moderation/").status_code == 403


def test_moderator_of_another_jurisdiction_gets_403_and_changes_nothing(client, process, ana, madrid_moderator):
    comment = post_comment(actor=ana, target=process, body="Paris talk")
    client.force_login(madrid_moderator)
    assert client.get("/paris/manage/moderation/").status_code == 403
    assert client.post(f"/paris/manage/moderation/{comment.pk}/hide/", {"reason": "No"}).status_code == 403
    assert client.post(f"/madrid/manage/moderation/{comment.pk}/hide/", {"reason": "No"}).status_code == 404
    comment.refresh_from_db()
    assert not comment.is_hidden
    with across_jurisdictions():
        assert not AuditEntry.objects.filter(action__startswith="comment.").exists()


def test_follow_and_unfollow_a_process(client, process, bruno):
    client.force_login(bruno)
    data = {"target_type": "core.process", "target_id": process.pk}
    assert client.post("/paris/follow/", data).status_code == 302
    assert "Stop following" in _page(client, process)
    client.post("/paris/follow/", {**data, "action": "unfollow"})
    assert not Follow.objects.filter(user=bruno).exists()


def test_a_thread_of_30_comments_takes_a_fixed_number_of_queries(
    client, process, ana, bruno, django_assert_max_num_queries
):
    parent = None
    for n in range(30):
        comment = post_comment(actor=ana if n % 2 else bruno, target=process, body=f"Comment {n}", parent=parent)
        parent = comment if n % 3 == 0 else None
        if n % 4 == 0:
            vote_comment(actor=ana if comment.author == bruno else bruno, comment=comment, value=1)
    client.force_login(bruno)
    # 17: the thread itself is fixed; one more per component switched on (its manifest's stats), one
    # for the header's back-office link, and one asking whether a moderator blocked the reader here.
    with django_assert_max_num_queries(17):
        page = _page(client, process, "?order=most_voted")
    assert page.count('class="comment comment-indent') == 30


def test_author_edits_their_comment_and_others_cannot(client, process, ana, bruno):
    comment = post_comment(actor=ana, target=process, body="Plant tres")
    client.force_login(bruno)
    assert client.post(f"/paris/comments/{comment.pk}/edit/", {"body": "Vandal"}).status_code == 403
    client.force_login(ana)
    assert client.post(f"/paris/comments/{comment.pk}/edit/", {"body": ""}).status_code == 400
    assert client.post(f"/paris/comments/{comment.pk}/edit/", {"body": "Plant trees"}).status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Plant trees" and comment.edited_at is not None
    assert "edited" in _page(client, process)


def test_a_comment_cannot_plant_a_tracking_pixel_on_the_page(client, process, ana):
    post_comment(
        actor=ana, target=process, body='Look ![x](https://track.example/p.gif) <img src="https://t.example/q">'
    )
    page = _page(client, process)
    assert "Look" in page and "https://t.example/q" in page  # shown as text
    assert '<img src="https://t' not in page and 'src="https://track' not in page
