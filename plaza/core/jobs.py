"""Background jobs: the registry of handlers, submitting a job, and running it exactly once.

Writing a job
-------------
An app declares its handlers in its own ``jobs.py``; core discovers those modules at start-up
(``autodiscover_modules("jobs")``) and never imports a domain app::

    from plaza.core.jobs import JobError, job

    @job("data.harvest", max_attempts=3, retry_backoff=60)
    def harvest(job, context):
        sources = list_sources(job.parameters["catalogue"])
        for number, source in enumerate(sources, 1):
            context.check_cancelled()
            harvest_one(source)
            context.progress(number, len(sources), f"Harvested {source.title}")
        return {"datasets": len(sources)}  # stored as job.result (JSON)

and submits one with ``enqueue(jurisdiction=..., kind="data.harvest", params={...}, actor=user)``.
The handler runs inside ``jurisdiction_scope(job.jurisdiction)`` (tenant queries just work, and
never see another jurisdiction's rows) with the jurisdiction's default language active.

The contract: a handler is idempotent
-------------------------------------
A job runs *at least once* and *completes once*. A worker can die half-way (a deploy, the OOM
killer, SIGKILL): its job stays "running" while its heartbeat goes stale, then it is claimed
again (the redelivered Celery message, or ``requeue_stale_jobs``) and the handler starts again
from the beginning with ``job.attempts`` one higher. So a handler must be safe to run again
after a partial run:

- write with ``update_or_create``/``get_or_create`` or behind unique constraints keyed on what
  it imports, never blind inserts;
- commit in chunks, not one transaction around the whole job (progress saved inside an open
  transaction is invisible to the page, and a long transaction blocks SQLite's one writer);
- name its output after the job (``exports/<job id>.csv``) so a rerun overwrites it;
- send mail or notifications last, or record that they went out;
- raise ``JobError(message)`` for a failure a person should read (not retried); any other
  exception is retried with backoff up to ``max_attempts`` and shown as a generic message (the
  details go to the server log, which redacts secrets, never to the page).

Backends (``settings.PLAZA_JOB_BACKEND``)
-----------------------------------------
- ``"inline"`` (tests, the demo, a laptop): the job runs in the submitting process and thread
  right after the submitting transaction commits, so the request that submitted it waits for
  it; retries run at once, without the backoff wait. Chosen over a thread because SQLite has
  one writer and tests stay deterministic; long jobs belong on Celery.
- ``"celery"``: the job's id goes to the task ``plaza.core.tasks.run_job``; with acks_late and
  reject_on_worker_lost a message whose worker died is delivered again; a retry is sent with a
  countdown (the backoff).

Exactly once
------------
``run_job`` claims the row with one conditional UPDATE (queued and due → running, or running
with a stale heartbeat and attempts left → running; attempts + 1). One claimer wins; a
duplicate message finds nothing to claim and does nothing. Every later write of the runner
(progress, heartbeat, outcome) is conditioned on (running, its own attempt number), so a runner
presumed dead, or whose job was cancelled, never overwrites a newer state: it stops instead.
"""

import json
import logging
import re
import threading
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from plaza.core.logging import redact
from plaza.core.models import Job, Jurisdiction
from plaza.core.tenancy import across_jurisdictions, jurisdiction_scope

logger = logging.getLogger(__name__)


class JobError(Exception):
    """A failure whose message a person should read; the job fails at once, without retries."""


class UnknownJobKind(LookupError):
    pass


class JobCancelled(Exception):
    """Raised inside a handler when someone cancelled its job."""


class JobLost(Exception):
    """Raised inside a handler whose job another runner has claimed since (this one was presumed dead)."""


@dataclass(frozen=True)
class JobType:
    name: str
    handler: Callable
    max_attempts: int = 1
    # Seconds before retry n (1-based): a number doubles each attempt; a callable decides.
    retry_backoff: float | Callable[[int], float] = 30.0

    def backoff(self, attempt: int) -> float:
        if callable(self.retry_backoff):
            return float(self.retry_backoff(attempt))
        return float(self.retry_backoff) * 2 ** max(0, attempt - 1)


_registry: dict[str, JobType] = {}


def job(name: str, *, max_attempts: int = 1, retry_backoff: float | Callable[[int], float] = 30.0):
    """Register `handler(job, context)` as the job called `name` (e.g. "data.harvest")."""
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1.")

    def register(handler: Callable) -> Callable:
        existing = _registry.get(name)
        same = existing and (existing.handler.__module__, existing.handler.__qualname__) == (
            handler.__module__,
            handler.__qualname__,
        )
        if existing is not None and not same:
            raise ValueError(f"A job named {name!r} is already registered.")
        _registry[name] = JobType(name, handler, max_attempts, retry_backoff)
        return handler

    return register


def job_type(name: str) -> JobType:
    try:
        return _registry[name]
    except KeyError:
        raise UnknownJobKind(f"No job is registered as {name!r}.") from None


