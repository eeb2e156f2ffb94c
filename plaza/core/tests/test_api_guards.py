"""The API's guards: rate limits, secrets kept out of logs, docs served without a CDN, errors documented."""

import io
import logging
import re

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from plaza.core.api.throttling import parse_rate
from plaza.core.tests.factories import ApiTokenFactory

pytestmark = pytest.mark.django_db


def test_rate_limit_answers_429_with_retry_after_and_json(client, settings):
    settings.PLAZA_API_RATE = "3/m"
    for _n in range(3):
        assert client.get("/api/v1/jurisdictions").status_code == 200
    response = client.get("/api/v1/jurisdictions")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["error"]["code"] == "rate_limited"


def test_rate_limit_counts_each_token_apart_from_the_address(client, settings):
    settings.PLAZA_API_RATE = "2/m"
    first, second = ApiTokenFactory(), ApiTokenFactory()
    for _n in range(2):
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {first.secret}").status_code == 200
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {first.secret}").status_code == 429
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {second.secret}").status_code == 200
    assert client.get("/api/v1/jurisdictions").status_code == 200  # the address has its own count


def test_rate_limit_counts_per_client_address(client, settings):
    settings.PLAZA_API_RATE = "1/m"
    assert client.get("/api/v1/jurisdictions", REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get("/api/v1/jurisdictions", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get("/api/v1/jurisdictions", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_rate_parsing():
    assert parse_rate("600/m") == (600, 60)
    assert parse_rate("10/second") == (10, 1)
    assert parse_rate("1000/h") == (1000, 3600)


@pytest.fixture
def log_lines():
    """Log lines as the configured console handler writes them (through settings.LOGGING's filter)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(import_string(settings.LOGGING["filters"]["redact"]["()"])())
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def test_a_logged_request_never_shows_the_token(client, log_lines):
    token = ApiTokenFactory()
    token.revoked_at = token.created_at
    token.save()
    response = client.get("/api/v1/me?debug=1", HTTP_AUTHORIZATION=f"Bearer {token.secret}")
    assert response.status_code == 401  # django.request logs this one
    request = response.wsgi_request
    logging.getLogger("plaza.test").warning("Request headers: %s", dict(request.headers))
    logging.getLogger("plaza.test").warning("Request META: %r", request.META)
    logging.getLogger("plaza.test").warning("Authorization: Bearer %s", token.secret)
    logging.getLogger("plaza.test").warning("Calling with %s", token.secret)
    output = log_lines.getvalue()
    assert "Unauthorized: /api/v1/me" in output and "Request META" in output
    assert token.secret not in output
    secret_part = token.secret[len(token.secret) // 2 :]  # half of it, long whatever characters it holds
    assert secret_part not in output


def test_docs_page_loads_nothing_from_another_site(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    external = re.findall(r"(?:https?:)?//[^\s\"'<>]+", html)
    assert external == []


def test_openapi_documents_the_error_body_on_every_operation(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["components"]["schemas"]["ErrorBody"]["properties"]["error"]
    assert set(schema["components"]["schemas"]["ErrorDetail"]["properties"]) == {"code", "message", "fields"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("401", "403", "404", "422", "429", "500"):
                ref = operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/ErrorBody", (path, method, status)
    assert {"/api/v1/me", "/api/v1/jurisdictions/{slug}/processes/{process}/publish"} <= set(schema["paths"])
