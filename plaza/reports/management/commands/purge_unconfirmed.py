"""Queue the job that forgets e-mailed reports whose confirmation link expired, per jurisdiction (run from cron)."""

from django.core.management.base import BaseCommand

from plaza.reports.schedules import queue_purge_unconfirmed


class Command(BaseCommand):
    help = "Queue reports.purge_unconfirmed for each jurisdiction holding expired, unconfirmed reports."

    def handle(self, *args, **options):
        for job in queue_purge_unconfirmed():
            self.stdout.write(f"{job.jurisdiction.slug}: job {job.pk}")
