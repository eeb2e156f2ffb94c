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


def test_server_timing_tells_the_servers_own_time_and_its_sql(settings, db):
    from django.test import Client

    from plaza.core.server_timing import server_milliseconds

    settings.PLAZA_SERVER_TIMING = True
    header = Client().get("/healthz")["Server-Timing"]
    metrics = dict(m.strip().split(";", 1) for m in header.split(","))
    assert set(metrics) == {"app", "cpu", "db"} and 'desc="1 SQL"' in metrics["db"]
    assert 0 < server_milliseconds(header) < 10_000
    assert server_milliseconds('db;dur=2.0, app;dur=12.5;desc="x"') == 12.5
    assert server_milliseconds("cpu;dur=1") is None and server_milliseconds("app;dur=x") is None
    settings.PLAZA_SERVER_TIMING = False
    assert "Server-Timing" not in Client().get("/healthz")
