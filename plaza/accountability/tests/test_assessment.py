"""Independent assessment: only assessors rate, history is kept, the report page, API and exports publish it."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from plaza.accountability.models import Assessment, PlanStatus
from plaza.accountability.operations import record_assessment
from plaza.accountability.tests.factories import ActionPlanFactory, CommitmentFactory
from plaza.core.models import ApiToken, AuditEntry, Role
from plaza.core.tests.factories import ApiTokenFactory, RoleGrantFactory, UserFactory

pytestmark = pytest.mark.django_db
REPORT = "/paris/accountability/plans/climate/assessment/"
ASSESS = "/paris/accountability/plans/climate/commitments/1/assess/"
RATINGS = {
    "relevance": "clear",
    "potential_impact": "moderate",
    "completion": "substantial",
    "opened_government": "marginal",
    "justification": "The dataset is out; few residents use it yet.",
}


def _assess(actor, commitment, **overrides):
    with scopes_disabled():
        return record_assessment(actor=actor, commitment=commitment, **{**RATINGS, **overrides})


def test_assessor_records_and_a_later_assessment_supersedes_the_first(commitment, assessor, unscoped):
    first = _assess(assessor, commitment)
    second = _assess(assessor, commitment, opened_government="major", justification="Now widely used.")
    assert second.supersedes == first and second.assessor_label == "Ivy Reviewer"
    assert Assessment.objects.filter(commitment=commitment).count() == 2
    assert AuditEntry.objects.filter(action="assessment.record", is_public=True).count() == 2
    with pytest.raises(ValueError):
        first.justification = "rewritten"
        first.save()


@pytest.mark.parametrize("role", [None, Role.OFFICIAL, Role.ADMIN])
def test_only_assessors_write_not_even_officials_or_admins(commitment, paris, role, unscoped):
    user = UserFactory()
    if role:
        RoleGrantFactory(jurisdiction=paris, user=user, role=role)
    with pytest.raises(PermissionDenied):
        _assess(user, commitment)
    assert not Assessment.objects.exists()


def test_an_assessor_of_another_jurisdiction_cannot_rate_paris(commitment, madrid, unscoped):
    outsider = UserFactory()
    RoleGrantFactory(jurisdiction=madrid, user=outsider, role=Role.ASSESSOR)
    with pytest.raises(PermissionDenied):
        _assess(outsider, commitment)


@pytest.mark.parametrize(
    "field, value",
    [
        ("relevance", "maybe"),
        ("potential_impact", "huge"),
        ("completion", "done"),
        ("opened_government", "a bit"),
        ("justification", "   "),
    ],
)
def test_bad_ratings_are_refused_next_to_the_field_and_nothing_is_written(commitment, assessor, field, value):
    with pytest.raises(ValidationError) as refused:
        _assess(assessor, commitment, **{field: value})
    assert field in refused.value.message_dict
    with scopes_disabled():
        assert not Assessment.objects.exists()


def test_a_plan_still_in_co_creation_is_not_assessed(paris, assessor, unscoped):
    plan = ActionPlanFactory(jurisdiction=paris, status=PlanStatus.CO_CREATION)
    with pytest.raises(ValidationError):
        _assess(assessor, CommitmentFactory(plan=plan))


def test_the_database_refuses_a_second_first_assessment_and_unknown_ratings(commitment, assessor, unscoped):
    _assess(assessor, commitment)
    base = {**RATINGS, "jurisdiction": commitment.jurisdiction, "commitment": commitment, "assessor_label": "x"}
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(**base, created_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(**{**base, "opened_government": "great"}, created_at=timezone.now())


def test_report_page_shows_current_ratings_and_history(client, commitment, assessor, django_assert_max_num_queries):
    _assess(assessor, commitment)
    _assess(assessor, commitment, opened_government="outstanding", justification="Copied by three cities.")
    with scopes_disabled():
        CommitmentFactory(plan=commitment.plan, number=2, title="Participatory climate budget")
    with django_assert_max_num_queries(10):
        response = client.get(REPORT)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Outstanding" in text and "Copied by three cities." in text and "History: 2 assessments" in text
    assert "Not assessed yet" in text  # commitment 2
    assert "Assess commitment 1" not in text  # the public sees no form link


def test_assessor_uses_the_form_and_bad_input_is_shown_next_to_the_field(client, commitment, assessor):
    client.force_login(assessor)
    assert "Assess commitment 1" in client.get(REPORT).content.decode()
    assert client.get(ASSESS).status_code == 200
    refused = client.post(ASSESS, {**RATINGS, "opened_government": ""})
    assert refused.status_code == 400 and "This field is required" in refused.content.decode()
    done = client.post(ASSESS, RATINGS)
    assert done.status_code == 302 and done["Location"].endswith("#commitment-1")
    with scopes_disabled():
        assert Assessment.objects.get().opened_government == "marginal"


def test_officials_cannot_open_the_assessment_form_and_visitors_sign_in(client, commitment, official):
    assert client.get(ASSESS).status_code == 302
    client.force_login(official)
    assert client.get(ASSESS).status_code == 403
    assert client.post(ASSESS, RATINGS).status_code == 403


def test_api_lists_assessments_and_assessors_post_with_a_token(client, commitment, assessor, official):
    _assess(assessor, commitment)
    token = ApiTokenFactory(user=assessor, scope=ApiToken.Scope.WRITE).secret
    url = "/api/v1/accountability/paris/plans/climate/commitments/1/assessments"
    body = {**RATINGS, "opened_government": "major"}
    created = client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert created.status_code == 201 and created.json()["is_current"]
    listed = client.get("/api/v1/accountability/paris/plans/climate/assessments").json()
    assert [(a["opened_government"], a["is_current"]) for a in listed] == [("major", True), ("marginal", False)]
    other = ApiTokenFactory(user=official, scope=ApiToken.Scope.WRITE).secret
    refused = client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {other}")
    assert refused.status_code == 403
    bad = client.post(
        url, {**body, "relevance": "x"}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert bad.status_code == 422


def test_exports_at_the_app_address_in_csv_and_json(client, milestone, assessor, madrid):
    _assess(assessor, milestone.commitment)
    rows = json.loads(client.get("/paris/accountability/export/assessments.json").content)["rows"]
    assert rows[0]["opened_government"] == "marginal" and rows[0]["is_current"] is True
    csv_text = client.get("/paris/accountability/export/assessments.csv").getvalue().decode()
    assert csv_text.splitlines()[0].startswith("id,plan,commitment,commitment_title,relevance")
    for what in ("plans", "commitments", "milestones", "progress-updates"):
        assert client.get(f"/paris/accountability/export/{what}.json").status_code == 200
    plans = json.loads(client.get("/paris/accountability/export/plans.json").content)["rows"]
    assert plans[0]["slug"] == "climate" and plans[0]["commitments"] == 1
    milestones = json.loads(client.get("/paris/accountability/export/milestones.json").content)["rows"]
    assert milestones[0]["deliverable"] == "Renovations dataset"
    assert client.get("/paris/accountability/export/nothing.json").status_code == 404
    assert client.get("/paris/accountability/export/plans.xml").status_code == 404
    assert json.loads(client.get("/madrid/accountability/export/assessments.json").content)["rows"] == []
