"""Core's own background job: the jurisdiction's public record written as a CSV file (the same
columns as the public-record bulk download, for a record too long to stream in one request)."""

import csv
import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from plaza.core.exports import core_export, csv_row
from plaza.core.jobs import job
from plaza.core.queries import audit as audit_queries


def export_path(job_row) -> str:
    # Named after the job, so a rerun (the handler contract) overwrites rather than duplicates.
    return f"exports/{job_row.jurisdiction.slug}/audit-log-{job_row.pk}.csv"


@job("core.export_audit_log", max_attempts=3, retry_backoff=10)
def export_audit_log(job_row, context) -> dict:
    export = core_export("public-record")
    total = audit_queries.public_audit_log(job_row.jurisdiction).count()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(export.columns)
    context.progress(0, total, "")
    for number, row in enumerate(export.rows(job_row.jurisdiction), 1):
        writer.writerow(csv_row(export, row))
        if number % 500 == 0:
            context.check_cancelled()
            context.progress(number, total, "")
    name = export_path(job_row)
    if default_storage.exists(name):
        default_storage.delete(name)
    stored = default_storage.save(name, ContentFile(buffer.getvalue().encode("utf-8")))
    context.progress(total, total, "")
    return {
        "file": stored,
        "filename": f"audit-log-{job_row.jurisdiction.slug}.csv",
        "content_type": "text/csv",
        "rows": total,
    }
