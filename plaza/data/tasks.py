"""The portal's Celery tasks: the harvest schedule, started by Celery beat (plaza/celery.py)."""

from celery import shared_task

from plaza.data.operations import harvest_due_sources


@shared_task(name="plaza.data.tasks.harvest_due", ignore_result=True)
def harvest_due() -> int:
    """Start every harvest whose time has come (each runs as its own background job); how many started."""
    return len(harvest_due_sources())
