"""Background jobs of the portal: loading a tabular resource into the datastore, harvesting a catalogue."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core.jobs import JobError, job
from plaza.data import datastore
from plaza.data.fetching import fetch, max_fetch_bytes
from plaza.data.models import DatastoreRow, DatastoreTable, HarvestRun

LOAD_JOB = "data.datastore_load"
HARVEST_JOB = "data.harvest"


def _content(table: DatastoreTable) -> bytes:
    resource = table.resource
    if resource.attachment_id:
        with resource.attachment.file.open("rb") as stored:
            return stored.read()
    return fetch(resource.url, max_bytes=max_fetch_bytes())


def _fail(table: DatastoreTable, message: str) -> None:
    DatastoreRow.objects.filter(table=table).delete()
    DatastoreTable.objects.filter(pk=table.pk).update(
        status=DatastoreTable.Status.FAILED,
        errors=[{"row": None, "column": "", "message": message}],
        error_count=1,
        row_count=0,
    )


@job(LOAD_JOB, max_attempts=3, retry_backoff=30)
def load_datastore(job, context):
    """Validate a CSV/XLSX resource and load its rows; a rerun starts again from an empty table (idempotent)."""
    table = DatastoreTable.objects.select_related("resource__attachment").get(pk=job.parameters["table"])
    if table.is_active:
        return {"rows": table.row_count}
    claimed = DatastoreTable.objects.filter(pk=table.pk).filter(~Q(status=DatastoreTable.Status.ACTIVE))
    claimed.update(status=DatastoreTable.Status.LOADING)
    DatastoreRow.objects.filter(table=table).delete()  # what an interrupted earlier attempt left
    try:
        content = _content(table)
        datastore.check_tabular(content, table.resource.format, "url")
    except ValidationError as refused:
        message = " ".join(m for messages in refused.message_dict.values() for m in messages)
        _fail(table, message)
        raise JobError(message) from None
    context.progress(0, 0, "")
    outcome = datastore.load_rows(table, content, table.resource.format, lambda rows: context.progress(rows, 0, ""))
    datastore.finish_load(table, outcome)
    return {"rows": outcome.rows, "errors": outcome.error_count}


@job(HARVEST_JOB, max_attempts=2, retry_backoff=300)
def run_harvest(job, context):
    """Copy a source's datasets; a rerun finds what it already copied unchanged (fingerprints) and skips it."""
    from plaza.data import harvest

    run = HarvestRun.objects.select_related("source__organization", "source__jurisdiction").get(
        pk=job.parameters["run"]
    )
    try:
        remotes = harvest.remote_datasets(run.source)
    except ValidationError as refused:
        message = " ".join(m for messages in refused.message_dict.values() for m in messages)
        HarvestRun.objects.filter(pk=run.pk).update(
            failed=[{"remote_id": "", "error": message}], finished_at=timezone.now()
        )
        raise JobError(message) from None

    def progress(done: int, total: int) -> None:
        context.progress(done, total, _("%(done)s of %(total)s datasets") % {"done": done, "total": total})

    outcome = harvest.harvest(run.source, remotes, progress)
    harvest.record_run(run, outcome)
    return {
        "created": len(outcome.created),
        "updated": len(outcome.updated),
        "unchanged": outcome.unchanged,
        "failed": len(outcome.failed),
    }
