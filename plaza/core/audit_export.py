"""Core's own background job: the jurisdiction's public audit log written as a CSV file."""

import csv
import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from plaza.core.jobs import job
from plaza.core.queries import audit as audit_queries

COLUMNS = ["created_at", "actor", "action", "target_type", "target_id", "target", "reason"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection)."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def export_path(job_row) -> str:
    # Named after the job, so a rerun (the handler contract) overwrites rather than duplicates.
    return f"exports/{job_row.jurisdiction.slug}/audit-log-{job_row.pk}.csv"


@job("core.export_audit_log", max_attempts=3, retry_backoff=10)
def export_audit_log(job_row, context) -> dict:
    entries = audit_queries.public_audit_log(job_row.jurisdiction).order_by("created_at", "id")
    total = entries.count()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    context.progress(0, total, "")
    for number, entry in enumerate(entries.iterator(chunk_size=500), 1):
        texts = [entry.actor_label, entry.action, entry.target_type, entry.target_id, entry.target_label, entry.reason]
        writer.writerow([entry.created_at.isoformat(), *map(_cell, texts)])
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
