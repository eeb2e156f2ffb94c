"""Bulk progress updates on milestones from a CSV keyed by external ids: checked in full, then all or nothing.

Columns (header row, any order): ``commitment`` and ``milestone`` (the external ids of a commitment of the
jurisdiction and of one of its milestones), ``status``, ``percentage``, ``narrative`` (required); ``links``
(evidence addresses separated by spaces, optional). Each row becomes the government's new assessment of the
milestone (it supersedes the current one, as a page post does). The milestone's plan must be in implementation.
Errors name the file's line numbers; a file with any error writes nothing.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.accountability import csv_import
from plaza.accountability.csv_import import Report
from plaza.accountability.models import Commitment, Milestone, PlanStatus, ProgressUpdate, Side
from plaza.accountability.operations import _check_links as check_links
from plaza.accountability.operations import _check_progress as check_progress
from plaza.accountability.operations import refresh_figures
from plaza.core.audit import record
from plaza.core.models import Jurisdiction
from plaza.core.tenancy import jurisdiction_scope

REQUIRED = ("commitment", "milestone", "status", "percentage", "narrative")
OPTIONAL = ("links",)
BATCH = 1000


@dataclass
class Row:
    line: int
    milestone_id: int
    status: str
    percentage: int
    narrative: str
    links: list[str]


def _milestones(jurisdiction: Jurisdiction) -> dict[tuple[str, str], tuple[int, str]]:
    """{(commitment external id, milestone external id): (milestone id, plan status)} of the jurisdiction.

    Two reads of one table each, joined here: a join in the database is planned from statistics, which a
    back office's fresh bulk of keyed milestones leaves stale (a nested loop of 10,000 × 1,000 rows, seconds).
    """
    commitments = {
        pk: (external_id, status)
        for pk, external_id, status in Commitment.objects.with_scope(jurisdiction=jurisdiction)
        .exclude(external_id="")
        .order_by()
        .values_list("pk", "external_id", "plan__status")
    }
    milestones = (
        Milestone.objects.with_scope(jurisdiction=jurisdiction)
        .exclude(external_id="")
        .order_by()
        .values_list("commitment_id", "external_id", "pk")
    )
    return {
        (commitments[commitment][0], external_id): (pk, commitments[commitment][1])
        for commitment, external_id, pk in milestones
        if commitment in commitments
    }


def _message(problem: ValidationError) -> str:
    return " ".join(str(message) for messages in problem.message_dict.values() for message in messages)


def check(text: str, jurisdiction: Jurisdiction, progress=None) -> Report:
    """Read and check every row; nothing is written. `progress(done, total)` is told along the way."""
    return csv_import.read(
        text,
        Report(kind="progress"),
        required=REQUIRED,
        optional=OPTIONAL,
        known=lambda: _milestones(jurisdiction),
        check_row=_check_row,
        progress=progress,
    )


def _check_row(report: Report, line: int, values: dict, known: dict, seen: dict) -> None:
    key = (values["commitment"], values["milestone"])
    if key in seen:
        report.error(line, _("This milestone already appears on line %(line)s.") % {"line": seen[key]})
        return
    seen[key] = line
    if key not in known:
        report.error(
            line,
            _("No milestone “%(milestone)s” of a commitment “%(commitment)s” here.")
            % {"milestone": key[1][:100], "commitment": key[0][:100]},
        )
        return
    milestone_id, plan_status = known[key]
    if plan_status != PlanStatus.IMPLEMENTATION:
        report.error(line, _("Progress is reported while the plan is being implemented."))
        return
    try:
        percentage = int(values["percentage"])
    except ValueError:
        report.error(line, _("Percentage “%(value)s” is not a whole number.") % {"value": values["percentage"][:20]})
        return
    try:
        check_progress(status=values["status"], percentage=percentage, narrative=values["narrative"])
        links = check_links(values.get("links", "").split())
    except ValidationError as problem:
        report.error(line, _message(problem))
        return
    report.rows.append(Row(line, milestone_id, values["status"], percentage, values["narrative"], links))
    report.created += 1  # each valid row is a new government assessment


def apply(report: Report, *, jurisdiction: Jurisdiction, actor, job_id: int | None, progress=None) -> Report:
    """Write every checked row in one transaction, each superseding its milestone's current government update."""
    now = timezone.now()
    label = str(actor.display_name) if actor is not None else _("Import")
    ids = [row.milestone_id for row in report.rows]
    total = len(report.rows)
    commitments: set[int] = set()
    with transaction.atomic():
        for start in range(0, total, BATCH):  # a page post on the same milestone waits for us (and we for it)
            commitments.update(
                Milestone.objects.with_scope(jurisdiction=jurisdiction)
                .select_for_update()
                .filter(pk__in=ids[start : start + BATCH])
                .values_list("commitment_id", flat=True)
            )
        current: dict[int, int] = {}
        for start in range(0, total, BATCH):
            current.update(
                ProgressUpdate.objects.with_scope(jurisdiction=jurisdiction)
                .filter(milestone_id__in=ids[start : start + BATCH], side=Side.GOVERNMENT, superseded_by__isnull=True)
                .values_list("milestone_id", "pk")
            )
        for start in range(0, total, BATCH):
            ProgressUpdate.objects.bulk_create(
                [
                    ProgressUpdate(
                        jurisdiction=jurisdiction,
                        milestone_id=row.milestone_id,
                        side=Side.GOVERNMENT,
                        status=row.status,
                        percentage=row.percentage,
                        narrative=row.narrative,
                        links=row.links,
                        supersedes_id=current.get(row.milestone_id),
                        author=actor,
                        author_label=label,
                        organisation=str(jurisdiction.name),
                        created_at=now,
                    )
                    for row in report.rows[start : start + BATCH]
                ]
            )
            if progress:
                progress(min(start + BATCH, total), total)
        with jurisdiction_scope(jurisdiction):
            refresh_figures(commitments)
        record(
            jurisdiction=jurisdiction,
            actor=actor,
            action="progress_update.import",
            target=jurisdiction,
            data={"job": job_id, "rows": total},
            public=True,
        )
    return report
