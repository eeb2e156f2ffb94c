"""The Open311 GeoReport v2 server, checked against the specification's text (http://wiki.open311.org/GeoReport_v2).

The checks read answers the way a client following the spec would: field and element names,
status values open/closed, ISO 8601 dates with an offset, and errors as a list of code/description.
"""

import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 - our own server's answers

import pytest
from django_scopes import scopes_disabled

from plaza.core.models import ApiToken
from plaza.core.tests.factories import ApiTokenFactory
from plaza.reports.models import Report
from plaza.reports.tests.factories import ReportFactory

ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
BASE = "/seoul/open311/v2"


def assert_error_list(response, status):
    assert response.status_code == status
    body = response.json()
    assert isinstance(body, list) and body and set(body[0]) == {"code", "description"}
    assert body[0]["code"] == status and body[0]["description"]


@pytest.fixture
def reports(component, pothole, dumping):
    with scopes_disabled():
        return [
            ReportFactory(category=pothole, component=component, description="Hole", status="open"),
            ReportFactory(category=dumping, component=component, description="Sofa", status="fixed"),
            ReportFactory(
                category=pothole, component=component, description="Old", status="closed", close_reason="duplicate"
            ),
        ]


def test_discovery_names_the_v2_endpoint_and_both_formats(client, seoul):
    body = client.get("/seoul/open311/discovery.json").json()
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(body)
    endpoint = body["endpoints"][0]
    assert endpoint["url"].endswith("/seoul/open311/v2/")
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = ET.fromstring(client.get("/seoul/open311/discovery.xml").content)  # noqa: S314
    assert root.tag == "discovery" and root.find("endpoints/endpoint/formats/format") is not None


def test_service_list_json_and_xml(client, pothole, dumping):
    services = client.get(f"{BASE}/services.json").json()
    assert [s["service_code"] for s in services] == ["dumping", "pothole"]
    assert set(services[0]) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    assert services[1]["type"] in {"realtime", "batch", "blackbox"} and services[1]["metadata"] is False
    response = client.get(f"{BASE}/services.xml")
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)  # noqa: S314
    assert root.tag == "services" and [e.findtext("service_code") for e in root.findall("service")] == [
        "dumping",
        "pothole",
    ]


def test_service_definition_and_an_unknown_code(client, pothole):
    assert client.get(f"{BASE}/services/pothole.json").json() == {"service_code": "pothole", "attributes": []}
    root = ET.fromstring(client.get(f"{BASE}/services/pothole.xml").content)  # noqa: S314
    assert root.tag == "service_definition" and root.findtext("service_code") == "pothole"
    assert_error_list(client.get(f"{BASE}/services/nope.json"), 404)


def test_requests_list_has_the_spec_fields_statuses_and_dates(client, reports):
    body = client.get(f"{BASE}/requests.json").json()
    assert len(body) == 3
    for item in body:
        assert set(item) == REQUEST_FIELDS
        assert item["status"] in {"open", "closed"}
        for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
            assert ISO_WITH_OFFSET.match(item[name]), item[name]
        assert item["requested_datetime"].endswith("+09:00")  # Seoul's time
    by_id = {item["service_request_id"]: item for item in body}
    assert by_id[str(reports[1].pk)]["status"] == "closed"  # fixed is closed in Open311's two values
    assert by_id[str(reports[0].pk)]["agency_responsible"] == "Roads"


def test_requests_filters(client, reports):
    hole, sofa, old = reports
    ids = lambda response: sorted(int(i["service_request_id"]) for i in response.json())  # noqa: E731
    assert ids(client.get(f"{BASE}/requests.json", {"status": "open"})) == [hole.pk]
    assert ids(client.get(f"{BASE}/requests.json", {"status": "closed"})) == sorted([sofa.pk, old.pk])
    assert ids(client.get(f"{BASE}/requests.json", {"service_code": "dumping"})) == [sofa.pk]
    assert ids(client.get(f"{BASE}/requests.json", {"service_code": "dumping,pothole"})) == sorted(
        r.pk for r in reports
    )
    # service_request_id overrides every other argument
    assert ids(
        client.get(f"{BASE}/requests.json", {"service_request_id": f"{hole.pk},{sofa.pk}", "status": "closed"})
    ) == sorted([hole.pk, sofa.pk])
    assert (
        ids(
            client.get(
                f"{BASE}/requests.json", {"start_date": "2001-01-01T00:00:00Z", "end_date": "2001-02-01T00:00:00Z"}
            )
        )
        == []
    )


