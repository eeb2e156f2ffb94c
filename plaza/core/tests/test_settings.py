"""The production profile refuses unsafe settings."""

import os
import subprocess
import sys

import pytest


def run_production(**env) -> subprocess.CompletedProcess:
    unsafe = {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "PLAZA_SITE_URL", "PLAZA_JOB_BACKEND", "REDIS_URL", "SMS_BACKEND"}
    environment = {k: v for k, v in os.environ.items() if k not in unsafe}
    environment.update(env, DJANGO_SETTINGS_MODULE="plaza.settings.production")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


SAFE = {"SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "plaza.example", "PLAZA_SITE_URL": "https://plaza.example"}


@pytest.mark.parametrize(
    "env, message",
    [
        ({**SAFE, "PLAZA_SITE_URL": "http://127.0.0.1:8000"}, "PLAZA_SITE_URL"),
        ({**SAFE, "PLAZA_JOB_BACKEND": "celery"}, "REDIS_URL"),
        ({**SAFE, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({**SAFE, "SMS_BACKEND": "plaza.core.sms.ConsoleBackend"}, "SMS_BACKEND"),
        ({"ALLOWED_HOSTS": "plaza.example"}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 50, "DEBUG": "true", "ALLOWED_HOSTS": "plaza.example"}, "DEBUG"),
    ],
)
def test_production_refuses_unsafe_settings(env, message):
    result = run_production(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_safe_settings():
    result = run_production(**SAFE)
    assert result.returncode == 0, result.stderr
