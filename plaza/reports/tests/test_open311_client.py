"""The Open311 client: parsing written from the specification, real answers, errors, retries and the api_key kept."""

import logging
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scopes_disabled

from plaza.core.jobs import job_type
from plaza.core.models import AuditEntry, Job
from plaza.reports.forwarding import set_open311_destination
from plaza.reports.models import Forwarding, Open311Destination
from plaza.reports.open311.client import (
    InvalidAnswer,
    Open311Client,
    Refused,
    Unavailable,
    parse_errors,
    parse_requests,
)
from plaza.reports.tests.test_operations import submit

REALDATA = Path(settings.PLAZA_SHARED_DIR) / "realdata" / "open311"
EXAMPLES = REALDATA / "spec_examples"
SECRET = "s3cret-api-key-for-the-authority"


def _body(name: str) -> bytes:
    """A spec example; the error examples start with their HTTP status line, which is not part of the body."""
    text = (EXAMPLES / name).read_bytes()
    return text.split(b"\n\n", 1)[1] if text.startswith(b"HTTP/") else text


def test_the_specs_answers_to_a_post_and_to_a_token_read_alike_in_json_and_xml():
    for fmt in ("json", "xml"):
        [created] = parse_requests(_body(f"{fmt}-service-request-post.{fmt}"), fmt)
        assert created.service_request_id == "293944" and "The City will inspect" in created.service_notice
        [found] = parse_requests(_body(f"{fmt}-request-from-token.{fmt}"), fmt)
        assert (found.service_request_id, found.token) == ("638344", "12345")


def test_the_specs_xml_requests_and_errors():
    first, second = parse_requests(_body("xml-service-requests.xml"), "xml")
    assert (first.service_request_id, first.status, first.status_notes) == ("638344", "closed", "Duplicate request.")
    assert first.service_code == "006" and first.updated_datetime.utcoffset().total_seconds() == -8 * 3600
    assert second.status == "open" and second.status_notes == ""
    expected = [("403", "Invalid api_key received -- can't proceed with create_request.")]
    assert parse_errors(_body("xml-errors.xml"), "xml") == expected
    assert parse_errors(_body("json-errors.http.txt")) == expected


@pytest.mark.parametrize("name", ["json-service-list.json", "json-service-requests.json", "json-service-request.json"])
def test_the_three_invalid_json_examples_are_refused_clearly(name):
    with pytest.raises(InvalidAnswer, match="not valid JSON"):
        parse_requests(_body(name))


def test_chicagos_fifty_real_requests():
    found = parse_requests((REALDATA / "chicago_open311_requests_50.json").read_bytes())
    assert len(found) == 50
    assert all(r.service_request_id and r.status in ("open", "closed") for r in found)
    assert all(r.updated_datetime is None or r.updated_datetime.tzinfo for r in found)
    first = found[0]
    assert first.service_request_id == "14-00684314" and first.status_notes.startswith("CDOT Inspect")
    assert first.extra["extended_attributes"]["ward"] == "21" and first.extra["notes"][0]["type"] == "opened"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"service_request_id": "1"}', "is a list"),
        (b'[{"service_request_id": "1", "status": "pending"}]', "open"),
        (b'[{"service_request_id": "1", "updated_datetime": "yesterday"}]', "ISO 8601"),
        (b'[{"service_request_id": "1", "updated_datetime": "2026-01-01T10:00:00"}]', "time zone"),
        (b"[1]", "object"),
    ],
)
def test_answers_that_are_not_georeport_documents_are_refused(body, message):
    with pytest.raises(InvalidAnswer, match=message):
        parse_requests(body)


def test_an_xml_answer_with_a_doctype_is_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><service_requests/>'
    with pytest.raises(InvalidAnswer, match="DOCTYPE"):
        parse_requests(bomb, "xml")


def _client(handler) -> Open311Client:
    return Open311Client("https://authority.example/open311/v2", api_key=SECRET, transport=httpx.MockTransport(handler))


def test_the_client_posts_the_specs_fields():
    seen = {}

    def authority(request: httpx.Request) -> httpx.Response:
        seen["url"], seen["form"] = str(request.url), dict(httpx.QueryParams(request.content.decode()))
        return httpx.Response(200, content=_body("json-service-request-post.json"))

    created = _client(authority).post_request(service_code="pothole", description="Hole", lat=37.5, long=126.9)
    assert seen["url"] == "https://authority.example/open311/v2/requests.json"
    assert seen["form"] == {
        "api_key": SECRET,
        "service_code": "pothole",
        "lat": "37.5",
        "long": "126.9",
        "description": "Hole",
    }
    assert created.service_request_id == "293944"


def test_refusals_and_outages_are_told_apart_and_never_carry_the_key(caplog):
    caplog.set_level(logging.DEBUG)
    refused = _client(lambda r: httpx.Response(403, content=_body("json-errors.http.txt")))
    with pytest.raises(Refused) as failure:
        refused.post_request(service_code="x", address_string="Somewhere")
    assert failure.value.status == 403 and "Invalid api_key" in str(failure.value) and not failure.value.retryable
    for answer in (lambda r: httpx.Response(503), lambda r: (_ for _ in ()).throw(httpx.ConnectError("down"))):
        with pytest.raises(Unavailable) as failure:
            _client(answer).post_request(service_code="x", address_string="Somewhere")
        assert failure.value.retryable and SECRET not in str(failure.value)
    assert SECRET not in caplog.text and SECRET not in repr(refused)


