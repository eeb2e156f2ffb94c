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
