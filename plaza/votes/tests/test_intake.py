"""Ballots through the WSGI intake in front of Django (plaza/core/intake.py), as servers hand them over.

The intake answers the plain success itself and hands everything else to Django with the request as
it came (the body it read included): these tests call the WSGI application with the environment a
server builds and compare its answers with Django's test client's (which goes through the middleware).
"""

import io
import json
import logging
import sys

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import OperationalError, close_old_connections, connection
from django.test import override_settings

from plaza.core.api import lean
from plaza.core.intake import Intake
from plaza.votes import lean as votes_lean
from plaza.votes.tests.test_lean import URL, new_voter, post, stored

pytestmark = pytest.mark.django_db


@pytest.fixture
def app():
    """`plaza.wsgi.application` made anew (settings overridden in a test apply)."""
    return Intake(WSGIHandler())


def call(app, secret, body, *, path=URL, host="testserver", raw=None):
    data = raw if raw is not None else json.dumps(body).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(data)),
        "HTTP_AUTHORIZATION": f"Bearer {secret}",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(data),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(headers)

    # As Django's test client does: a request's start and end must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        chunks = app(environ, start_response)
        answer["body"] = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer


def test_the_intake_answers_a_ballot_as_django_does(app, client, paris, votation):
    through_intake = call(app, new_voter(paris).secret, {"answers": {"q1": ["yes"]}})
    through_django = post(client, new_voter(paris).secret, {"answers": {"q1": ["yes"]}})
    assert through_intake["status"] == through_django.status_code == 201
    assert json.loads(through_intake["body"]).keys() == through_django.json().keys()
    for header in ("Content-Type", "Cache-Control", "X-Content-Type-Options", "Referrer-Policy"):
        assert through_intake["headers"][header] == through_django[header], header
    assert int(through_intake["headers"]["Content-Length"]) == len(through_intake["body"])
    ballots, roll = stored(paris)
    assert len(ballots) == len(roll) == 2


def test_the_intake_skips_djangos_handler_for_a_ballot(app, paris, votation, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("The lean ballot is PostgreSQL's: on SQLite Django's endpoint answers every ballot.")

    def no_django(environ, start_response):
        raise AssertionError("the ballot reached Django's handler")

    monkeypatch.setattr(app, "application", no_django)
    assert call(app, new_voter(paris).secret, {"answers": {"q1": ["no"]}})["status"] == 201


def test_what_the_intake_does_not_answer_django_answers_with_the_same_body(app, client, paris, votation):
    token = new_voter(paris)
    assert call(app, token.secret, {"answers": {"q1": ["yes"]}})["status"] == 201
    again = call(app, token.secret, {"answers": {"q1": ["no"]}})  # the body, read by the intake, reaches Django
    assert again["status"] == 422 and "already voted" in again["body"].decode()
    wrong = call(app, new_voter(paris).secret, {"answers": {"q1": ["maybe"]}})
    normal = post(client, new_voter(paris).secret, {"answers": {"q1": ["maybe"]}})
    assert wrong["status"] == normal.status_code == 422
    assert json.loads(wrong["body"]) == normal.json()
    broken = call(app, new_voter(paris).secret, None, raw=b"answers=yes")
    assert broken["status"] == 400
    assert len(stored(paris)[0]) == 1


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_a_host_not_allowed_is_djangos_to_refuse(app, paris, votation):
    assert call(app, new_voter(paris).secret, {"answers": {"q1": ["yes"]}})["status"] == 201  # a good host, kept
    for _twice in range(2):  # a bad one is not kept
        answer = call(app, new_voter(paris).secret, {"answers": {"q1": ["yes"]}}, host="evil.example")
        assert answer["status"] == 400
    assert len(stored(paris)[0]) == 1


@override_settings(PLAZA_API_RATE="2/m")
def test_a_request_passed_on_is_counted_in_its_rate_window(app, paris, votation):
    token = new_voter(paris)
    statuses = [call(app, token.secret, {"answers": {"q1": ["yes"]}})["status"] for _ in range(4)]
    if connection.vendor == "postgresql":
        assert statuses == [201, 422, 422, 429]  # the lean ballot not counted, the second vote counted once (1)
    else:  # Django's endpoint cast it (counted)
        assert statuses == [201, 422, 429, 429]


@override_settings(PLAZA_SERVER_TIMING=True)
def test_the_intake_says_its_server_time_when_asked(paris, votation):
    answer = call(Intake(WSGIHandler()), new_voter(paris).secret, {"answers": {"q1": ["yes"]}})
    assert answer["status"] == 201 and answer["headers"]["Server-Timing"].startswith("app;dur=")


def test_a_failure_in_the_lean_handler_goes_on_to_django_and_is_logged(app, paris, votation, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(lean, "_writes", [lean.LeanWrite("POST", votes_lean.ballot.path, broken)])
    with caplog.at_level(logging.ERROR, logger="plaza.intake"):
        answer = call(app, new_voter(paris).secret, {"answers": {"q1": ["yes"]}})
    assert answer["status"] == 201  # Django's own endpoint cast it
    assert "lean write path failed" in caplog.text
    assert len(stored(paris)[0]) == 1
