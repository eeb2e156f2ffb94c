"""The Celery application production workers run (`make worker`), and the schedule `celery beat` follows."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plaza.settings")

app = Celery("plaza")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["plaza.core"])
app.autodiscover_tasks(["plaza.core"], related_name="tasks_notifications")
app.autodiscover_tasks(["plaza.core"], related_name="sms")
app.autodiscover_tasks(["plaza.reports"])
app.autodiscover_tasks(["plaza.data"])

app.conf.beat_schedule = {
    # Jobs whose worker died (SIGKILL, OOM, a deploy) go back in the queue (plaza.core.jobs).
    "requeue-stale-jobs": {"task": "plaza.core.tasks.requeue_stale_jobs", "schedule": 60.0},
    # Once a day (UTC) for every account that chose the daily digest.
    "notification-digests": {"task": "plaza.core.send_notification_digests", "schedule": crontab(hour=6, minute=0)},
    # Civic reports (plaza.reports.schedules): status updates from the authorities reports are forwarded to,
    # and e-mailed reports whose confirmation link expired. The same as the management commands for cron.
    "reports-pull-open311": {"task": "plaza.reports.tasks.pull_open311", "schedule": crontab(minute="*/15")},
    "reports-purge-unconfirmed": {"task": "plaza.reports.tasks.purge_unconfirmed", "schedule": crontab(minute=5)},
    # Every 15 minutes: the open data portal's harvest sources whose frequency has elapsed (plaza.data.tasks).
    "harvest-due-sources": {"task": "plaza.data.tasks.harvest_due", "schedule": 15 * 60.0},
}
