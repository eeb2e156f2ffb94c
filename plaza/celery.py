"""The Celery application production workers run (`make worker`), and the schedule `celery beat` follows."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plaza.settings")

app = Celery("plaza")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["plaza.core"])
app.autodiscover_tasks(["plaza.core"], related_name="tasks_notifications")

app.conf.beat_schedule = {
    # Once a day (UTC) for every account that chose the daily digest.
    "notification-digests": {"task": "plaza.core.send_notification_digests", "schedule": crontab(hour=6, minute=0)},
}
