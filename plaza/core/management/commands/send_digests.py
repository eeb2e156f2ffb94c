"""Send the daily notification digests (the job system calls `send_digests` too)."""

from django.core.management.base import BaseCommand

from plaza.core.operations.notifications import send_digests


class Command(BaseCommand):
    help = "E-mail each account that chose the daily digest what it has not been e-mailed yet."

    def handle(self, *args, **options):
        sent = send_digests()
        self.stdout.write(f"{sent} digests sent.")
