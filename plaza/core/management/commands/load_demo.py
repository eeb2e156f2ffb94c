"""`manage.py load_demo`: load the demo network (idempotent) and print the demo logins."""

from django.core.management.base import BaseCommand

from plaza.core.demo import DEMO_PASSWORD, load_demo_network


class Command(BaseCommand):
    help = "Load the demo network of jurisdictions (running it twice changes nothing)."

    def handle(self, *args, **options):
        logins = load_demo_network()
        self.stdout.write(self.style.SUCCESS("Demo network loaded."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, role in logins[:8]:
            self.stdout.write(f"  {email:<36} {role}")
        self.stdout.write(
            "  admin.<city>@, moderator.<city>@, officer.<city>@, resident.<city>@, newcomer.<city>@"
            "demo.plaza for each city"
        )
        self.stdout.write("  Try census verification as newcomer.paris@demo.plaza with PAR0002, 1952-03-03, 10002")
