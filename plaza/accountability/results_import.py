"""Bulk update of results from a CSV keyed by external ids: checked in full first, then applied all or nothing.

Columns (header row, any order): ``external_id``, ``status``, ``progress`` (required); ``budget_spent``
(decimal, "1234.50"), ``note``, ``title`` (optional). A row whose external id is unknown creates a
result only if it gives a title; otherwise it is an error. Errors name the file's line numbers.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.accountability import csv_import
from plaza.accountability.csv_import import Report
from plaza.accountability.models import Result, ResultUpdate
from plaza.accountability.operations import check_result_values, parse_money
from plaza.accountability.signals import TOPIC
from plaza.core import fragments
from plaza.core.audit import record
from plaza.core.models import Jurisdiction

REQUIRED = ("external_id", "status", "progress")
OPTIONAL = ("budget_spent", "note", "title")


@dataclass
class Row:
    line: int
    external_id: str
    status: str
    progress: int
    budget_spent_minor: int | None
    note: str
    title: str


def check(text: str, jurisdiction: Jurisdiction, progress=None) -> Report:
    """Read and check every row; nothing is written. `progress(done, total)` is told along the way."""
    return csv_import.read(
        text,
        Report(),
        required=REQUIRED,
        optional=OPTIONAL,
        known=lambda: _external_ids(jurisdiction),
        check_row=_check_row,
        progress=progress,
    )


def _external_ids(jurisdiction: Jurisdiction) -> set[str]:
    results = Result.objects.with_scope(jurisdiction=jurisdiction).exclude(external_id="")
    return set(results.values_list("external_id", flat=True))


def _check_row(report: Report, line: int, values: dict, known: set[str], seen: dict[str, int]) -> None:
    external_id, title = values["external_id"], values.get("title", "")
    if not external_id:
        report.error(line, _("The external id is empty."))
        return
    if external_id in seen:
        report.error(
            line,
            _("External id “%(id)s” already appears on line %(line)s.")
            % {"id": external_id[:100], "line": seen[external_id]},
        )
        return
    seen[external_id] = line
    if external_id not in known and not title:
        report.error(
            line, _("No result has the external id “%(id)s” (give a title to create one).") % {"id": external_id[:100]}
        )
        return
    if len(external_id) > 100 or len(title) > 300:
        report.error(line, _("The external id (100 characters) or the title (300) is too long."))
        return
    try:
        progress = int(values["progress"])
    except ValueError:
        report.error(line, _("Progress “%(value)s” is not a whole number.") % {"value": values["progress"][:20]})
        return
    problems = check_result_values(status=values["status"], progress=progress)
    if "status" in problems:
        report.error(
            line,
            _("Unknown status “%(value)s”: use planned, in_progress, completed or cancelled.")
            % {"value": values["status"][:40]},
        )
        return
    if problems:
        report.error(line, str(problems["progress"]))
        return
    try:
        budget = parse_money(values.get("budget_spent", ""))
    except ValueError:
        report.error(
            line, _("Budget spent “%(value)s” is not an amount like 1234.50.") % {"value": values["budget_spent"][:30]}
        )
        return
    report.rows.append(Row(line, external_id, values["status"], progress, budget, values.get("note", ""), title))
    if external_id in known:
        report.updated += 1
    else:
        report.created += 1


BATCH = 1000


def _update_results(jurisdiction: Jurisdiction, pairs: list[tuple[int, Row]], now) -> None:
    """Set each result's new state with one UPDATE … FROM (VALUES …) per batch (PostgreSQL and SQLite).

    Django's bulk_update writes a CASE per field with a branch per row, which grows with the square of
    the batch; joining a VALUES list stays linear (10,000 rows: seconds → a fraction of one).
    """
    table = connection.ops.quote_name(Result._meta.db_table)
    for start in range(0, len(pairs), BATCH):
        chunk = pairs[start : start + BATCH]
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
        params: list = []
        for pk, row in chunk:
            params += [pk, row.status, row.progress, row.budget_spent_minor, row.title]
        # Only the quoted table name and %s placeholders are formatted in; every value is a parameter.
        sql = (
            f"WITH v(id, status, progress, budget, title) AS (VALUES {values}) "  # noqa: S608
            f"UPDATE {table} SET status = v.status, progress = CAST(v.progress AS INTEGER), "
            f"budget_spent_minor = COALESCE(CAST(v.budget AS BIGINT), {table}.budget_spent_minor), "
            f"title = CASE WHEN v.title = '' THEN {table}.title ELSE v.title END, updated_at = %s "
            f"FROM v WHERE {table}.id = CAST(v.id AS BIGINT) AND {table}.jurisdiction_id = %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, now, jurisdiction.pk])


def apply(report: Report, *, jurisdiction: Jurisdiction, actor, job_id: int | None, progress=None) -> Report:
    """Write every checked row in one transaction: new results, their new state, one update per row."""
    now = timezone.now()
    label = str(actor.display_name) if actor is not None else _("Import")
    fragments.changed(TOPIC)  # bulk writes and UPDATEs send no signal
    with transaction.atomic():
        existing = {
            r.external_id: r
            for r in Result.objects.with_scope(jurisdiction=jurisdiction).filter(
                external_id__in=[row.external_id for row in report.rows]
            )
        }
        new = [
            Result(jurisdiction=jurisdiction, external_id=row.external_id, title=row.title)
            for row in report.rows
            if row.external_id not in existing
        ]
        for result in Result.objects.bulk_create(new, batch_size=1000):
            existing[result.external_id] = result
        if not all(r.pk for r in new):  # SQLite before 3.35 and others may not return ids
            existing.update(
                {
                    r.external_id: r
                    for r in Result.objects.with_scope(jurisdiction=jurisdiction).filter(
                        external_id__in=[r.external_id for r in new]
                    )
                }
            )
        updates = []
        for row in report.rows:
            result = existing[row.external_id]
            updates.append(
                ResultUpdate(
                    jurisdiction=jurisdiction,
                    result=result,
                    status=row.status,
                    progress=row.progress,
                    budget_spent_minor=row.budget_spent_minor,
                    note=row.note,
                    author=actor,
                    author_label=label,
                    import_job=job_id,
                    import_line=row.line,
                    created_at=now,
                )
            )
        total = len(report.rows)
        _update_results(jurisdiction, [(existing[row.external_id].pk, row) for row in report.rows], now)
        if progress:
            progress(total // 2, total)
        ResultUpdate.objects.bulk_create(updates, batch_size=1000)
        if progress:
            progress(total, total)
        report.created, report.updated = len(new), len(report.rows) - len(new)
        record(
            jurisdiction=jurisdiction,
            actor=actor,
            action="result.import",
            target=jurisdiction,
            data={"job": job_id, "rows": len(report.rows), "created": report.created, "updated": report.updated},
            public=True,
        )
    return report