def test_setting_a_destination_keeps_the_key_encrypted_and_out_of_the_audit(seoul_admin, pothole, roads_official):
    with pytest.raises(PermissionDenied):
        set_open311_destination(
            actor=roads_official, category=pothole, endpoint="https://a.example/v2/", service_code="x", api_key=SECRET
        )
    with pytest.raises(ValidationError) as refused:
        set_open311_destination(
            actor=seoul_admin, category=pothole, endpoint="http://a.example/v2/", service_code="x", api_key=SECRET
        )
    assert "https" in refused.value.message_dict["endpoint"][0]
    set_open311_destination(
        actor=seoul_admin, category=pothole, endpoint="https://a.example/v2", service_code="x", api_key=SECRET
    )
    set_open311_destination(  # an empty key keeps the stored one
        actor=seoul_admin, category=pothole, endpoint="https://a.example/v2", service_code="road", api_key=""
    )
    with scopes_disabled():
        destination = Open311Destination.objects.get()
        assert SECRET not in destination.api_key_encrypted and destination.api_key == SECRET
        assert destination.endpoint == "https://a.example/v2/" and destination.service_code == "road"
        entries = AuditEntry.objects.filter(action="report.open311_destination")
        assert entries.count() == 2 and all(SECRET not in str(e.data) for e in entries)


def test_the_backoff_doubles():
    assert [job_type("reports.forward").backoff(n) for n in (1, 2, 3, 4, 5)] == [60, 120, 240, 480, 960]


def test_an_unreachable_authority_is_retried_then_given_up_without_leaking_the_key(
    transactional_db, seoul_admin, component, pothole, resident, caplog
):
    caplog.set_level(logging.DEBUG)
    set_open311_destination(  # nothing listens on port 9 (discard) here
        actor=seoul_admin, category=pothole, endpoint="http://127.0.0.1:9/open311/v2/", service_code="x", api_key=SECRET
    )
    report = submit(component, pothole, resident)  # no test transaction: the job runs (inline) on commit
    with scopes_disabled():
        job = Job.objects.get(kind="reports.forward")
        forwarding = Forwarding.objects.get(report=report)
    assert job.status == "failed" and job.attempts == 6 and "gave up after 6 attempts" in job.error
    assert forwarding.state == "failed" and "127.0.0.1:9" in forwarding.error
    assert SECRET not in caplog.text and SECRET not in job.error + forwarding.error


def test_a_failure_after_the_authority_answered_never_posts_twice(
    transactional_db, seoul_admin, component, pothole, resident, monkeypatch
):
    from plaza.reports import forwarding as forwarding_module
    from plaza.reports.open311 import client as client_module

    posts = []

    def authority(request: httpx.Request) -> httpx.Response:
        posts.append(request)
        return httpx.Response(201, json=[{"service_request_id": 77, "service_notice": "Received"}])

    real_client, real_announce = client_module.Open311Client, forwarding_module.announce_sent
    monkeypatch.setattr(
        forwarding_module,
        "Open311Client",
        lambda *a, **k: real_client(*a, transport=httpx.MockTransport(authority), **k),
    )
    failures = iter([RuntimeError("database hiccup")])

    def announce_once_failing(forwarding):
        for failure in failures:
            raise failure
        real_announce(forwarding)

    monkeypatch.setattr(forwarding_module, "announce_sent", announce_once_failing)
    set_open311_destination(
        actor=seoul_admin, category=pothole, endpoint="https://authority.example/v2/", service_code="x", api_key=SECRET
    )
    report = submit(component, pothole, resident)
    with scopes_disabled():
        forwarding = Forwarding.objects.get(report=report)
        job = Job.objects.get(kind="reports.forward")
        assert report.updates.filter(body__startswith="Forwarded to authority.example (their request 77).").count() == 1
    assert len(posts) == 1 and job.status == "succeeded" and job.attempts == 2
    assert (forwarding.state, forwarding.service_request_id) == ("sent", "77") and forwarding.sent_at


def test_admins_set_the_forwarding_on_the_categories_page(client, seoul_admin, pothole):
    client.force_login(seoul_admin)
    form = {
        "form": "destination",
        "open311-category": "pothole",
        "open311-endpoint": "http://authority.example/v2/",
        "open311-service_code": "road",
        "open311-api_key": SECRET,
        "open311-is_active": "on",
    }
    response = client.post("/seoul/reports/manage/categories/", form)
    assert response.status_code == 400 and "use an https:// address" in response.content.decode()
    assert SECRET not in response.content.decode()  # never echoed back
    response = client.post(
        "/seoul/reports/manage/categories/", form | {"open311-endpoint": "https://authority.example/v2/"}
    )
    assert response.status_code == 302
    page = client.get("/seoul/reports/manage/categories/").content.decode()
    assert "https://authority.example/v2/" in page and SECRET not in page
