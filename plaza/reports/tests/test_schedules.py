"""Beat and cron queue the same jobs: one per jurisdiction that needs it, once per time slot."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from django_scopes import scopes_disabled

from plaza.celery import app
from plaza.core.models import Job
from plaza.reports.forwarding import set_open311_destination
from plaza.reports.models import PendingReport
from plaza.reports.schedules import queue_pull_open311, queue_purge_unconfirmed


def _jobs(kind):
    with scopes_disabled():
        return list(Job.objects.filter(kind=kind).order_by("id"))


def test_beat_names_both_report_tasks_and_they_are_registered():
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"plaza.reports.tasks.pull_open311", "plaza.reports.tasks.purge_unconfirmed"} <= tasks
    app.loader.import_default_modules()
    assert {"plaza.reports.tasks.pull_open311", "plaza.reports.tasks.purge_unconfirmed"} <= set(app.tasks)


def test_pull_is_queued_only_where_a_category_is_forwarded_and_once_per_slot(seoul, seoul_admin, pothole):
    assert queue_pull_open311() == []  # nothing forwarded: nothing queued
    set_open311_destination(
        actor=seoul_admin, category=pothole, endpoint="https://roads.example/open311/v2/", service_code="x", api_key="k"
    )
    call_command("pull_open311", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("pull_open311", stdout=open("/dev/null", "w"))  # noqa: SIM115 - the same slot: no second job
    assert [job.jurisdiction_id for job in _jobs("reports.pull_open311")] == [seoul.pk]
    queue_pull_open311(timezone.now() + timedelta(minutes=15))  # the next slot
    assert len(_jobs("reports.pull_open311")) == 2


def test_purge_is_queued_where_a_link_expired_and_forgets_it(
    seoul, component, pothole, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        pending = PendingReport.objects.create(
            jurisdiction=seoul,
            component=component,
            category=pothole,
            email="minji@example.org",
            description="A hole",
            address="City Hall",
            expires_at=timezone.now() + timedelta(hours=48),
        )
    assert queue_purge_unconfirmed() == []  # the link still works
    with scopes_disabled():
        PendingReport.objects.filter(pk=pending.pk).update(
            created_at=timezone.now() - timedelta(hours=50), expires_at=timezone.now() - timedelta(hours=2)
        )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_unconfirmed", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [job.jurisdiction_id for job in _jobs("reports.purge_unconfirmed")] == [seoul.pk]
    with scopes_disabled():
        assert not PendingReport.objects.filter(pk=pending.pk).exists()  # the job ran (eagerly in tests)
    assert queue_purge_unconfirmed() == []  # nothing left to forget


def test_the_beat_task_queues_the_jobs(seoul, seoul_admin, pothole):
    set_open311_destination(
        actor=seoul_admin, category=pothole, endpoint="https://roads.example/open311/v2/", service_code="x", api_key="k"
    )
    app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    task = app.tasks[app.conf.beat_schedule["reports-pull-open311"]["task"]]
    assert task.apply().get() == 1
    assert task.apply().get() == 1  # the same slot: the same job, not a second one
    assert len(_jobs("reports.pull_open311")) == 1
    purge = app.tasks[app.conf.beat_schedule["reports-purge-unconfirmed"]["task"]]
    assert purge.apply().get() == 0  # no expired link anywhere
