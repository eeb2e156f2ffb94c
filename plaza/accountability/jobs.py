"""Accountability's background job: the bulk update of results from a CSV (checked in full, then all or nothing)."""

from django.core.files.storage import default_storage

from plaza.accountability import imports
from plaza.accountability.models import ResultUpdate
from plaza.core.jobs import JobError, job


@job("accountability.import_results")
def import_results(job, context):
    """Check every row (the progress bar follows), then, unless it is a dry run or a row is wrong, apply them all."""
    dry_run = bool(job.parameters.get("dry_run"))
    if ResultUpdate.objects.filter(import_job=job.pk).exists():  # a rerun after the commit: already applied
        rows = ResultUpdate.objects.filter(import_job=job.pk).count()
        return {"dry_run": False, "applied": True, "rows": rows, "created": None, "updated": None, "errors": []}
    try:
        with default_storage.open(job.parameters["path"], "rb") as stored:
            text = imports.decode(stored.read())
    except FileNotFoundError as gone:
        raise JobError("The uploaded file is no longer there: upload it again.") from gone
    except ValueError as unreadable:
        raise JobError(str(unreadable)) from unreadable

    def progress(done: int, total: int) -> None:
        context.check_cancelled()
        context.progress(done, total, "")

    report = imports.check(text, job.jurisdiction, progress=progress)
    if report.error_count or dry_run:
        return report.as_dict(dry_run=dry_run, applied=False)
    imports.apply(report, jurisdiction=job.jurisdiction, actor=job.created_by, job_id=job.pk)
    return report.as_dict(dry_run=False, applied=True)
