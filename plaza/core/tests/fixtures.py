"""Fixtures shared by core's tests."""

import pytest
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
