"""`pb_outcome FILE.pb --rule RULE`: replay a Pabulib election, print the winners' ids, never touch the database."""

from django.core.management.base import BaseCommand, CommandError

from plaza.budgets import pabulib, rules


class Command(BaseCommand):
    help = "Print the projects a rule selects for a Pabulib .pb file, one id a line (no database needed)."
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", help="a Pabulib .pb file")
        parser.add_argument("--rule", choices=rules.RULES, default="mes-complete")

    def handle(self, *args, file: str, rule: str, **options):
        try:
            pb = pabulib.read(file)
        except OSError as error:
            raise CommandError(str(error)) from error
        except pabulib.PabulibError as error:
            raise CommandError("\n".join(f"{file}: {e}" for e in error.errors)) from error
        for project_id in rules.outcome(pb.election(), rule).selected:
            self.stdout.write(project_id)
