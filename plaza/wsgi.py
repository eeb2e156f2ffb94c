"""WSGI entry point: Django's application behind the intake that answers hot API writes (plaza/core/intake.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plaza.settings")
django_application = get_wsgi_application()

from plaza.core.intake import Intake  # noqa: E402 - needs the settings and apps loaded above

application = Intake(django_application)
