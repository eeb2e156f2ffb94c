"""Test-wide settings: no network, fast hashing."""

import pytest


@pytest.fixture(autouse=True)
def _fast_tests(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PLAZA_JOB_BACKEND = "inline"
    from django.core.cache import cache

    cache.clear()


pytest_plugins = ["plaza.core.tests.fixtures", "plaza.core.tests.browser"]


@pytest.fixture
def client():
    """Django's test client, as a browser asking for English (pages follow the browser's language)."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")
