"""`plaza-manage`: manage.py for installed deployments."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plaza.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
