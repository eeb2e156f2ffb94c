"""Starting and cancelling background jobs on a person's behalf."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core.audit import record
from plaza.core.jobs import enqueue
from plaza.core.models import AuditEntry, Job, Jurisdiction
from plaza.core.queries.jobs import may_see_job
from plaza.core.tenancy import jurisdiction_scope


def start_audit_log_export(*, actor, jurisdiction: Jurisdiction) -> Job:
    """Any signed-in person may export the public record; the same person asking again gets the same file."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to export the public record."))
    with jurisdiction_scope(jurisdiction), transaction.atomic():
        latest = AuditEntry.objects.filter(is_public=True).values_list("pk", flat=True).first() or 0
        # Until the record changes, asking again returns the export already made (or under way).
        return enqueue(
            jurisdiction=jurisdiction,
            kind="core.export_audit_log",
            params={},
            actor=actor,
            idempotency_key=f"core.export_audit_log:{actor.pk}:{latest}",
        )


def cancel_job(*, actor, job: Job, reason: str = "") -> bool:
    """Cancel a queued or running job; False if it had already finished. Its runner stops at its next check."""
    if not may_see_job(actor, job):
        raise PermissionDenied(_("You cannot cancel this job."))
    with jurisdiction_scope(job.jurisdiction), transaction.atomic():
        cancelled = Job.objects.filter(pk=job.pk, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).update(
            status=Job.Status.CANCELLED, finished_at=timezone.now()
        )
        if cancelled:
            record(jurisdiction=job.jurisdiction, actor=actor, action="job.cancel", target=job, reason=reason)
        job.refresh_from_db()
    return bool(cancelled)
