"""Accountability's background jobs: bulk updates of results and of milestone progress from a CSV.

Both check every row first, then (unless it is a dry run or a row is wrong) apply them all in one
transaction. The progress bar runs over both steps: the first half while checking, the second while writing.
"""

from django.core.files.storage import default_storage

from plaza.accountability import csv_import, progress_import, results_import
from plaza.accountability.models import ResultUpdate
from plaza.core.jobs import JobError, job
from plaza.core.models import AuditEntry


def _read(job) -> str:
    try:
        with default_storage.open(job.parameters["path"], "rb") as stored:
            return csv_import.decode(stored.read())
    except FileNotFoundError as gone:
        raise JobError("The uploaded file is no longer there: upload it again.") from gone
    except ValueError as unreadable:
        raise JobError(str(unreadable)) from unreadable


class Bar:
    """One progress bar over both steps: checking fills it (a dry run) or its first half, writing the rest."""

    def __init__(self, context, *, writes: bool):
        self.context, self.steps, self.total = context, 2 if writes else 1, 0

    def checking(self, done: int, total: int) -> None:
        self.context.check_cancelled()
        self.total = total
        self.context.progress(done, self.steps * total, "")

    def writing(self, done: int, total: int) -> None:
        """`done` of the `total` valid rows written (a file's blank lines were counted while checking)."""
        self.context.progress(self.total + done * self.total // max(total, 1), 2 * self.total, "")

    def stopped(self) -> None:
        """Nothing will be written (a wrong row): the bar ends full."""
        self.context.progress(self.steps * self.total, self.steps * self.total, "")


def _run(job, context, importer, applied_before: dict | None) -> dict:
    """Check every row (the progress bar follows), then, unless it is a dry run or a row is wrong, apply them all.

    `applied_before` is the answer of a rerun after the commit (the job already applied its file), else None.
    """
    if applied_before is not None:
        return applied_before
    dry_run = bool(job.parameters.get("dry_run"))
    text = _read(job)
    bar = Bar(context, writes=not dry_run)
    report = importer.check(text, job.jurisdiction, progress=bar.checking)
    if report.error_count or dry_run:
        bar.stopped()
        return report.as_dict(dry_run=dry_run, applied=False)
    importer.apply(report, jurisdiction=job.jurisdiction, actor=job.created_by, job_id=job.pk, progress=bar.writing)
    return report.as_dict(dry_run=False, applied=True)


@job("accountability.import_results")
def import_results(job, context):
    """Results from a CSV keyed by external ids: checked in full, then all rows applied, or none."""
    before = None
    if ResultUpdate.objects.filter(import_job=job.pk).exists():
        rows = ResultUpdate.objects.filter(import_job=job.pk).count()
        before = {"dry_run": False, "applied": True, "rows": rows, "created": None, "updated": None, "errors": []}
    return _run(job, context, results_import, before)


@job("accountability.import_progress")
def import_progress(job, context):
    """Milestone progress from a CSV: checked in full, then all rows written as new government updates, or none."""
    before = None
    applied = (
        AuditEntry.objects.with_scope(jurisdiction=job.jurisdiction)
        .filter(action="progress_update.import", data__job=job.pk)
        .first()
    )
    if applied is not None:
        rows = applied.data.get("rows", 0)
        before = {"kind": "progress", "dry_run": False, "applied": True, "rows": rows, "created": rows, "errors": []}
    return _run(job, context, progress_import, before)
