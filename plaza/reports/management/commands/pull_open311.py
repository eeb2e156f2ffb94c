"""Queue the job that pulls Open311 status updates for each jurisdiction forwarding a category (run from cron)."""

from django.core.management.base import BaseCommand

from plaza.reports.schedules import queue_pull_open311


class Command(BaseCommand):
    help = "Queue reports.pull_open311 for each jurisdiction forwarding reports to another authority."

    def handle(self, *args, **options):
        for job in queue_pull_open311():
            self.stdout.write(f"{job.jurisdiction.slug}: job {job.pk}")