def registered_kinds() -> list[str]:
    return sorted(_registry)


# Submitting


def enqueue(
    *,
    jurisdiction: Jurisdiction,
    kind: str,
    params: dict | None = None,
    actor=None,
    idempotency_key: str | None = None,
) -> Job:
    """Create the job and dispatch it once the current transaction commits.

    With an idempotency key already used in this jurisdiction, returns that job instead
    (whatever its status) and dispatches nothing.
    """
    declared = job_type(kind)
    params = json.loads(json.dumps(params or {}))  # JSON-only parameters, refused here rather than in a worker
    with jurisdiction_scope(jurisdiction):
        if idempotency_key:
            existing = Job.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        try:
            with transaction.atomic():
                created = Job.objects.create(
                    jurisdiction=jurisdiction,
                    kind=kind,
                    parameters=params,
                    max_attempts=declared.max_attempts,
                    created_by=actor if getattr(actor, "is_authenticated", False) else None,
                    idempotency_key=idempotency_key or None,
                )
        except IntegrityError:
            # Another request won the race on the unique (jurisdiction, idempotency_key).
            return Job.objects.get(idempotency_key=idempotency_key)
    transaction.on_commit(lambda: dispatch(created.pk))
    return created


def dispatch(job_id: int, *, delay: float = 0.0) -> None:
    """Hand a job to the configured backend (the inline one ignores `delay`)."""
    backend = settings.PLAZA_JOB_BACKEND
    if backend == "inline":
        run_job(job_id)
    elif backend == "celery":
        from plaza.core.tasks import run_job as run_job_task

        try:
            run_job_task.apply_async(args=[job_id], countdown=delay or None, queue=settings.CELERY_TASK_DEFAULT_QUEUE)
        except Exception as refused:
            # The row is committed: requeue_stale_jobs sends it again once the broker is back.
            logger.error(
                "Job %s: the broker refused it (%s); it stays queued for the next sweep.", job_id, _redacted(refused)
            )
    else:
        raise ImproperlyConfigured(f"Unknown PLAZA_JOB_BACKEND {backend!r}: use 'inline' or 'celery'.")


# Running


def _stale_before():
    return timezone.now() - timedelta(seconds=settings.PLAZA_JOB_STALE_SECONDS)


def _own(job: Job):
    """The job's row as long as this runner still owns it (running, same attempt)."""
    return Job.objects.with_scope(jurisdiction=job.jurisdiction).filter(
        pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts
    )


def claim(job_id: int) -> Job | None:
    """Atomically take a job to run; None if it is not ours to run (done, running elsewhere, not due)."""
    now = timezone.now()
    due = Q(status=Job.Status.QUEUED) & (Q(run_after__isnull=True) | Q(run_after__lte=now))
    abandoned = Q(status=Job.Status.RUNNING, heartbeat_at__lt=_stale_before(), attempts__lt=F("max_attempts"))
    with across_jurisdictions():  # the job id comes first; its jurisdiction is known only after
        taken = (
            Job.objects.filter(pk=job_id)
            .filter(due | abandoned)
            .update(status=Job.Status.RUNNING, attempts=F("attempts") + 1, started_at=now, heartbeat_at=now)
        )
        if not taken:
            return None
        return Job.objects.select_related("jurisdiction", "created_by").get(pk=job_id)


def run_job(job_id: int) -> Job | None:
    """Claim the job, run its handler in its jurisdiction's scope, store the outcome."""
    claimed = claim(job_id)
    if claimed is None:
        logger.info("Job %s: nothing to claim (finished, running elsewhere or not due).", job_id)
        return None
    with translation.override(claimed.jurisdiction.default_language):
        _run_claimed(claimed)
    with across_jurisdictions():
        return Job.objects.select_related("jurisdiction").get(pk=job_id)


def _run_claimed(claimed: Job) -> None:
    try:
        declared = job_type(claimed.kind)
    except UnknownJobKind:
        _own(claimed).update(
            status=Job.Status.FAILED, finished_at=timezone.now(), error=_("This kind of job is unknown to this server.")
        )
        return
    context = JobContext(claimed)
    try:
        with jurisdiction_scope(claimed.jurisdiction), _heartbeat(claimed):
            result = declared.handler(claimed, context)
    except JobCancelled:
        logger.info("Job %s was cancelled while running.", claimed.pk)
    except JobLost:
        logger.warning("Job %s attempt %s was taken over by another runner.", claimed.pk, claimed.attempts)
    except Exception as failure:
        _after_failure(claimed, declared, failure)
    else:
        done = max(context.done, context.total)
        _own(claimed).update(
            status=Job.Status.SUCCEEDED,
            result=json.loads(json.dumps(result or {}, default=str)),
            error="",
            progress_done=done,
            progress_total=done if context.total else 0,
            progress_message=context.message,
            finished_at=timezone.now(),
        )


URL_CREDENTIALS = re.compile(r"://[^/@\s]+@")


