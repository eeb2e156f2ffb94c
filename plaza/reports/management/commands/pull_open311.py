"""Queue the job that pulls Open311 status updates for each jurisdiction forwarding a category (run from cron)."""

from django.core.management.base import BaseCommand

from plaza.core.jobs import enqueue
from plaza.core.models import Jurisdiction
from plaza.core.tenancy import across_jurisdictions
from plaza.reports.models import Open311Destination


class Command(BaseCommand):
    help = "Queue reports.pull_open311 for each jurisdiction forwarding reports to another authority."

    def handle(self, *args, **options):
        with across_jurisdictions():
            ids = set(Open311Destination.objects.filter(is_active=True).values_list("jurisdiction_id", flat=True))
            places = list(Jurisdiction.objects.filter(pk__in=ids))
        for place in places:
            job = enqueue(jurisdiction=place, kind="reports.pull_open311")
            self.stdout.write(f"{place.slug}: job {job.pk}")
