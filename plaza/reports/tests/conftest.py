"""Fixtures for civic reports: Seoul with a reports component, categories, one district, staff and residents."""

import pytest
from django_scopes import scopes_disabled

from plaza.core.models import Role
from plaza.core.tests.factories import (
    GazetteerEntryFactory,
    JurisdictionFactory,
    ProcessFactory,
    RoleGrantFactory,
    UserFactory,
)
from plaza.reports.tests.factories import AreaFactory, CategoryFactory, ReportsComponentFactory, box


@pytest.fixture
def seoul(db):
    return JurisdictionFactory(
        slug="seoul", name="Seoul", time_zone="Asia/Seoul", languages=["en"], latitude=37.5665, longitude=126.978
    )


@pytest.fixture
def component(seoul):
    with scopes_disabled():
        return ReportsComponentFactory(jurisdiction=seoul, process=ProcessFactory(jurisdiction=seoul, slug="civic"))


@pytest.fixture
def pothole(seoul):
    with scopes_disabled():
        return CategoryFactory(jurisdiction=seoul, code="pothole", name="Pothole", department="Roads")


@pytest.fixture
def dumping(seoul):
    with scopes_disabled():
        return CategoryFactory(jurisdiction=seoul, code="dumping", name="Illegal dumping", department="Cleaning")


@pytest.fixture
def jung_gu(seoul):
    with scopes_disabled():
        return AreaFactory(jurisdiction=seoul, name="Jung-gu", geometry=box(126.96, 37.55, 127.02, 37.57))


@pytest.fixture
def resident(db):
    return UserFactory(public_name="Kim Minji")


@pytest.fixture
def neighbour(db):
    return UserFactory(public_name="Park Jisoo")


def _official(jurisdiction, department, name):
    user = UserFactory(public_name=name)
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=jurisdiction, user=user, role=Role.OFFICIAL, department=department)
    return user


@pytest.fixture
def roads_official(seoul):
    return _official(seoul, "Roads", "Roads officer")


@pytest.fixture
def cleaning_official(seoul):
    return _official(seoul, "Cleaning", "Cleaning officer")


@pytest.fixture
def seoul_admin(seoul):
    user = UserFactory(public_name="Seoul admin")
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=seoul, user=user, role=Role.ADMIN)
    return user


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Tests run inside a transaction: this runs the on-commit work (notifications) of what it wraps."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path_factory):
    """Photos' originals go to a private folder of each test's own, apart from whatever MEDIA_ROOT a test sets."""
    settings.PLAZA_PRIVATE_MEDIA_ROOT = tmp_path_factory.mktemp("private")


@pytest.fixture
def gazetteer(seoul):
    """Seoul's addresses: Sejong-daero 110 (Jung-gu), Supyo-ro 1 twice (two districts), Gangnam-daero 396."""
    with scopes_disabled():
        GazetteerEntryFactory(
            jurisdiction=seoul,
            street="Sejong-daero",
            number="110",
            district="Jung-gu",
            city="Seoul",
            latitude=37.5663,
            longitude=126.9779,
        )
        for district, latitude, longitude in (("Jongno-gu", 37.5700, 126.9830), ("Jung-gu", 37.5640, 126.9900)):
            GazetteerEntryFactory(
                jurisdiction=seoul,
                street="Supyo-ro",
                number="1",
                district=district,
                city="Seoul",
                latitude=latitude,
                longitude=longitude,
            )
        GazetteerEntryFactory(
            jurisdiction=seoul,
            street="Gangnam-daero",
            number="396",
            district="Gangnam-gu",
            city="Seoul",
            latitude=37.4979,
            longitude=127.0276,
        )
