"""Open311's address_id, written from the GeoReport v2 text: POST Service Request takes "one of lat & long or
address_string or address_id" as its location, address_id being "the internal address ID used by a jurisdiction's
master address repository" (here: core's gazetteer), and GET Service Request(s) return it. Also the JSON API."""

import xml.etree.ElementTree as ET  # noqa: S405 - our own server's answers

import pytest
from django_scopes import scopes_disabled

from plaza.core.models import ApiToken, GazetteerEntry
from plaza.core.tests.factories import ApiTokenFactory, GazetteerEntryFactory, JurisdictionFactory
from plaza.reports.models import Report
from plaza.reports.tests.test_open311_server import BASE, assert_error_list


@pytest.fixture
def api_key(resident):
    return ApiTokenFactory(user=resident, scope=ApiToken.Scope.WRITE).secret


def address_id_of(jurisdiction, street: str, district: str = "") -> str:
    with scopes_disabled():
        found = GazetteerEntry.objects.filter(jurisdiction=jurisdiction, street=street)
        return (found.filter(district=district) if district else found).get().address_id


def post(client, api_key, fmt="json", **location):
    data = {"api_key": api_key, "service_code": "pothole", "description": "Hole", **location}
    return client.post(f"{BASE}/requests.{fmt}", data)


def report_of(response) -> Report:
    assert response.status_code == 201, response.content
    with scopes_disabled():
        return Report.objects.select_related("area").get(pk=response.json()[0]["service_request_id"])


def test_an_address_id_locates_the_request_and_is_returned(client, component, pothole, gazetteer, jung_gu, api_key):
    address_id = address_id_of(component.jurisdiction, "Sejong-daero")
    report = report_of(post(client, api_key, address_id=address_id))
    assert (report.latitude, report.longitude) == (37.5663, 126.9779)
    assert (report.address, report.address_id, report.area) == ("Sejong-daero 110, Jung-gu, Seoul", address_id, jung_gu)
    one = client.get(f"{BASE}/requests/{report.pk}.json").json()[0]
    assert (one["address_id"], one["address"], one["lat"]) == (address_id, "Sejong-daero 110, Jung-gu, Seoul", 37.5663)
    listed = client.get(f"{BASE}/requests.json").json()
    assert [r["address_id"] for r in listed] == [address_id]
    root = ET.fromstring(client.get(f"{BASE}/requests.xml").content)  # noqa: S314
    assert root.findtext("request/address_id") == address_id


def test_with_lat_and_long_the_address_id_names_the_address(client, component, pothole, gazetteer, api_key):
    address_id = address_id_of(component.jurisdiction, "Sejong-daero")
    report = report_of(post(client, api_key, address_id=address_id, lat="37.5664", long="126.9780"))
    assert (report.latitude, report.address, report.address_id) == (
        37.5664,
        "Sejong-daero 110, Jung-gu, Seoul",
        address_id,
    )


def test_an_unknown_address_id_is_an_error_and_writes_nothing(client, component, pothole, gazetteer, api_key):
    elsewhere = JurisdictionFactory(slug="busan")
    with scopes_disabled():
        foreign = GazetteerEntryFactory(jurisdiction=elsewhere, street="Jungang-daero", number="1").address_id
    for unknown in ("no-such-address", foreign):
        response = post(client, api_key, address_id=unknown)
        assert_error_list(response, 400)
        assert "address_id" in response.json()[0]["description"]
    root = ET.fromstring(post(client, api_key, fmt="xml", address_id="nope").content)  # noqa: S314
    assert root.tag == "errors" and "address_id nope not found" in root.findtext("error/description")
    with scopes_disabled():
        assert not Report.objects.exists()


def test_a_request_without_any_location_names_the_three_kinds(client, component, pothole, api_key):
    response = post(client, api_key)
    assert_error_list(response, 400)
    assert response.json()[0]["description"] == "Give lat and long, address_string or address_id."


def test_an_address_string_meaning_one_place_gets_its_address_id(client, component, pothole, gazetteer, api_key):
    report = report_of(post(client, api_key, address_string="sejong daero 110"))
    assert report.address_id == address_id_of(component.jurisdiction, "Sejong-daero")
    assert client.get(f"{BASE}/requests/{report.pk}.json").json()[0]["address_id"] == report.address_id


def test_requests_located_otherwise_have_no_address_id(client, component, pothole, gazetteer, api_key):
    report_of(post(client, api_key, lat="37.5664", long="126.9780"))
    report_of(post(client, api_key, address_string="Supyo-ro 1"))  # two places: kept as text
    assert [r["address_id"] for r in client.get(f"{BASE}/requests.json").json()] == [None, None]
    root = ET.fromstring(client.get(f"{BASE}/requests.xml").content)  # noqa: S314
    assert [e.text for e in root.findall("request/address_id")] == [None, None]


def test_a_client_asks_which_place_through_the_lookup_then_sends_its_id(client, component, pothole, gazetteer, api_key):
    """An ambiguous address_string cannot be asked about in Open311: discovery names the lookup (an extension)
    that answers the places with their address_id, and the client posts the one its user chose."""
    lookup = client.get("/seoul/open311/discovery.json").json()["address_lookup"]
    assert lookup.endswith("/api/v1/jurisdictions/seoul/geocode")
    answer = client.get(lookup.split("testserver")[-1], {"address": "Supyo-ro 1"}).json()
    assert answer["exact"] is True and len(answer["places"]) == 2
    chosen = next(p for p in answer["places"] if "Jongno-gu" in p["label"])
    report = report_of(post(client, api_key, address_id=chosen["address_id"]))
    assert (report.latitude, report.address) == (37.57, "Supyo-ro 1, Jongno-gu, Seoul")


# The JSON API


def api_post(client, api_key, **body):
    return client.post(
        "/api/v1/reports/seoul/reports",
        {"category": "pothole", "description": "Hole", **body},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_key}",
    )


def test_the_json_api_takes_and_returns_an_address_id(client, component, pothole, gazetteer, jung_gu, api_key):
    address_id = address_id_of(component.jurisdiction, "Supyo-ro", "Jung-gu")
    response = api_post(client, api_key, address_id=address_id)
    assert response.status_code == 201
    body = response.json()
    assert (body["address_id"], body["address"], body["latitude"]) == (address_id, "Supyo-ro 1, Jung-gu, Seoul", 37.564)
    assert client.get(f"/api/v1/reports/seoul/reports/{body['id']}").json()["address_id"] == address_id
    typed = api_post(client, api_key, address="Sejong-daero 110").json()
    assert typed["address_id"] == address_id_of(component.jurisdiction, "Sejong-daero")
    refused = api_post(client, api_key, address_id="nope")
    assert refused.status_code == 422 and "address_id" in refused.json()["error"]["fields"]


def test_the_geocode_endpoint_answers_look_alikes_with_their_ids(client, component, gazetteer):
    answer = client.get("/api/v1/jurisdictions/seoul/geocode", {"address": "Sejong-dearo 110"}).json()
    assert answer["exact"] is False and "Did you mean" in answer["message"]
    assert [(p["label"], p["address_id"], p["approximate"]) for p in answer["places"]] == [
        ("Sejong-daero 110, Jung-gu, Seoul", address_id_of(component.jurisdiction, "Sejong-daero"), False)
    ]
    assert client.get("/api/v1/jurisdictions/nowhere/geocode", {"address": "x"}).status_code == 404
    assert client.get("/api/v1/jurisdictions/seoul/geocode").status_code == 422
