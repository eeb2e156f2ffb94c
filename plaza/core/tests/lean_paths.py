"""For each app's `test_lean.py`: the same request with and without the lean write path (core/api/lean.py)."""

from django.conf import settings
from django.test import override_settings

LEAN = "plaza.core.api.lean.LeanWriteMiddleware"


def normal_path():
    """The stack without `LeanWriteMiddleware`: the django-ninja endpoint answers every request."""
    return override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != LEAN])
