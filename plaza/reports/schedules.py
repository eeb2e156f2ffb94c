"""What runs on a timer: Celery beat (`plaza/celery.py`) or cron (the management commands) queue the same jobs.

Each run queues one job per jurisdiction that needs it, with an idempotency key naming the time slot, so beat
and cron both firing (or a command run twice) queue each slot's job once.
"""

from datetime import UTC, datetime

from django.utils import timezone

from plaza.core.jobs import enqueue
from plaza.core.models import Job, Jurisdiction
from plaza.core.tenancy import across_jurisdictions
from plaza.reports.models import Open311Destination, PendingReport

PULL_EVERY_MINUTES = 15
PURGE_EVERY_MINUTES = 60


def _slot(now: datetime, minutes: int) -> str:
    now = now.astimezone(UTC)
    minute = (now.hour * 60 + now.minute) // minutes * minutes
    return f"{now:%Y-%m-%d}T{minute // 60:02d}:{minute % 60:02d}"


def _queue(kind: str, jurisdiction_ids, minutes: int, now: datetime | None) -> list[Job]:
    slot = _slot(now or timezone.now(), minutes)
    with across_jurisdictions():
        places = list(Jurisdiction.objects.filter(pk__in=set(jurisdiction_ids)).order_by("slug"))
    return [enqueue(jurisdiction=place, kind=kind, idempotency_key=f"{kind}:{slot}") for place in places]


def queue_pull_open311(now: datetime | None = None) -> list[Job]:
    """reports.pull_open311 for each jurisdiction forwarding a category to another authority."""
    with across_jurisdictions():
        ids = list(Open311Destination.objects.filter(is_active=True).values_list("jurisdiction_id", flat=True))
    return _queue("reports.pull_open311", ids, PULL_EVERY_MINUTES, now)


def queue_purge_unconfirmed(now: datetime | None = None) -> list[Job]:
    """reports.purge_unconfirmed for each jurisdiction holding an e-mailed report whose link expired."""
    with across_jurisdictions():
        ids = list(
            PendingReport.objects.filter(report__isnull=True, expires_at__lt=now or timezone.now()).values_list(
                "jurisdiction_id", flat=True
            )
        )
    return _queue("reports.purge_unconfirmed", ids, PURGE_EVERY_MINUTES, now)
