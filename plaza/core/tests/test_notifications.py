"""Notifications: followers hear of new comments in-site and by e-mail, now or in a daily digest."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from plaza.core.models import Notification, Role
from plaza.core.operations.comments import flag_comment, follow, hide_comment, post_comment
from plaza.core.operations.notifications import EVENTS, notify, register_event, send_digests
from plaza.core.tenancy import jurisdiction_scope
from plaza.core.tests.factories import (
    ComponentStepFactory,
    PhaseFactory,
    ProcessFactory,
    RoleGrantFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def process(paris, unscoped):
    found = ProcessFactory(jurisdiction=paris, slug="climate", title="Climate plan")
    ComponentStepFactory(phase=PhaseFactory(process=found), actions=["comment"])
    return found


@pytest.fixture
def paris_moderator(paris, unscoped):
    user = UserFactory(public_name="Mod")
    RoleGrantFactory(jurisdiction=paris, user=user, role=Role.MODERATOR)
    return user


@pytest.fixture
def author(db):
    return UserFactory(public_name="Ana", notification_emails="immediate")


@pytest.fixture
def follower(process, unscoped):
    user = UserFactory(public_name="Bruno", notification_emails="immediate")
    follow(actor=user, target=process)
    return user


def test_follower_is_notified_in_site_and_by_email_and_the_actor_is_not(
    process, author, follower, mailoutbox, django_capture_on_commit_callbacks
):
    follow(actor=author, target=process)
    with django_capture_on_commit_callbacks(execute=True):
        comment = post_comment(actor=author, target=process, body="Plant trees")
    notification = Notification.objects.get()
    assert notification.recipient == follower and notification.actor == author
    assert notification.url == f"/paris/processes/climate/#comment-{comment.pk}"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [follower.email]
    assert "Ana commented on “Climate plan”." in mailoutbox[0].subject
    assert f"/paris/processes/climate/#comment-{comment.pk}" in mailoutbox[0].body
    assert Notification.objects.get().emailed_at is not None


def test_commenting_makes_the_author_a_follower(process, author, follower, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(actor=author, target=process, body="First")
        post_comment(actor=follower, target=process, body="Second")
    assert sorted(n.recipient.public_name for n in Notification.objects.all()) == ["Ana", "Bruno"]


def test_daily_digest_groups_several_in_one_email(process, author, mailoutbox, django_capture_on_commit_callbacks):
    reader = UserFactory(notification_emails="daily")
    silent = UserFactory(notification_emails="never")
    follow(actor=reader, target=process)
    follow(actor=silent, target=process)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            post_comment(actor=author, target=process, body=f"Idea {n}")
    assert mailoutbox == []  # nobody chose immediate e-mails
    assert Notification.objects.filter(recipient=silent).count() == 3  # still told on the site
    assert send_digests() == 1
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [reader.email]
    assert "3 new notifications" in mailoutbox[0].subject
    assert mailoutbox[0].body.count("Ana commented on “Climate plan”.") == 3
    assert send_digests() == 0  # nothing is e-mailed twice


def test_email_is_written_in_the_recipients_language(process, author, mailoutbox, django_capture_on_commit_callbacks):
    class LanguageSeen:
        def __str__(self):
            return f"language={translation.get_language()} %(target)s"

    register_event("test.language", LanguageSeen())
    try:
        reader = UserFactory(notification_emails="immediate", language="fr")
        with django_capture_on_commit_callbacks(execute=True):  # the e-mail job runs once the write commits
            notify(
                jurisdiction=process.jurisdiction,
                event="test.language",
                target=process,
                actor=author,
                recipients=[reader],
            )
    finally:
        EVENTS.pop("test.language")
    assert "language=fr" in mailoutbox[0].subject


def test_hidden_comment_author_and_moderators_are_told(
    process, author, follower, paris_moderator, django_capture_on_commit_callbacks
):
    comment = post_comment(actor=author, target=process, body="Rude")
    with django_capture_on_commit_callbacks(execute=True):
        flag_comment(actor=follower, comment=comment, reason="offensive")
    assert Notification.objects.get(recipient=paris_moderator).event == "comment.flagged"
    with django_capture_on_commit_callbacks(execute=True):
        hide_comment(actor=paris_moderator, comment=comment, reason="Insults")
    assert Notification.objects.get(recipient=author).event == "comment.hidden"


def test_notifications_page_lists_marks_read_and_counts_in_the_header(
    client, process, author, follower, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(actor=author, target=process, body="One")
        post_comment(actor=author, target=process, body="Two")
    client.force_login(follower)
    page = client.get("/account/notifications/").content.decode()
    assert "2 unread" in page and page.count("Ana commented on “Climate plan”.") == 2
    first = Notification.objects.filter(recipient=follower).first()
    response = client.post(f"/account/notifications/{first.pk}/read/")
    assert response.status_code == 302 and response["Location"].startswith("/paris/processes/climate/#comment-")
    assert "1 unread" in client.get("/paris/").content.decode()
    client.post("/account/notifications/read/")
    assert "unread" not in client.get("/account/notifications/").content.decode()


def test_nobody_reads_or_marks_another_accounts_notifications(
    client, process, author, follower, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(actor=author, target=process, body="One")
    client.force_login(author)
    notification = Notification.objects.get(recipient=follower)
    assert client.post(f"/account/notifications/{notification.pk}/read/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_email_setting_is_saved_and_bad_choice_refused(client, follower):
    client.force_login(follower)
    response = client.post("/account/notifications/", {"notification_emails": "hourly"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert client.post("/account/notifications/", {"notification_emails": "daily"}).status_code == 302
    follower.refresh_from_db()
    assert follower.notification_emails == "daily"


def test_send_digests_command(process, author, mailoutbox, django_capture_on_commit_callbacks):
    reader = UserFactory(notification_emails="daily")
    follow(actor=reader, target=process)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(actor=author, target=process, body="Idea")
    out = StringIO()
    call_command("send_digests", stdout=out)
    assert "1 digests sent." in out.getvalue() and len(mailoutbox) == 1


def test_a_failing_mail_server_never_fails_the_write_and_the_job_retries(
    process, author, settings, django_capture_on_commit_callbacks
):
    from unittest import mock

    from plaza.core.models import Job

    reader = UserFactory(notification_emails="immediate")
    smtp_down = mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=OSError("down"))
    with smtp_down, django_capture_on_commit_callbacks(execute=True):
        rows = notify(
            jurisdiction=process.jurisdiction,
            event="comment.posted",
            target=process,
            actor=author,
            recipients=[reader],
        )
    assert len(rows) == 1  # the notification exists whatever the mail server did
    with jurisdiction_scope(process.jurisdiction):
        job = Job.objects.get(kind="core.email_notifications")
        assert job.status == "failed" and job.attempts == 5
        assert Notification.objects.get(pk=rows[0].pk).emailed_at is None
