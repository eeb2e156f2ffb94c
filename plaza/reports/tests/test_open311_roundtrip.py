"""Forwarding between two live Plaza instances: Seoul forwards a category to an authority's Open311 server over HTTP
(pytest-django's live_server, a random port) and pulls its status back."""

from urllib.parse import urlparse

import pytest
from django_scopes import scopes_disabled

from plaza.core.jobs import enqueue
from plaza.core.models import ApiToken, Job, Role
from plaza.core.tests.factories import (
    ApiTokenFactory,
    JurisdictionFactory,
    ProcessFactory,
    RoleGrantFactory,
    UserFactory,
)
from plaza.reports import operations
from plaza.reports.forwarding import set_open311_destination
from plaza.reports.models import Forwarding, Report
from plaza.reports.tests.factories import CategoryFactory, ReportsComponentFactory
from plaza.reports.tests.test_operations import submit


@pytest.fixture
def authority(transactional_db):
    """Another authority (a utility, a province) running Plaza: its own jurisdiction, category, token and staff."""
    place = JurisdictionFactory(slug="gyeonggi", name="Gyeonggi roads authority", time_zone="Asia/Seoul")
    robot, crew = UserFactory(public_name="Seoul forwarding"), UserFactory(public_name="Road crew")
    with scopes_disabled():
        ReportsComponentFactory(jurisdiction=place, process=ProcessFactory(jurisdiction=place, slug="roads"))
        category = CategoryFactory(jurisdiction=place, code="road-damage", name="Road damage", department="Roads")
        RoleGrantFactory(jurisdiction=place, user=crew, role=Role.OFFICIAL, department="Roads")
    token = ApiTokenFactory(user=robot, scope=ApiToken.Scope.WRITE, jurisdiction=place)
    return {"jurisdiction": place, "category": category, "key": token.secret, "crew": crew}


def _their_report(authority) -> Report:
    with scopes_disabled():
        return Report.objects.get(jurisdiction=authority["jurisdiction"])


def test_a_report_goes_to_the_authority_and_its_answer_comes_back(
    live_server, authority, seoul, seoul_admin, component, pothole, resident
):
    set_open311_destination(
        actor=seoul_admin,
        category=pothole,
        endpoint=f"{live_server.url}/gyeonggi/open311/v2/",
        service_code="road-damage",
        api_key=authority["key"],
    )
    ours = submit(component, pothole, resident, description="Road caved in by the bridge")  # forwarded on commit
    theirs = _their_report(authority)
    with scopes_disabled():
        forwarding = Forwarding.objects.get(report=ours)
        assert Job.objects.get(kind="reports.forward").status == "succeeded"
    assert forwarding.state == "sent" and forwarding.service_request_id == str(theirs.pk)
    assert theirs.description == "Road caved in by the bridge" and theirs.category == authority["category"]
    assert (theirs.latitude, theirs.longitude) == (ours.latitude, ours.longitude)
    host = urlparse(live_server.url).hostname
    with scopes_disabled():
        timeline = list(ours.updates.values_list("body", flat=True))
    assert f"Forwarded to {host} (their request {theirs.pk})." in timeline

    # The authority answers and fixes it; Seoul pulls the news.
    operations.add_note(actor=authority["crew"], report=theirs, body="Crew sent tomorrow.", is_public=True)
    enqueue(jurisdiction=seoul, kind="reports.pull_open311")
    with scopes_disabled():
        ours.refresh_from_db()
        assert ours.status == "open"
        assert ours.updates.filter(kind="note", body=f"{host}: Crew sent tomorrow.").exists()
    operations.change_status(actor=authority["crew"], report=theirs, status="fixed", note="Filled and sealed.")
    enqueue(jurisdiction=seoul, kind="reports.pull_open311")
    enqueue(jurisdiction=seoul, kind="reports.pull_open311")  # pulling again changes nothing more
    with scopes_disabled():
        ours.refresh_from_db()
        forwarding.refresh_from_db()
        assert ours.status == "fixed" and forwarding.remote_status == "closed"
        assert ours.updates.filter(kind="status", to_status="fixed", body=f"{host}: Filled and sealed.").count() == 1
        assert [j.result for j in Job.objects.filter(kind="reports.pull_open311").order_by("id")] == [
            {"changed": 1},
            {"changed": 1},
            {"changed": 0},
        ]


def test_a_wrong_key_is_refused_by_the_authority_and_not_retried(
    live_server, authority, seoul_admin, component, pothole, resident
):
    set_open311_destination(
        actor=seoul_admin,
        category=pothole,
        endpoint=f"{live_server.url}/gyeonggi/open311/v2/",
        service_code="road-damage",
        api_key="not-their-key",
    )
    ours = submit(component, pothole, resident)
    with scopes_disabled():
        job = Job.objects.get(kind="reports.forward")
        forwarding = Forwarding.objects.get(report=ours)
        assert not Report.objects.filter(jurisdiction=authority["jurisdiction"]).exists()
    assert job.status == "failed" and job.attempts == 1 and "HTTP 403" in job.error
    assert forwarding.state == "failed" and "Invalid api_key" in forwarding.error


def test_two_authorities_forwarding_to_each_other_do_not_loop(
    live_server, settings, authority, seoul, seoul_admin, component, pothole, resident
):
    """Seoul forwards potholes to the roads authority, which forwards road damage to Seoul: the report goes
    there once and stops (it came from Seoul), instead of bouncing between the two for ever."""
    settings.PLAZA_SITE_URL = live_server.url  # the address each instance announces as its origin
    set_open311_destination(
        actor=seoul_admin,
        category=pothole,
        endpoint=f"{live_server.url}/gyeonggi/open311/v2/",
        service_code="road-damage",
        api_key=authority["key"],
    )
    their_admin, their_robot = UserFactory(public_name="Authority admin"), UserFactory(public_name="Authority robot")
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=authority["jurisdiction"], user=their_admin, role=Role.ADMIN)
    seoul_key = ApiTokenFactory(user=their_robot, scope=ApiToken.Scope.WRITE, jurisdiction=seoul).secret
    set_open311_destination(
        actor=their_admin,
        category=authority["category"],
        endpoint=f"{live_server.url.upper().replace('HTTP://', 'http://')}/seoul/open311/v2",  # spelt differently
        service_code="pothole",
        api_key=seoul_key,
    )
    ours = submit(component, pothole, resident, description="Road caved in by the bridge")
    theirs = _their_report(authority)
    assert theirs.open311_origin == f"{live_server.url}/seoul/open311/v2/" and theirs.open311_hops == 1
    with scopes_disabled():
        assert Report.objects.filter(jurisdiction=seoul).get() == ours  # nothing came back
        assert not Forwarding.objects.filter(report=theirs).exists()
        assert Forwarding.objects.get(report=ours).state == "sent"
