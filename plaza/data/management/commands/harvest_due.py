"""`manage.py harvest_due`: start the harvests whose time has come (cron-friendly, like requeue_stale_jobs)."""

from django.core.management.base import BaseCommand

from plaza.data.operations import harvest_due_sources


class Command(BaseCommand):
    help = "Start a background harvest of every catalogue whose last harvest is older than its frequency."

    def handle(self, *args, **options):
        started = harvest_due_sources()
        self.stdout.write(f"{len(started)} harvest(s) started.")
