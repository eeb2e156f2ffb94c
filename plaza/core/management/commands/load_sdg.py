"""Load (or refresh) the SDG goals and targets shipped with Plaza; safe to run any number of times."""

from django.core.management.base import BaseCommand

from plaza.core.sdg import load_sdg_taxonomy


class Command(BaseCommand):
    help = "Create or update the 17 Sustainable Development Goals and their 169 targets (en, es, fr)."

    def handle(self, *args, **options):
        goals, targets = load_sdg_taxonomy()
        self.stdout.write(f"SDG taxonomy: {goals} goals and {targets} targets written.")
