"""The JSON API: plans and commitments with both assessments; posting progress with a token."""

import pytest
from django_scopes import scopes_disabled

from plaza.accountability.models import ProgressUpdate
from plaza.core.models import ApiToken
from plaza.core.tests.factories import ApiTokenFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/accountability/paris/plans"
PROGRESS = f"{BASE}/climate/commitments/1/milestones/1/progress"


def _bearer(user, scope=ApiToken.Scope.WRITE):
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiTokenFactory(user=user, scope=scope).secret}"}


def test_official_posts_then_partner_counters_and_the_commitment_shows_both(client, milestone, official, partner):
    body = {"side": "government", "status": "substantial", "percentage": 60, "narrative": "Half done."}
    created = client.post(PROGRESS, body, content_type="application/json", **_bearer(official))
    assert created.status_code == 201 and created.json()["posted_by"] == "Claire Official"
    counter = {**body, "side": "civil_society", "percentage": 30, "links": ["https://watch.example.org/r"]}
    assert client.post(PROGRESS, counter, content_type="application/json", **_bearer(partner)).status_code == 201
    found = client.get(f"{BASE}/climate/commitments/1").json()
    assert found["completion"] == 60 and found["civil_society_completion"] == 30
    assert found["milestones"][0]["civil_society"]["links"] == ["https://watch.example.org/r"]
    assert found["ogp_values"] == ["access_to_information"]
    plan = client.get(f"{BASE}/climate").json()
    assert plan["status"] == "implementation" and plan["commitments"][0]["completion"] == 60
    assert client.get(BASE).json()["count"] == 1


def test_refusals_answer_json_and_write_nothing(client, milestone, official):
    bad = {"side": "government", "status": "complete", "percentage": 50, "narrative": "Done?"}
    refused = client.post(PROGRESS, bad, content_type="application/json", **_bearer(official))
    assert refused.status_code == 422 and "percentage" in refused.json()["error"]["fields"]
    out_of_range = {**bad, "percentage": 101}
    assert client.post(PROGRESS, out_of_range, content_type="application/json", **_bearer(official)).status_code == 422
    read_only = client.post(PROGRESS, bad, content_type="application/json", **_bearer(official, ApiToken.Scope.READ))
    assert read_only.status_code == 403
    assert client.post(PROGRESS, bad, content_type="application/json").status_code == 401
    with scopes_disabled():
        assert not ProgressUpdate.objects.exists()


def test_a_resident_cannot_post_and_unknown_things_are_404(client, milestone):
    from plaza.core.tests.factories import UserFactory

    body = {"side": "government", "status": "limited", "percentage": 5, "narrative": "x"}
    resident = client.post(PROGRESS, body, content_type="application/json", **_bearer(UserFactory()))
    assert resident.status_code == 403 and resident.json()["error"]["code"] == "permission_denied"
    assert client.get(f"{BASE}/climate/commitments/7").status_code == 404
    assert client.get("/api/v1/accountability/madrid/plans/climate").status_code == 404
