"""Our Open311 parser and serializer speak the dialect of real servers: the spec's examples and Chicago's answers."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from plaza.reports.open311.format import (
    Open311FormatError,
    loads_json,
    parse_requests_json,
    parse_requests_xml,
    request_to_dict,
    requests_to_xml,
)

pytestmark = pytest.mark.django_db(databases=[])


def realdata(name: str) -> str:
    return (Path(settings.PLAZA_SHARED_DIR) / "realdata" / "open311" / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["json-service-list.json", "json-service-requests.json", "json-service-request.json"])
def test_the_three_invalid_spec_examples_are_rejected_clearly(name):
    with pytest.raises(Open311FormatError) as refused:
        loads_json(realdata(f"spec_examples/{name}"))
    message = str(refused.value)
    assert message.startswith("Not valid JSON at line ")
    assert "may not start with 0" in message


def test_chicagos_fifty_requests_round_trip_through_our_serializer():
    text = realdata("chicago_open311_requests_50.json")
    parsed = parse_requests_json(text)
    assert len(parsed) == 50
    first = parsed[0]
    assert first.service_request_id == "14-00684314" and first.status == "closed"
    assert (
        first.service_name == "Pothole in Street" and first.requested_datetime.utcoffset().total_seconds() == -5 * 3600
    )
    assert first.extensions["extended_attributes"]["ward"] == "21"  # Chicago's extension survives
    again = parse_requests_json(json.dumps([request_to_dict(r) for r in parsed]))
    assert again == parsed
    # Every spec field Chicago sent comes back with the same value, to the second and the offset.
    for original, ours in zip(json.loads(text), [request_to_dict(r) for r in parsed], strict=True):
        for key, value in original.items():
            assert ours[key] == value, key


def test_chicagos_requests_round_trip_through_our_xml():
    parsed = parse_requests_json(realdata("chicago_open311_requests_50.json"))
    back = parse_requests_xml(requests_to_xml(parsed))
    strip = [request_to_dict(r, with_extensions=False) for r in parsed]
    assert [request_to_dict(r, with_extensions=False) for r in back] == strip


def test_the_specs_xml_examples_parse():
    requests = parse_requests_xml(realdata("spec_examples/xml-service-requests.xml"))
    assert [(r.service_request_id, r.status, r.service_code) for r in requests] == [
        ("638344", "closed", "006"),
        ("638349", "open", "006"),
    ]
    assert requests[0].lat == pytest.approx(37.762221815)


def test_a_status_outside_open_and_closed_is_refused():
    with pytest.raises(Open311FormatError, match="open or closed"):
        parse_requests_json('[{"service_request_id": "1", "status": "pending"}]')


def test_xml_with_a_doctype_is_refused():
    with pytest.raises(Open311FormatError, match="DOCTYPE"):
        parse_requests_xml('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><service_requests/>')