@pytest.mark.parametrize(
    "query",
    [
        {"status": "pending"},
        {"start_date": "yesterday"},
        {"start_date": "2020-01-01T00:00:00Z", "end_date": "2020-06-01T00:00:00Z"},  # more than 90 days
        {"service_request_id": "1;2"},
    ],
)
def test_bad_filters_answer_a_400_error_list(client, reports, query):
    assert_error_list(client.get(f"{BASE}/requests.json", query), 400)


def test_one_request_in_json_and_xml(client, reports):
    hole = reports[0]
    body = client.get(f"{BASE}/requests/{hole.pk}.json").json()
    assert isinstance(body, list) and body[0]["service_request_id"] == str(hole.pk) and body[0]["lat"] == 37.5665
    root = ET.fromstring(client.get(f"{BASE}/requests/{hole.pk}.xml").content)  # noqa: S314
    assert root.tag == "service_requests"
    request = root.find("request")
    assert {child.tag for child in request} == REQUEST_FIELDS and request.findtext("long") == "126.978"
    assert_error_list(client.get(f"{BASE}/requests/999999.json"), 404)


def test_posting_a_request_with_a_write_api_key(client, component, pothole, resident):
    token = ApiTokenFactory(user=resident, scope=ApiToken.Scope.WRITE)
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": token.secret,
            "service_code": "pothole",
            "lat": "37.5665",
            "long": "126.9780",
            "description": "Deep hole",
        },
    )
    assert response.status_code == 201
    created = response.json()
    assert set(created[0]) == {"service_request_id", "service_notice", "account_id"}
    with scopes_disabled():
        report = Report.objects.get(pk=created[0]["service_request_id"])
        assert (report.reporter, report.description, report.latitude) == (resident, "Deep hole", 37.5665)
    # tokens/{token} names the request the token stands for
    found = client.get(f"{BASE}/tokens/{report.token}.json").json()
    assert found == [{"service_request_id": str(report.pk), "token": report.token}]


def test_posting_with_an_address_string_in_xml(client, component, pothole, resident):
    token = ApiTokenFactory(user=resident, scope=ApiToken.Scope.WRITE)
    response = client.post(
        f"{BASE}/requests.xml",
        {"api_key": token.secret, "service_code": "pothole", "address_string": "Sejong-daero 110"},
    )
    assert response.status_code == 201
    root = ET.fromstring(response.content)  # noqa: S314
    assert root.tag == "service_requests" and root.find("request/service_request_id").text


@pytest.mark.parametrize(
    ("scope", "key", "data", "status"),
    [
        ("write", "wrong", {"service_code": "pothole", "lat": "37.5", "long": "126.9"}, 403),
        ("read", None, {"service_code": "pothole", "lat": "37.5", "long": "126.9"}, 403),
        ("write", None, {"service_code": "nope", "lat": "37.5", "long": "126.9"}, 400),
        ("write", None, {"service_code": "pothole"}, 400),
        ("write", None, {"service_code": "pothole", "lat": "137.5", "long": "126.9"}, 400),
    ],
)
def test_bad_posts_answer_errors_and_write_nothing(client, component, pothole, resident, scope, key, data, status):
    token = ApiTokenFactory(user=resident, scope=scope)
    response = client.post(f"{BASE}/requests.json", {"api_key": key or token.secret, **data})
    assert_error_list(response, status)
    with scopes_disabled():
        assert not Report.objects.exists()


def test_errors_in_xml_use_the_specs_elements(client, seoul):
    response = client.post(f"{BASE}/requests.xml", {"api_key": "nope", "service_code": "x"})
    root = ET.fromstring(response.content)  # noqa: S314
    assert response.status_code == 403
    assert root.tag == "errors" and root.find("error/code").text == "403" and root.find("error/description").text


def test_an_unknown_format_or_method(client, seoul):
    assert_error_list(client.get(f"{BASE}/services.csv"), 404)
    assert_error_list(client.delete(f"{BASE}/requests.json"), 405)


def test_the_request_list_costs_a_fixed_number_of_queries(client, reports, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert len(json.loads(client.get(f"{BASE}/requests.json").content)) == 3
