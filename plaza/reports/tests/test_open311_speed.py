"""requests.json and report creation cost a fixed, small number of statements, whatever the number of rows;
the list's cap is announced in discovery; the list and the single request say the same thing."""

import xml.etree.ElementTree as ET  # noqa: S405 - our own server's answers

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from plaza.core.models import ApiToken
from plaza.core.tests.factories import ApiTokenFactory
from plaza.reports import operations
from plaza.reports.open311 import params, views
from plaza.reports.tests.factories import ReportFactory
from plaza.reports.tests.test_operations import jpeg_with_gps, submit

BASE = "/seoul/open311/v2"

# jurisdiction, categories, reports, public notes, photos (+ the photos' content type once per process)
LIST_QUERIES = 5


def _many(component, pothole, dumping, n):
    with scopes_disabled():
        for i in range(n):
            ReportFactory(category=pothole if i % 2 else dumping, component=component, status="open")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_request_list_costs_the_same_statements_for_3_or_30_requests(client, component, pothole, dumping, fmt):
    counts = []
    for n in (3, 27):
        _many(component, pothole, dumping, n)
        client.get(f"{BASE}/requests.{fmt}")  # warm the content type cache
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{BASE}/requests.{fmt}", {"service_code": "pothole,dumping", "status": "open"})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts == [LIST_QUERIES, LIST_QUERIES]


def test_the_list_is_capped_newest_first_and_discovery_says_so(client, component, pothole, dumping, monkeypatch):
    _many(component, pothole, dumping, 5)
    monkeypatch.setattr(views, "MAX_RESULTS", 3)
    body = client.get(f"{BASE}/requests.json").json()
    with scopes_disabled():
        from plaza.reports.models import Report

        newest = [str(pk) for pk in Report.objects.order_by("-created_at", "-id").values_list("pk", flat=True)[:3]]
    assert [item["service_request_id"] for item in body] == newest
    limits = client.get("/seoul/open311/discovery.json").json()["limits"]
    assert limits == {"max_requests": params.MAX_RESULTS, "max_days": 90}
    root = ET.fromstring(client.get("/seoul/open311/discovery.xml").content)  # noqa: S314
    assert root.findtext("limits/max_requests") == str(params.MAX_RESULTS)