def _redacted(failure: Exception) -> str:
    """The traceback for the log, credentials removed (the log filter then redacts password=… and the like)."""
    text = "".join(traceback.format_exception(failure))
    return redact(URL_CREDENTIALS.sub("://[redacted]@", text))


def public_error(failure: Exception) -> str:
    """What the job page may show: a JobError's own message, else a generic one (never the exception text)."""
    if isinstance(failure, JobError):
        return URL_CREDENTIALS.sub("://[redacted]@", str(failure))[:2000]
    return _("Unexpected error (%(kind)s). The details are in the server log.") % {"kind": type(failure).__name__}


def _after_failure(claimed: Job, declared: JobType, failure: Exception) -> None:
    logger.error("Job %s (%s) attempt %s failed:\n%s", claimed.pk, claimed.kind, claimed.attempts, _redacted(failure))
    message = public_error(failure)
    now = timezone.now()
    if not isinstance(failure, JobError) and claimed.attempts < claimed.max_attempts:
        delay = 0.0 if settings.PLAZA_JOB_BACKEND == "inline" else declared.backoff(claimed.attempts)
        requeued = _own(claimed).update(
            status=Job.Status.QUEUED, run_after=now + timedelta(seconds=delay), heartbeat_at=None, error=message
        )
        if requeued:
            dispatch(claimed.pk, delay=delay)
        return
    if claimed.attempts > 1:
        message = _("%(error)s (gave up after %(attempts)s attempts)") % {
            "error": message,
            "attempts": claimed.attempts,
        }
    _own(claimed).update(status=Job.Status.FAILED, error=message, finished_at=now)


class JobContext:
    """What a handler gets besides its job: progress reports and the cancellation check."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.done, self.total, self.message = 0, 0, ""
        self._saved_at: float | None = None

    def progress(self, done: int, total: int | None = None, message: str = "") -> None:
        """Report progress; saved (with a heartbeat) at most every PLAZA_JOB_PROGRESS_SECONDS, and at the end."""
        self.done = max(0, int(done))
        self.total = max(0, int(total)) if total is not None else self.total
        self.message = str(message)[:300]
        now = timezone.now().timestamp()
        finished = self.total and self.done >= self.total
        if self._saved_at is not None and now - self._saved_at < settings.PLAZA_JOB_PROGRESS_SECONDS and not finished:
            return
        self._saved_at = now
        saved = _own(self.job).update(
            progress_done=self.done,
            progress_total=self.total,
            progress_message=self.message,
            heartbeat_at=timezone.now(),
        )
        if not saved:
            self.check_cancelled()

    def check_cancelled(self) -> None:
        """Raise JobCancelled if someone cancelled the job (JobLost if another runner took it)."""
        status, attempts = (
            Job.objects.with_scope(jurisdiction=self.job.jurisdiction)
            .filter(pk=self.job.pk)
            .values_list("status", "attempts")
            .get()
        )
        if status == Job.Status.CANCELLED:
            raise JobCancelled()
        if status != Job.Status.RUNNING or attempts != self.job.attempts:
            raise JobLost()


@contextmanager
def _heartbeat(job: Job):
    """Beat in a thread while the handler runs, so a long step between progress reports is not taken for death."""
    if connection.in_atomic_block:
        # Inside an open transaction (a test's) another connection could not see the row: progress beats instead.
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.PLAZA_JOB_HEARTBEAT_SECONDS):
                try:
                    _own(job).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    logger.warning("Job %s: heartbeat not saved.", job.pk, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    beater = threading.Thread(target=beat, name=f"job-{job.pk}-heartbeat", daemon=True)
    beater.start()
    try:
        yield
    finally:
        stop.set()
        beater.join(timeout=10)


def requeue_stale_jobs() -> int:
    """Queue again the jobs whose worker went silent, and due jobs whose message was lost; returns how many.

    Runs periodically (Celery beat), when a worker starts, and as `manage.py requeue_stale_jobs`.
    """
    stale = _stale_before()
    now = timezone.now()
    requeued: list[int] = []
    with across_jurisdictions():  # the sweeper serves every jurisdiction
        silent = Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=stale)
        for found in silent.only("pk", "attempts", "max_attempts"):
            rows = Job.objects.filter(pk=found.pk, status=Job.Status.RUNNING, heartbeat_at__lt=stale)
            if found.attempts >= found.max_attempts:
                rows.update(
                    status=Job.Status.FAILED,
                    finished_at=now,
                    error=_("The worker running this job stopped, and it has no attempts left."),
                )
            elif rows.update(status=Job.Status.QUEUED, run_after=now, heartbeat_at=None):
                requeued.append(found.pk)
        forgotten = Job.objects.filter(status=Job.Status.QUEUED, created_at__lt=stale).filter(
            Q(run_after__isnull=True) | Q(run_after__lt=stale)
        )
        requeued += [pk for pk in forgotten.values_list("pk", flat=True) if pk not in requeued]
    for pk in requeued:
        dispatch(pk)
    return len(requeued)
