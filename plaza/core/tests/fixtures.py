"""Fixtures shared by core's tests."""

import os
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django_scopes import scopes_disabled

from plaza.core.models import Role
from plaza.core.tests.factories import JurisdictionFactory, RoleGrantFactory, UserFactory


@pytest.fixture
def unscoped():
    """Test set-up writes across jurisdictions; the code under test never does."""
    with scopes_disabled():
        yield


@pytest.fixture
def paris(db):
    return JurisdictionFactory(slug="paris", name="Paris", time_zone="Europe/Paris")


@pytest.fixture
def madrid(db):
    return JurisdictionFactory(slug="madrid", name="Madrid", languages=["es", "en"], default_language="es")


@pytest.fixture
def paris_admin(paris):
    user = UserFactory(email="admin@paris.example")
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=paris, user=user, role=Role.ADMIN)
    return user


@pytest.fixture
def madrid_admin(madrid):
    user = UserFactory(email="admin@madrid.example")
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=madrid, user=user, role=Role.ADMIN)
    return user


def pytest_collection_modifyitems(config, items):
    """Worker tests share the test database with a Celery worker process: on SQLite it must be a file."""
    if not any(item.get_closest_marker("worker") for item in items):
        return
    import shutil
    import tempfile
    from pathlib import Path

    from django.db import connections

    default = connections["default"]
    test_settings = default.settings_dict.setdefault("TEST", {})
    if default.vendor == "sqlite" and not test_settings.get("NAME"):
        memory_backed = "/dev/shm" if Path("/dev/shm").is_dir() else None  # a file, at nearly in-memory speed
        folder = tempfile.mkdtemp(prefix="plaza-test-db-", dir=memory_backed)
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
        test_settings["NAME"] = str(Path(folder) / "plaza-test.sqlite3")


def reachable(url: str) -> bool:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False
    return True


@pytest.fixture(scope="session")
def private_redis(tmp_path_factory):
    """A redis-server of the suite's own, for machines where none runs (a fresh laptop)."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tmp_path_factory.mktemp("redis")
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen([*command, "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while not reachable(url) and time.monotonic() < deadline:
        time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def redis_url(request):
    url = os.environ.get("REDIS_URL_FOR_TESTS", "redis://127.0.0.1:6379/15")
    if reachable(url):
        return url
    if "REDIS_URL_FOR_TESTS" not in os.environ:
        own = request.getfixturevalue("private_redis")
        if own is not None and reachable(own):
            return own
    message = f"Redis is unreachable at {url} and no redis-server could be started: these tests need it."
    if os.environ.get("PLAZA_SKIP_WORKER_TESTS") == "1":
        pytest.skip(message + " Skipped because PLAZA_SKIP_WORKER_TESTS=1.")
    pytest.fail(
        message + " Install redis-server, point REDIS_URL_FOR_TESTS at one, or set PLAZA_SKIP_WORKER_TESTS=1.",
        pytrace=False,
    )
