"""Background jobs on the inline backend: submitting, running, retrying, cancelling, and their pages."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import timezone

from plaza.core import jobs
from plaza.core.audit import record
from plaza.core.models import AuditEntry, Job, Role
from plaza.core.tenancy import across_jurisdictions
from plaza.core.tests import jobs_for_tests  # noqa: F401 - registers the tests' jobs
from plaza.core.tests.factories import RoleGrantFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """The inline backend runs jobs after commit; tests run inside a transaction, so commit is simulated."""

    def submit(**kwargs) -> Job:
        with django_capture_on_commit_callbacks(execute=True):
            submitted = jobs.enqueue(**kwargs)
        with across_jurisdictions():
            return Job.objects.get(pk=submitted.pk)

    return submit


@pytest.fixture
def resident(db):
    return UserFactory(email="resident@example.org", public_name="Ana")


def audit_actions(job: Job) -> list[str]:
    with across_jurisdictions():
        entries = AuditEntry.objects.filter(target_id=str(job.pk), target_type="core.job")
        return list(entries.values_list("action", flat=True))


def test_a_job_runs_after_commit_and_stores_progress_and_result(paris, resident, run_on_commit):
    job = run_on_commit(jurisdiction=paris, kind="tests.slow", params={"steps": 4}, actor=resident)
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"steps": 4}
    assert (job.progress_done, job.progress_total, job.progress_message) == (4, 4, "Step 4 of 4")
    assert job.attempts == 1 and job.created_by == resident
    assert job.started_at <= job.finished_at
    assert sorted(audit_actions(job)) == ["tests.slow.done", "tests.slow.started"]


def test_nothing_runs_if_the_submitting_transaction_rolls_back(paris, resident, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        job = jobs.enqueue(jurisdiction=paris, kind="tests.slow", params={}, actor=resident)
    assert len(callbacks) == 1  # dispatch waits for the commit
    with across_jurisdictions():
        assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED


def test_unknown_kind_and_non_json_parameters_are_refused(paris, resident):
    with pytest.raises(jobs.UnknownJobKind):
        jobs.enqueue(jurisdiction=paris, kind="nope.nothing", params={}, actor=resident)
    with pytest.raises(TypeError):
        jobs.enqueue(jurisdiction=paris, kind="tests.slow", params={"when": object()}, actor=resident)
    with across_jurisdictions():
        assert not Job.objects.exists()


def test_progress_is_throttled_but_the_last_step_is_always_saved(paris, resident, settings):
    settings.PLAZA_JOB_PROGRESS_SECONDS = 3600
    with across_jurisdictions():
        job = Job.objects.create(jurisdiction=paris, kind="tests.slow", status="running", attempts=1)
    context = jobs.JobContext(job)
    saved = lambda: Job.objects.with_scope(jurisdiction=paris).values_list("progress_done", flat=True).get()  # noqa: E731
    context.progress(1, 10, "first")
    assert saved() == 1
    context.progress(2, 10, "second")
    assert saved() == 1
    context.progress(10, 10, "last")
    assert saved() == 10


def test_a_failing_job_is_retried_then_succeeds(paris, resident, run_on_commit):
    job = run_on_commit(jurisdiction=paris, kind="tests.flaky", params={"succeed_on": 2}, actor=resident)
    assert job.status == Job.Status.SUCCEEDED
    assert job.attempts == 2 and job.result == {"attempt": 2}
    assert job.error == ""


def test_a_job_that_keeps_failing_gives_up_with_a_clear_error_and_no_secret(paris, resident, run_on_commit, caplog):
    job = run_on_commit(jurisdiction=paris, kind="tests.flaky", params={"succeed_on": 99}, actor=resident)
    assert "RuntimeError" in caplog.text and "hunter2" not in caplog.text  # the log has the traceback, no secret
    assert job.status == Job.Status.FAILED
    assert job.attempts == 3 == job.max_attempts
    assert "RuntimeError" in job.error and "gave up after 3 attempts" in job.error
    assert "hunter2" not in job.error and job.finished_at is not None


def test_a_job_error_is_shown_as_written_and_not_retried(paris, resident, run_on_commit):
    job = run_on_commit(jurisdiction=paris, kind="tests.refuses", params={}, actor=resident)
    assert (job.status, job.attempts, job.error) == (Job.Status.FAILED, 1, "The file is not a CSV file.")


def test_celery_backend_sends_the_retry_with_backoff(paris, resident, settings, monkeypatch):
    settings.PLAZA_JOB_BACKEND = "celery"
    sent = []
    from plaza.core import tasks

    monkeypatch.setattr(tasks.run_job, "apply_async", lambda **kwargs: sent.append(kwargs))
    with across_jurisdictions():
        job = Job.objects.create(jurisdiction=paris, kind="tests.flaky", parameters={"succeed_on": 9}, max_attempts=3)
    jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.attempts == 1 and "RuntimeError" in job.error
    assert sent == [{"args": [job.pk], "countdown": 5.0, "queue": settings.CELERY_TASK_DEFAULT_QUEUE}]
    assert job.run_after > timezone.now() + timedelta(seconds=4)
    assert jobs.run_job(job.pk) is None  # a message arriving before the backoff is over does nothing
    assert jobs.job_type("tests.flaky").backoff(2) == 10.0


def test_a_broker_outage_leaves_the_job_queued_for_the_sweep(
    paris, resident, settings, monkeypatch, run_on_commit, caplog
):
    settings.PLAZA_JOB_BACKEND = "celery"
    from plaza.core import tasks

    def broker_down(**kwargs):
        raise ConnectionError("Error 111 connecting to redis://:s3cret@127.0.0.1:6379")

    monkeypatch.setattr(tasks.run_job, "apply_async", broker_down)
    job = run_on_commit(jurisdiction=paris, kind="tests.slow", params={}, actor=resident)
    assert (job.status, job.attempts) == (Job.Status.QUEUED, 0)
    assert "broker refused it" in caplog.text and "s3cret" not in caplog.text


def test_an_idempotency_key_returns_the_existing_job(paris, madrid, resident, run_on_commit):
    first = run_on_commit(jurisdiction=paris, kind="tests.slow", params={}, actor=resident, idempotency_key="k-1")
    again = run_on_commit(jurisdiction=paris, kind="tests.slow", params={}, actor=resident, idempotency_key="k-1")
    elsewhere = run_on_commit(jurisdiction=madrid, kind="tests.slow", params={}, actor=resident, idempotency_key="k-1")
    assert again.pk == first.pk and elsewhere.pk != first.pk
    assert audit_actions(first).count("tests.slow.started") == 1  # not run twice
    with across_jurisdictions(), pytest.raises(IntegrityError):
        Job.objects.create(jurisdiction=paris, kind="tests.slow", idempotency_key="k-1")


def test_a_running_job_stops_when_cancelled(paris, resident, run_on_commit, settings):
    settings.PLAZA_JOB_PROGRESS_SECONDS = 0
    job = run_on_commit(jurisdiction=paris, kind="tests.slow", params={"steps": 5, "cancel_at": 3}, actor=resident)
    assert job.status == Job.Status.CANCELLED
    assert job.progress_done == 2
    assert "tests.slow.done" not in audit_actions(job)
    assert "job.cancel" in audit_actions(job)


def test_a_queued_job_once_cancelled_never_runs(paris, resident, django_capture_on_commit_callbacks):
    from plaza.core.operations.jobs import cancel_job

    with django_capture_on_commit_callbacks() as callbacks:
        job = jobs.enqueue(jurisdiction=paris, kind="tests.slow", params={}, actor=resident)
    assert cancel_job(actor=resident, job=job) is True
    callbacks[0]()  # the dispatch arrives late
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and job.attempts == 0
    assert cancel_job(actor=resident, job=job) is False


def test_a_handler_runs_in_its_jurisdiction_scope(paris, madrid, paris_admin, madrid_admin, run_on_commit):
    job = run_on_commit(jurisdiction=madrid, kind="tests.role_holders", params={}, actor=madrid_admin)
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"emails": ["admin@madrid.example"]}  # Paris's admin is not visible


def test_a_job_is_claimed_once(paris):
    with across_jurisdictions():
        job = Job.objects.create(jurisdiction=paris, kind="tests.slow")
    assert jobs.claim(job.pk).attempts == 1
    assert jobs.claim(job.pk) is None


def test_stale_jobs_are_queued_again_or_failed_when_out_of_attempts(paris, settings, unscoped):
    long_ago = timezone.now() - timedelta(seconds=settings.PLAZA_JOB_STALE_SECONDS + 5)
    fresh = timezone.now()
    running = dict(jurisdiction=paris, kind="tests.slow", status="running", max_attempts=3)
    dead = Job.objects.create(**running, attempts=1, heartbeat_at=long_ago)
    exhausted = Job.objects.create(**running, attempts=3, heartbeat_at=long_ago)
    alive = Job.objects.create(**running, attempts=1, heartbeat_at=fresh)
    lost_message = Job.objects.create(jurisdiction=paris, kind="tests.slow")
    Job.objects.filter(pk=lost_message.pk).update(created_at=long_ago)
    out = io.StringIO()
    call_command("requeue_stale_jobs", stdout=out)
    assert "Queued again: 2" in out.getvalue()
    for found in (dead, exhausted, alive, lost_message):
        found.refresh_from_db()
    assert (dead.status, dead.attempts) == (Job.Status.SUCCEEDED, 2)
    assert exhausted.status == Job.Status.FAILED and "no attempts left" in exhausted.error
    assert (alive.status, alive.attempts) == (Job.Status.RUNNING, 1)
    assert (lost_message.status, lost_message.attempts) == (Job.Status.SUCCEEDED, 1)


def test_a_runner_presumed_dead_cannot_overwrite_the_new_attempt(paris, unscoped):
    job = Job.objects.create(jurisdiction=paris, kind="tests.slow", status="running", attempts=1)
    context = jobs.JobContext(job)
    Job.objects.filter(pk=job.pk).update(attempts=2)  # another worker claimed it since
    with pytest.raises(jobs.JobLost):
        context.progress(1, 3, "late")


def test_the_beat_schedule_sweeps_stale_jobs():
    from plaza.celery import app

    entries = [entry["task"] for entry in app.conf.beat_schedule.values()]
    assert "plaza.core.tasks.requeue_stale_jobs" in entries


# Pages


def make_job(jurisdiction, creator, **fields) -> Job:
    with across_jurisdictions():
        return Job.objects.create(jurisdiction=jurisdiction, kind="tests.slow", created_by=creator, **fields)


def test_the_creator_sees_the_job_page_with_its_progress(client, paris, resident):
    job = make_job(paris, resident, status="running", progress_done=3, progress_total=8, progress_message="Reading")
    client.force_login(resident)
    page = client.get(f"/paris/jobs/{job.pk}/").content.decode()
    assert "Running" in page and "Reading" in page and "3 of 8 done" in page
    assert 'hx-trigger="every 2s"' in page  # polls with JS on
    assert f'href="/paris/jobs/{job.pk}/">Refresh' in page  # and reloads without it
    assert "Cancel this job" in page


def test_htmx_polling_gets_a_fragment_and_stops_when_the_job_is_done(client, paris, resident):
    job = make_job(paris, resident, status="running")
    client.force_login(resident)
    running = client.get(f"/paris/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    assert running.status_code == 200 and "<html" not in running.content.decode()
    with across_jurisdictions():
        Job.objects.filter(pk=job.pk).update(status="succeeded")
    done = client.get(f"/paris/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    assert done.status_code == 286 and "Succeeded" in done.content.decode()
    page = client.get(f"/paris/jobs/{job.pk}/").content.decode()
    assert "hx-trigger" not in page and "Refresh" not in page


def test_the_job_as_json(client, paris, resident):
    job = make_job(paris, resident, status="failed", error="Bad file", progress_done=1, progress_total=2)
    client.force_login(resident)
    data = json.loads(client.get(f"/paris/jobs/{job.pk}.json").content)
    assert data["status"] == "failed" and data["error"] == "Bad file"
    assert data["progress"] == {"done": 1, "total": 2, "message": ""}


@pytest.mark.parametrize("who", ["anonymous", "other resident", "madrid admin", "paris moderator"])
def test_others_get_404(client, paris, madrid, resident, madrid_admin, who):
    job = make_job(paris, resident)
    if who == "other resident":
        client.force_login(UserFactory())
    elif who == "madrid admin":
        client.force_login(madrid_admin)
        assert client.get(f"/madrid/jobs/{job.pk}/").status_code == 404  # not in Madrid either
    elif who == "paris moderator":
        moderator = UserFactory()
        with across_jurisdictions():
            RoleGrantFactory(jurisdiction=paris, user=moderator, role=Role.MODERATOR)
        client.force_login(moderator)
    for address in (f"/paris/jobs/{job.pk}/", f"/paris/jobs/{job.pk}.json", f"/paris/jobs/{job.pk}/download/"):
        assert client.get(address).status_code == 404


def test_the_jurisdictions_admin_sees_the_job_and_the_list(
    client, paris, madrid, resident, paris_admin, django_assert_max_num_queries
):
    job = make_job(paris, resident, status="succeeded")
    for _n in range(5):
        make_job(paris, UserFactory(), status="queued")
    make_job(madrid, resident)
    client.force_login(paris_admin)
    assert client.get(f"/paris/jobs/{job.pk}/").status_code == 200
    with django_assert_max_num_queries(8):
        page = client.get("/paris/manage/jobs/").content.decode()
    assert page.count("<tr>") == 1 + 6  # header and Paris's six jobs, not Madrid's
    assert f'href="/paris/jobs/{job.pk}/"' in page and "Ana" in page


def test_the_jobs_list_is_for_admins_only(client, paris, resident):
    client.force_login(resident)
    assert client.get("/paris/manage/jobs/").status_code == 403


def test_cancel_from_the_page(client, paris, resident):
    job = make_job(paris, resident)
    client.force_login(resident)
    response = client.post(f"/paris/jobs/{job.pk}/cancel/", follow=True)
    assert "The job was cancelled." in response.content.decode()
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED


# The audit log export, core's own job


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_exporting_the_public_record_from_its_page(
    client, paris, madrid, paris_admin, resident, media, django_capture_on_commit_callbacks
):
    with across_jurisdictions():
        record(jurisdiction=paris, actor=paris_admin, action="role.grant", reason="=cmd|' /C calc'!A0", public=True)
        record(jurisdiction=paris, actor=paris_admin, action="census.import", public=False)
        record(jurisdiction=madrid, actor=None, action="madrid.only", public=True)
    assert "Sign in to export" in client.get("/paris/audit/").content.decode()
    client.force_login(resident)
    assert "Export the public record as CSV" in client.get("/paris/audit/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/paris/audit/export/")
    job_page = client.get(response["Location"]).content.decode()
    assert "Succeeded" in job_page and "Download audit-log-paris.csv" in job_page
    job_id = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    download = client.get(f"/paris/jobs/{job_id}/download/")
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert rows[0][:4] == ["id", "created_at", "actor", "action"]
    assert [row[3] for row in rows[1:]] == ["role.grant"]  # public only, Paris only
    assert rows[1][7].startswith("'=")  # a spreadsheet will not run it
    # Asking again before the record changes gives the same job.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/paris/audit/export/")["Location"] == response["Location"]


def test_exporting_needs_an_account(client, paris):
    assert client.post("/paris/audit/export/").status_code == 302
    with across_jurisdictions():
        assert not Job.objects.exists()
