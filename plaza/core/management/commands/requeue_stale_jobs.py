"""`manage.py requeue_stale_jobs`: queue again the jobs whose worker died (cron-friendly, no Celery beat needed)."""

from django.core.management.base import BaseCommand

from plaza.core.jobs import requeue_stale_jobs


class Command(BaseCommand):
    help = "Queue again background jobs whose worker stopped (stale heartbeat) or whose message was lost."

    def handle(self, *args, **options):
        count = requeue_stale_jobs()
        self.stdout.write(f"Queued again: {count}")
