"""The daily digest runs as a scheduled background task."""

import pytest
from celery.schedules import crontab

from plaza.celery import app
from plaza.core.operations.comments import follow, post_comment
from plaza.core.tests.factories import ComponentStepFactory, PhaseFactory, ProcessFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_beat_runs_the_digest_task_once_a_day():
    app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    entry = app.conf.beat_schedule["notification-digests"]
    assert entry["task"] in app.tasks
    assert isinstance(entry["schedule"], crontab) and entry["schedule"].hour == {6}


def test_the_task_sends_the_pending_digests(paris, unscoped, mailoutbox, django_capture_on_commit_callbacks):
    process = ProcessFactory(jurisdiction=paris, title="Climate plan")
    ComponentStepFactory(phase=PhaseFactory(process=process), actions=["comment"])
    reader = UserFactory(notification_emails="daily")
    follow(actor=reader, target=process)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(actor=UserFactory(public_name="Ana"), target=process, body="Plant trees")
    app.loader.import_default_modules()
    task = app.tasks[app.conf.beat_schedule["notification-digests"]["task"]]
    assert task.apply().get() == 1
    assert [m.to for m in mailoutbox] == [[reader.email]]
    assert task.apply().get() == 0  # already sent: a repeated run e-mails nobody twice
