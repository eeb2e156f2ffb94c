"""Jobs that only the tests register (the test worker imports them with `celery worker --include`)."""

import time

from plaza.core.audit import record
from plaza.core.jobs import JobError, job
from plaza.core.models import Job, RoleGrant
from plaza.core.operations.jobs import cancel_job


@job("tests.slow", max_attempts=3, retry_backoff=0.5)
def slow(job_row, context):
    """Steps with a pause each; records a 'started' entry per attempt and a 'done' entry at the end.

    Deliberately NOT idempotent, so the tests prove that the runner completes a job once.
    """
    steps, delay = job_row.parameters.get("steps", 3), job_row.parameters.get("delay", 0)
    record(jurisdiction=job_row.jurisdiction, actor=None, action="tests.slow.started", target=job_row)
    for number in range(1, steps + 1):
        if number == job_row.parameters.get("cancel_at"):
            # What the creator's "cancel" button does while the job runs.
            cancel_job(actor=job_row.created_by, job=Job.objects.get(pk=job_row.pk))
        context.check_cancelled()
        time.sleep(delay)
        context.progress(number, steps, f"Step {number} of {steps}")
    record(jurisdiction=job_row.jurisdiction, actor=None, action="tests.slow.done", target=job_row)
    return {"steps": steps}


@job("tests.flaky", max_attempts=3, retry_backoff=5)
def flaky(job_row, context):
    """Fails until the attempt `succeed_on`, with a secret in the exception text."""
    if job_row.attempts < job_row.parameters["succeed_on"]:
        raise RuntimeError("cannot reach postgres://plaza:hunter2@db/plaza password=hunter2")
    return {"attempt": job_row.attempts}


@job("tests.refuses", max_attempts=3)
def refuses(job_row, context):
    raise JobError("The file is not a CSV file.")


@job("tests.role_holders")
def role_holders(job_row, context):
    """Queries a tenant table: only the job's jurisdiction's rows are visible."""
    grants = RoleGrant.objects.select_related("user").order_by("user__email")
    return {"emails": [grant.user.email for grant in grants]}
