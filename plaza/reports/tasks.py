"""Celery beat's entries for civic reports (`plaza/celery.py`): each queues the jobs of its slot."""

from celery import shared_task


@shared_task(name="plaza.reports.tasks.pull_open311", ignore_result=True)
def pull_open311() -> int:
    from plaza.reports.schedules import queue_pull_open311

    return len(queue_pull_open311())


@shared_task(name="plaza.reports.tasks.purge_unconfirmed", ignore_result=True)
def purge_unconfirmed() -> int:
    from plaza.reports.schedules import queue_purge_unconfirmed

    return len(queue_purge_unconfirmed())
