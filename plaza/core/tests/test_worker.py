"""Background jobs on a real Celery worker and Redis: a job runs, and survives its worker being killed.

These tests need Redis: REDIS_URL_FOR_TESTS, else redis://127.0.0.1:6379/15, else a redis-server the
suite starts itself on a free port. Without any they fail with a clear message; set
PLAZA_SKIP_WORKER_TESTS=1 to skip them on purpose.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.db import connection

from plaza.core import jobs
from plaza.core.models import AuditEntry, Job
from plaza.core.tenancy import across_jurisdictions
from plaza.core.tests import jobs_for_tests  # noqa: F401 - registers the tests' jobs in this process
from plaza.core.tests.factories import UserFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

STALE_SECONDS = 3


@pytest.fixture
def celery_queue(redis_url, settings):
    """A queue of this test's own, so stray messages of other runs on the same Redis never reach it."""
    from plaza.celery import app

    queue = f"plaza-test-{uuid.uuid4().hex[:12]}"
    settings.PLAZA_JOB_BACKEND = "celery"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    previous = app.conf.broker_url
    app.conf.broker_url = redis_url
    app._pool = None  # connections made for the previous broker are not reused
    yield queue
    app.conf.broker_url = previous
    app._pool = None
    client = redis.Redis.from_url(redis_url)
    client.delete(queue, *client.keys(f"{queue}*"))


def database_url() -> str:
    """The test database, as a worker process reaches it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db(), "worker tests need a file SQLite database"
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'])}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def start_worker(transactional_db, celery_queue, redis_url, tmp_path):
    """Starts `celery -A plaza worker` on the test database; every worker is killed at the end."""
    started: list[subprocess.Popen] = []
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "plaza.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "PLAZA_CELERY_QUEUE": celery_queue,
        "PLAZA_JOB_HEARTBEAT_SECONDS": "0.5",
        "PLAZA_JOB_STALE_SECONDS": str(STALE_SECONDS),
        "PLAZA_JOB_PROGRESS_SECONDS": "0",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    env.pop("SQLITE_TEST_NAME", None)

    def start() -> subprocess.Popen:
        log = open(tmp_path / f"worker-{len(started)}.log", "wb")  # noqa: SIM115 - closed with the process
        command = [str(Path(sys.executable).with_name("celery")), "-A", "plaza", "worker", "-Q", celery_queue]
        command += ["--concurrency=1", "--loglevel=INFO", "--without-gossip", "--without-mingle"]
        command += ["--include=plaza.core.tests.jobs_for_tests", f"--hostname={celery_queue}-{len(started)}@%h"]
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    for log in sorted(tmp_path.glob("worker-*.log")):
        print(f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}")


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with across_jurisdictions():
            found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what}.")


def job_row(pk: int) -> Job:
    with across_jurisdictions():
        return Job.objects.get(pk=pk)


def side_effects(job: Job, action: str) -> int:
    with across_jurisdictions():
        return AuditEntry.objects.filter(target_type="core.job", target_id=str(job.pk), action=action).count()


def test_a_worker_runs_a_job(paris, start_worker):
    start_worker()
    job = jobs.enqueue(jurisdiction=paris, kind="tests.slow", params={"steps": 3}, actor=UserFactory())
    done = wait_for(lambda: Job.objects.filter(pk=job.pk, status__in=Job.FINISHED).first(), 25, "the job to finish")
    assert (done.status, done.attempts, done.result) == (Job.Status.SUCCEEDED, 1, {"steps": 3})
    assert (done.progress_done, done.progress_total) == (3, 3)


def test_a_job_whose_worker_is_killed_completes_exactly_once_on_a_new_worker(paris, start_worker):
    first = start_worker()
    job = jobs.enqueue(jurisdiction=paris, kind="tests.slow", params={"steps": 12, "delay": 0.25}, actor=UserFactory())
    wait_for(lambda: Job.objects.filter(pk=job.pk, status="running", progress_done__gte=2).exists(), 20, "progress")
    os.killpg(first.pid, signal.SIGKILL)  # the whole worker: main process and its pool
    first.wait(timeout=10)
    killed = job_row(job.pk)
    assert killed.status == Job.Status.RUNNING and killed.progress_done < 12
    time.sleep(STALE_SECONDS + 1)  # its heartbeat goes stale: the job is taken for dead

    start_worker()  # on start, requeue_stale_jobs() puts the job back in the queue
    done = wait_for(lambda: Job.objects.filter(pk=job.pk, status__in=Job.FINISHED).first(), 20, "the job to finish")
    assert (done.status, done.attempts) == (Job.Status.SUCCEEDED, 2)
    assert (done.progress_done, done.progress_total) == (12, 12)
    assert side_effects(job, "tests.slow.started") == 2  # started by each worker
    assert side_effects(job, "tests.slow.done") == 1  # completed once
