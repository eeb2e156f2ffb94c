"""The health endpoint: 200 JSON when the database answers, 503 when it does not."""

import json
from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_after_asking_the_database(client, django_assert_num_queries):
    # One query: the health check's own SELECT 1 (no jurisdiction lookup for a network address).
    with django_assert_num_queries(1) as captured:
        response = client.get("/healthz", HTTP_HOST="10.0.0.5")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert json.loads(response.content) == {"status": "ok", "checks": {"database": "ok"}}
    assert any("SELECT 1" in query["sql"] for query in captured.captured_queries)


def test_healthz_says_so_when_the_database_is_down(client, caplog):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("secret=hunter2")):
        response = client.get("/healthz", HTTP_HOST="paris.example")  # a load balancer sends a host
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "error", "checks": {"database": "unavailable"}}
    assert "hunter2" not in caplog.text


def test_healthz_answers_on_a_domain_mapped_to_a_jurisdiction(client, paris):
    paris.domain = "paris.example"
    paris.save()
    response = client.get("/healthz", HTTP_HOST="paris.example")
    assert response.status_code == 200
    assert json.loads(response.content)["status"] == "ok"


def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405
