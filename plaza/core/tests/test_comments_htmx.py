"""With JavaScript, htmx swaps only the piece that changed; without it, the same forms post and redirect."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from plaza.core.models import Comment, CommentVote, Follow
from plaza.core.operations.comments import post_comment
from plaza.core.tests.factories import ComponentStepFactory, PhaseFactory, ProcessFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/paris/processes/climate/"
HTMX = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{PAGE}?order=newest"}


@pytest.fixture
def process(paris, unscoped):
    found = ProcessFactory(jurisdiction=paris, slug="climate", title="Climate plan")
    ComponentStepFactory(phase=PhaseFactory(process=found), actions=["comment"])
    return found


@pytest.fixture
def ana(db):
    return UserFactory(public_name="Ana")


@pytest.fixture
def bruno(client, db):
    user = UserFactory(public_name="Bruno")
    client.force_login(user)
    return user


def _comment(client, process, headers=None, **data):
    form = {"target_type": "core.process", "target_id": process.pk, "next": PAGE, "heading_level": "2", **data}
    return client.post("/paris/comments/new/", form, headers=headers or {})


def _is_fragment(response) -> str:
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<!DOCTYPE" not in html and "site-header" not in html
    return html


def test_the_page_loads_the_vendored_htmx_with_defer(client, process):
    page = client.get(PAGE).content.decode()
    assert '<script src="/static/core/vendor/htmx/htmx.min.js" defer></script>' in page
    found = Path(finders.find("core/vendor/htmx/htmx.min.js"))
    assert found.stat().st_size > 40_000 and (found.parent / "LICENSE").exists()
    assert '<script src="http' not in page  # no CDN


def test_posting_a_comment_with_htmx_returns_the_thread_alone(client, process, bruno):
    html = _is_fragment(_comment(client, process, HTMX, body="We need **more** trees"))
    comment = Comment.objects.get()
    assert html.lstrip().startswith("<section") and 'id="comments"' in html
    assert "<strong>more</strong>" in html and "1 comment" in html and "Your comment is published." in html
    assert f'id="comment-{comment.pk}"' in html and 'tabindex="-1" autofocus' in html
    assert f'name="next" value="{PAGE}?order=newest"' in html  # forms still lead back to the page read
    assert 'href="?order=newest#comments" aria-current="true"' in html  # in the order the resident chose


def test_posting_a_comment_without_htmx_redirects(client, process, bruno):
    response = _comment(client, process, body="Plain post")
    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{PAGE}#comment-{comment.pk}"


def test_a_reply_with_htmx_threads_under_its_parent(client, process, ana, bruno):
    parent = post_comment(actor=ana, target=process, body="Plant trees")
    html = _is_fragment(_comment(client, process, HTMX, body="Agreed", parent=parent.pk))
    reply = Comment.objects.get(parent=parent)
    assert "Agreed" in html and "comment-indent-1" in html and "2 comments" in html
    assert html.index(f'id="comment-{parent.pk}"') < html.index(f'id="comment-{reply.pk}"')


def test_a_refused_comment_with_htmx_shows_why_next_to_the_field(client, process, bruno):
    html = _is_fragment(_comment(client, process, HTMX, body="   "))
    assert 'id="id_comment_body_error"><p>Write something before sending.' in html
    assert "There is a problem" in html and not Comment.objects.exists()


def test_a_refused_reply_with_htmx_keeps_the_text_in_its_open_form(client, process, ana, bruno):
    parent = post_comment(actor=ana, target=process, body="Plant trees")
    too_long = "x" * 5001
    html = _is_fragment(_comment(client, process, HTMX, body=too_long, parent=parent.pk))
    assert '<details class="comment-reply" open>' in html and too_long in html
    assert "5000" in html and Comment.objects.count() == 1


def test_a_closed_phase_with_htmx_says_so_and_writes_nothing(client, process, bruno):
    process.phases.update(ends_at=timezone.now())
    html = _is_fragment(_comment(client, process, HTMX, body="Too late"))
    assert 'role="alert">Comments are not open in the current phase.' in html
    assert not Comment.objects.exists()


def test_voting_with_htmx_returns_only_that_comments_votes(client, process, ana, bruno):
    comment = post_comment(actor=ana, target=process, body="Plant trees")
    url = f"/paris/comments/{comment.pk}/vote/"
    html = _is_fragment(client.post(url, {"value": "up", "next": PAGE}, headers=HTMX))
    assert html.lstrip().startswith(f'<div class="comment-vote" id="vote-{comment.pk}">')
    assert "1 up, 0 down" in html and "Plant trees" not in html
    assert f'id="vote-up-{comment.pk}" name="value" value="up" aria-pressed="true"' in html
    html = _is_fragment(client.post(url, {"value": "down"}, headers=HTMX))
    assert (
        "0 up, 1 down" in html and f'id="vote-down-{comment.pk}" name="value" value="down" aria-pressed="true"' in html
    )
    assert CommentVote.objects.get().value == -1


def test_voting_without_htmx_redirects(client, process, ana, bruno):
    comment = post_comment(actor=ana, target=process, body="Plant trees")
    response = client.post(f"/paris/comments/{comment.pk}/vote/", {"value": "up", "next": PAGE})
    assert response.status_code == 302 and response["Location"] == f"{PAGE}#comment-{comment.pk}"


def test_follow_and_unfollow_with_htmx_swap_the_button(client, process, bruno):
    data = {"target_type": "core.process", "target_id": process.pk, "next": PAGE}
    html = _is_fragment(client.post("/paris/follow/", data, headers=HTMX))
    assert html.startswith("<form") and "Stop following" in html and 'role="status"' in html
    assert Follow.objects.filter(user=bruno).exists()
    html = _is_fragment(client.post("/paris/follow/", {**data, "action": "unfollow"}, headers=HTMX))
    assert ">Follow</button>" in html and not Follow.objects.filter(user=bruno).exists()


def test_following_without_htmx_redirects(client, process, bruno):
    data = {"target_type": "core.process", "target_id": process.pk, "next": PAGE}
    response = client.post("/paris/follow/", data)
    assert response.status_code == 302 and response["Location"] == PAGE
