"""Fixtures of the portal's tests: Paris's organisations, an official of one, a public and a private dataset."""

import pytest
from django_scopes import scopes_disabled

from plaza.core.models import Role
from plaza.core.tests.factories import RoleGrantFactory, UserFactory
from plaza.data.tests.factories import DatasetFactory, LinkResourceFactory, OrganizationFactory


@pytest.fixture
def environment(paris):
    with scopes_disabled():
        return OrganizationFactory(jurisdiction=paris, name="environment", title="Environment Department")


@pytest.fixture
def transport(paris):
    with scopes_disabled():
        return OrganizationFactory(jurisdiction=paris, name="transport", title="Transport Department")


@pytest.fixture
def env_official(paris, environment):
    user = UserFactory(email="official@paris.example")
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=paris, user=user, role=Role.OFFICIAL, department="Environment Department")
    return user


@pytest.fixture
def air(environment):
    with scopes_disabled():
        dataset = DatasetFactory(
            organization=environment, name="air-quality", title="Air quality stations",
            description="Hourly fine dust measurements.", themes=["ENVI", "HEAL"], keywords=["air", "pm10"],
        )  # fmt: skip
        LinkResourceFactory(dataset=dataset, name="Hourly readings", format="CSV")
        return dataset


@pytest.fixture
def metro(transport):
    with scopes_disabled():
        dataset = DatasetFactory(
            organization=transport, name="metro-ridership", title="Metro ridership",
            description="Passengers per station.", themes=["TRAN"], keywords=["metro"], licence_id="odc-odbl-1.0",
        )  # fmt: skip
        LinkResourceFactory(dataset=dataset, name="Ridership JSON", format="JSON")
        return dataset


@pytest.fixture
def secret_plan(environment):
    with scopes_disabled():
        return DatasetFactory(
            organization=environment, name="noise-draft", title="Noise survey draft", state="private",
            description="Not yet published.",
        )  # fmt: skip
