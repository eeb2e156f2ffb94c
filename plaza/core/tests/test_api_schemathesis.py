"""Schemathesis checks that the GET endpoints keep the promises of the generated OpenAPI document.

It runs in-process against the WSGI app (no network), a few examples per operation.
"""

import os

os.environ.setdefault("SCHEMATHESIS_TELEMETRY", "false")

import pytest  # noqa: E402
import schemathesis  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from hypothesis import HealthCheck  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from plaza.core.tests.factories import ComponentFactory, JurisdictionFactory, PhaseFactory, ProcessFactory  # noqa: E402

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def load_schema():
    """From the code, not over HTTP: collection runs before any test database exists."""
    from plaza.core.api import api
    from plaza.wsgi import application

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = application  # requests go through the WSGI app in-process
    return loaded


schema = load_schema()


@pytest.fixture
def api_data(db, settings, unscoped):
    settings.PLAZA_API_RATE = "100000/m"  # the fuzzer is not what the rate limit is for
    network = JurisdictionFactory(slug="network", name="Network", kind="network")
    paris = JurisdictionFactory(slug="paris", name="Paris", parent=network)
    process = ProcessFactory(jurisdiction=paris, slug="climate")
    PhaseFactory(process=process)
    ComponentFactory(process=process)
    # Like Django's test client: a finished request must not close the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.include(method="GET").parametrize()
@hypothesis_settings(
    max_examples=8,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_get_endpoints_conform_to_the_openapi_document(case, api_data):
    case.call_and_validate(checks=CHECKS)
