"""A resident downloads, then erases, what they did in comments, votes, reports, follows and notifications."""

import json

import pytest
from django.core.exceptions import PermissionDenied

from plaza.core.models import Comment, CommentFlag, CommentVote, Follow, Notification
from plaza.core.operations.accounts import delete_account, export_account_data
from plaza.core.operations.comments import flag_comment, follow, post_comment, vote_comment
from plaza.core.tests.factories import ComponentStepFactory, PhaseFactory, ProcessFactory, UserFactory

pytestmark = pytest.mark.django_db


def _open_process(jurisdiction, slug, title):
    found = ProcessFactory(jurisdiction=jurisdiction, slug=slug, title=title)
    ComponentStepFactory(phase=PhaseFactory(process=found), actions=["comment"])
    return found


@pytest.fixture
def story(paris, madrid, unscoped, django_capture_on_commit_callbacks):
    """Ana takes part in Paris and Madrid; Bruno and Carla answer and vote."""
    climate = _open_process(paris, "climate", "Climate plan")
    budget = _open_process(madrid, "budget", "Presupuestos")
    ana, bruno, carla = (UserFactory(public_name=name) for name in ("Ana", "Bruno", "Carla"))
    with django_capture_on_commit_callbacks(execute=True):
        ana_paris = post_comment(actor=ana, target=climate, body="Plant **trees**")
        post_comment(actor=ana, target=budget, body="Más bibliotecas")
        bruno_comment = post_comment(actor=bruno, target=climate, body="Agreed", parent=ana_paris)
        vote_comment(actor=ana, comment=bruno_comment, value=1)
        vote_comment(actor=carla, comment=bruno_comment, value=1)
        vote_comment(actor=bruno, comment=ana_paris, value=-1)
        flag_comment(actor=ana, comment=bruno_comment, reason="off_topic", details="not about trees")
        follow(actor=carla, target=climate)
        post_comment(actor=ana, target=climate, body="Also parks")  # Bruno and Carla hear of it, from Ana
    return {
        "climate": climate,
        "ana": ana,
        "bruno": bruno,
        "carla": carla,
        "ana_paris": ana_paris,
        "bruno_comment": bruno_comment,
    }


def test_the_download_holds_comments_votes_reports_follows_and_notifications(story):
    ana, bruno_comment = story["ana"], story["bruno_comment"]
    data = export_account_data(actor=ana, user=ana)
    comments = {c["body"]: c for c in data["comments"]}
    assert set(comments) == {"Plant **trees**", "Más bibliotecas", "Also parks"}
    assert comments["Más bibliotecas"]["jurisdiction"] == "madrid"
    assert comments["Plant **trees**"]["target"] == {
        "type": "core.process",
        "id": story["climate"].pk,
        "title": "Climate plan",
        "url": "/paris/processes/climate/",
    }
    assert comments["Plant **trees**"]["created_at"]
    assert data["comment_votes"] == [
        {
            "comment": bruno_comment.pk,
            "jurisdiction": "paris",
            "vote": "up",
            "created_at": data["comment_votes"][0]["created_at"],
        }
    ]
    assert [(r["comment"], r["reason"], r["details"]) for r in data["comment_reports"]] == [
        (bruno_comment.pk, "off_topic", "not about trees")
    ]
    assert sorted(f["target"]["title"] for f in data["follows"]) == ["Climate plan", "Presupuestos"]
    assert [n["text"] for n in data["notifications"]] == ["Bruno replied to a comment on “Climate plan”."]
    json.dumps(data)  # the download is plain JSON


def test_nobody_downloads_someone_elses_data(story):
    with pytest.raises(PermissionDenied):
        export_account_data(actor=story["bruno"], user=story["ana"])


def test_erasure_keeps_comments_in_their_threads_without_their_author(story):
    ana, bruno, bruno_comment = story["ana"], story["bruno"], story["bruno_comment"]
    delete_account(actor=ana, user=ana)
    remaining = Comment.objects.filter(body__in=["Plant **trees**", "Más bibliotecas", "Also parks"])
    assert remaining.count() == 3 and not remaining.exclude(author=None).exists()
    reply = Comment.objects.get(pk=bruno_comment.pk)
    assert reply.parent_id == story["ana_paris"].pk  # the reply keeps its context
    assert (reply.upvotes, reply.downvotes) == (1, 0)  # Ana's vote is gone and the total recounted
    assert CommentVote.objects.filter(comment=reply).count() == 1
    assert not CommentFlag.objects.exists()
    assert not Follow.objects.filter(user_id=ana.pk).exists()
    assert not Notification.objects.filter(recipient_id=ana.pk).exists()
    told = list(Notification.objects.filter(recipient=bruno, event="comment.created"))
    assert told and all(
        n.actor is None and n.actor_label == "" for n in told
    )  # others' notifications no longer name her
    bruno_export = json.dumps(export_account_data(actor=bruno, user=bruno), ensure_ascii=False)
    assert "Ana" not in bruno_export


def test_the_thread_shows_deleted_account_after_erasure(client, story):
    ana = story["ana"]
    client.force_login(ana)
    download = json.loads(client.get("/account/data.json").content)
    assert len(download["comments"]) == 3 and download["notifications"]
    assert client.post("/account/delete/", {"confirm": "DELETE"}).status_code == 302
    page = client.get("/paris/processes/climate/").content.decode()
    assert "<strong>trees</strong>" in page and "Deleted account" in page
    assert "<strong>Ana</strong>" not in page
    assert "1 up, 0 down" in page
