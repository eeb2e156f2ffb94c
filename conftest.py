"""Test-wide settings: no network, fast hashing."""

import pytest


@pytest.fixture(autouse=True)
def _fast_tests(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PLAZA_JOB_BACKEND = "inline"
    settings.SMS_BACKEND = "plaza.core.sms.LocmemBackend"
    from django.core.cache import cache

    from plaza.core import sms

    cache.clear()
    sms.outbox.clear()


@pytest.fixture
def sms_outbox():
    """The text messages sent during the test (plaza.core.sms.LocmemBackend), like pytest-django's mailoutbox."""
    from plaza.core import sms

    return sms.outbox


pytest_plugins = ["plaza.core.tests.fixtures", "plaza.core.tests.browser"]


@pytest.fixture
def client():
    """Django's test client, as a browser asking for English (pages follow the browser's language)."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")
