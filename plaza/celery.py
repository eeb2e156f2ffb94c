"""The Celery application production workers run (`make worker`)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plaza.settings")

app = Celery("plaza")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["plaza.core"])
# Jobs whose worker died (SIGKILL, OOM, a deploy) go back in the queue (plaza.core.jobs).
app.conf.beat_schedule = {
    "requeue-stale-jobs": {"task": "plaza.core.tasks.requeue_stale_jobs", "schedule": 60.0},
}
