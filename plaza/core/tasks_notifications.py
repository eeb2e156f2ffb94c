"""The background task behind the daily notification digest (Celery beat calls it, see plaza/celery.py)."""

from celery import shared_task

from plaza.core.operations.notifications import send_digests

DIGEST_TASK = "plaza.core.send_notification_digests"


@shared_task(name=DIGEST_TASK)
def send_notification_digests() -> int:
    """One run e-mails every pending digest; a run that finds nothing sends nothing, so a repeat is harmless."""
    return send_digests()
