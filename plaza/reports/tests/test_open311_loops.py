"""The loop guard's rules, at the operation and Open311 levels (the two-instance case is in test_open311_roundtrip)."""

import pytest
from django_scopes import scopes_disabled

from plaza.core.models import ApiToken
from plaza.core.tests.factories import ApiTokenFactory
from plaza.reports.forwarding import MAX_OPEN311_HOPS, same_endpoint, set_open311_destination
from plaza.reports.models import Forwarding, Report
from plaza.reports.tests.test_operations import submit

BASE = "/seoul/open311/v2"


@pytest.fixture
def forwarded(seoul_admin, pothole):
    return set_open311_destination(
        actor=seoul_admin,
        category=pothole,
        endpoint="https://roads.example/open311/v2/",
        service_code="road-damage",
        api_key="secret",
    )


def _forwarding_of(report):
    with scopes_disabled():
        return Forwarding.objects.filter(report=report).first()


def test_same_endpoint_ignores_case_scheme_and_final_slash():
    assert same_endpoint("https://Roads.example/open311/v2/", "http://roads.example/open311/v2")
    assert not same_endpoint("https://roads.example/open311/v2/", "https://roads.example/other/v2/")
    assert not same_endpoint("https://roads.example/open311/v2/", "")


@pytest.mark.parametrize(
    ("origin", "hops", "forwarded_on"),
    [
        ("", 0, True),  # reported here
        ("https://other.example/open311/v2/", 1, True),  # from a third authority: on it goes
        ("https://roads.example/open311/v2", 1, False),  # from the destination itself: never back
        ("https://other.example/open311/v2/", MAX_OPEN311_HOPS, False),  # too many forwards already
    ],
)
def test_a_report_is_forwarded_unless_it_would_loop(
    component, pothole, resident, forwarded, origin, hops, forwarded_on
):
    report = submit(component, pothole, resident, open311_origin=origin, open311_hops=hops)
    assert (_forwarding_of(report) is not None) == forwarded_on


def test_a_post_from_another_plaza_keeps_its_origin_and_hops(client, component, pothole, resident, forwarded):
    token = ApiTokenFactory(user=resident, scope=ApiToken.Scope.WRITE)
    form = {"api_key": token.secret, "service_code": "pothole", "lat": "37.5665", "long": "126.978"}
    response = client.post(
        f"{BASE}/requests.json", form | {"plaza_origin": "https://roads.example/open311/v2/", "plaza_hops": "1"}
    )
    assert response.status_code == 201
    with scopes_disabled():
        report = Report.objects.get(pk=response.json()[0]["service_request_id"])
    assert (report.open311_origin, report.open311_hops) == ("https://roads.example/open311/v2/", 1)
    assert _forwarding_of(report) is None  # not sent back where it came from


@pytest.mark.parametrize(
    "extra",
    [
        {"plaza_origin": "not a url"},
        {"plaza_origin": "https://a.example/", "plaza_hops": "x"},
        {"plaza_origin": "https://a.example/", "plaza_hops": "0"},
    ],
)
def test_bad_origin_parameters_answer_400_and_write_nothing(client, component, pothole, resident, extra):
    token = ApiTokenFactory(user=resident, scope=ApiToken.Scope.WRITE)
    form = {"api_key": token.secret, "service_code": "pothole", "lat": "37.5665", "long": "126.978"}
    response = client.post(f"{BASE}/requests.json", form | extra)
    assert response.status_code == 400 and response.json()[0]["code"] == 400
    with scopes_disabled():
        assert not Report.objects.exists()