def test_the_list_and_one_request_give_the_same_document(
    client, component, pothole, resident, roads_official, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    report = submit(component, pothole, resident, photos=(jpeg_with_gps(),))
    operations.add_note(actor=roads_official, report=report, body="A crew comes on Monday.", is_public=True)
    operations.add_note(actor=roads_official, report=report, body="Internal only.", is_public=False)
    listed = client.get(f"{BASE}/requests.json").json()
    one = client.get(f"{BASE}/requests/{report.pk}.json").json()
    assert listed == one
    assert listed[0]["status_notes"] == "A crew comes on Monday."
    assert "/seoul/attachments/" in listed[0]["media_url"]
    listed_xml = ET.fromstring(client.get(f"{BASE}/requests.xml").content)  # noqa: S314
    one_xml = ET.fromstring(client.get(f"{BASE}/requests/{report.pk}.xml").content)  # noqa: S314
    assert ET.tostring(listed_xml) == ET.tostring(one_xml)


# api_key, the account's verification level and whether a moderator blocked it (one query; the category with its
# forwarding destination, the component and the areas are kept in the cache), then the report's rows together
# (`rows.insert_with`): the report, its timeline line, audit entry, search document, follow and figures (2 upserts).
# On PostgreSQL that is the report's key from its sequence and ONE statement; SQLite runs the 7 INSERTs in a
# transaction (a savepoint here, inside the test's). The department's officials are read and told after the commit
# (not run here: the test's transaction never commits). It was 22, then 16, then 12.
def create_queries(before: int = 3) -> int:
    return before + (2 if connection.vendor == "postgresql" else 9)


def _areas_read(queries) -> int:
    return sum("reports_area" in (q["sql"] or "") for q in queries.captured_queries)  # prepared statements: no SQL


def test_creating_a_request_over_open311_costs_a_fixed_number_of_statements(client, component, pothole, resident):
    token = ApiTokenFactory(user=resident, scope=ApiToken.Scope.WRITE)
    data = {"api_key": token.secret, "service_code": "pothole", "lat": "37.5665", "long": "126.978", "description": "x"}
    client.post(f"{BASE}/requests.json", data)  # the day's figures rows exist from now on
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == 201
    assert len(queries) == create_queries()
    assert _areas_read(queries) == 0  # the areas are kept


def test_the_xml_list_writer_matches_the_generic_writer():
    from datetime import UTC, datetime

    from plaza.reports.open311.format import ServiceRequest, dumps_xml, request_to_dict, requests_to_xml

    found = [
        ServiceRequest(
            service_request_id="7",
            status="open",
            description="Hole & <sofa>",
            requested_datetime=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
            lat=37.5,
            long=126.9,
        ),
        ServiceRequest(service_request_id="8", status="closed", status_notes="Done."),
    ]
    generic = dumps_xml("service_requests", "request", [request_to_dict(r, with_extensions=False) for r in found])
    assert requests_to_xml(found) == generic


# the above, with the session and the account instead of the api_key: 5 statements before the report's rows


def test_reporting_through_the_page_costs_a_fixed_number_of_statements(client, component, pothole, resident):
    client.force_login(resident)
    data = {"category": "pothole", "location": "37.5665, 126.9780", "description": "A hole"}
    client.post("/seoul/reports/new/", data)
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/seoul/reports/new/", data)
    assert response.status_code == 302
    assert len(queries) == create_queries(before=5)
    assert _areas_read(queries) == 0


def test_after_the_commit_creation_reads_the_officials_once_and_tells_them(
    client, component, pothole, resident, roads_official, django_capture_on_commit_callbacks
):
    from plaza.core.models import Notification

    token = ApiTokenFactory(user=resident, scope=ApiToken.Scope.WRITE)
    data = {"api_key": token.secret, "service_code": "pothole", "lat": "37.5665", "long": "126.978", "description": "x"}
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.post(f"{BASE}/requests.json", data).status_code == 201
    with scopes_disabled():
        assert not Notification.objects.exists()  # nothing written for the officials inside the reporter's transaction
    with CaptureQueriesContext(connection) as after:
        for callback in callbacks:
            callback()
    with scopes_disabled():
        assert list(Notification.objects.values_list("recipient_id", flat=True)) == [roads_official.pk]
    # the officials' accounts (their ids read from the grants once, then kept), then one transaction: the
    # notification (its e-mail job only for immediate mail)
    assert sum(q["sql"].startswith("SELECT") for q in after.captured_queries) == 2
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.post(f"{BASE}/requests.json", data).status_code == 201
    with CaptureQueriesContext(connection) as after:
        for callback in callbacks:
            callback()
    assert sum(q["sql"].startswith("SELECT") for q in after.captured_queries) == 1


def test_the_kept_officials_follow_their_grants_and_accounts(
    client, component, pothole, resident, roads_official, django_capture_on_commit_callbacks
):
    from plaza.core.models import Notification, RoleGrant

    token = ApiTokenFactory(user=resident, scope=ApiToken.Scope.WRITE)
    data = {"api_key": token.secret, "service_code": "pothole", "lat": "37.5665", "long": "126.978", "description": "x"}

    def told() -> list[int]:
        with scopes_disabled():
            Notification.objects.all().delete()
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(f"{BASE}/requests.json", data).status_code == 201
        with scopes_disabled():
            return list(Notification.objects.values_list("recipient_id", flat=True))

    assert told() == [roads_official.pk]
    roads_official.is_active = False
    roads_official.save()
    assert told() == []
    roads_official.is_active = True
    roads_official.save()
    assert told() == [roads_official.pk]
    with scopes_disabled():
        RoleGrant.objects.filter(user=roads_official).delete()
    assert told() == []


def test_after_the_commit_nothing_is_written_when_the_department_has_nobody(
    client, component, pothole, resident, django_capture_on_commit_callbacks
):
    token = ApiTokenFactory(user=resident, scope=ApiToken.Scope.WRITE)
    data = {"api_key": token.secret, "service_code": "pothole", "lat": "37.5665", "long": "126.978", "description": "x"}
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.post(f"{BASE}/requests.json", data).status_code == 201
    with CaptureQueriesContext(connection) as after:
        for callback in callbacks:
            callback()
    assert len(after) == 1  # who works for the department: nobody, so no transaction is opened


def test_kept_categories_and_areas_follow_every_change(client, component, pothole, resident):
    """What creation keeps in the cache (category, component, areas) is never older than the rows."""
    from plaza.reports.models import Area

    token = ApiTokenFactory(user=resident, scope=ApiToken.Scope.WRITE)
    data = {"api_key": token.secret, "service_code": "pothole", "lat": "37.5665", "long": "126.978", "description": "x"}
    assert client.post(f"{BASE}/requests.json", data).status_code == 201
    pothole.is_active = False
    pothole.save()
    assert client.post(f"{BASE}/requests.json", data).status_code == 400  # no such service any more
    pothole.is_active = True
    pothole.save()
    assert client.post(f"{BASE}/requests.json", data).status_code == 201
    with scopes_disabled():
        Area.objects.filter(jurisdiction=component.jurisdiction).delete()  # a delete per row: signals run
    assert client.post(f"{BASE}/requests.json", {**data, "lat": "10", "long": "10"}).status_code == 201  # no areas
    component.is_published = False
    component.save()
    assert client.post(f"{BASE}/requests.json", data).status_code == 404
