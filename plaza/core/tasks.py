"""Celery's side of background jobs: the task a worker runs, and the sweep for jobs whose worker died."""

import logging

from celery import shared_task
from celery.signals import worker_ready

from plaza.core import jobs

logger = logging.getLogger(__name__)


@shared_task(name="plaza.core.tasks.run_job", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_job(job_id: int) -> None:
    """Run one job; a duplicate or late message finds nothing to claim and returns."""
    jobs.run_job(job_id)


@shared_task(name="plaza.core.tasks.requeue_stale_jobs", ignore_result=True)
def requeue_stale_jobs() -> int:
    return jobs.requeue_stale_jobs()


@worker_ready.connect
def requeue_on_worker_start(sender=None, **kwargs) -> None:
    """A worker that starts after a crash picks its predecessor's jobs up without waiting for beat."""
    count = jobs.requeue_stale_jobs()
    if count:
        logger.info("Queued again %s job(s) whose worker had stopped.", count)
