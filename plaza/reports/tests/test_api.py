"""The reports' JSON API at /api/v1/reports/."""

from django_scopes import scopes_disabled

from plaza.core.models import ApiToken
from plaza.core.tests.factories import ApiTokenFactory
from plaza.reports.models import Report
from plaza.reports.tests.factories import ReportFactory


def test_reading_categories_and_reports_hides_the_anonymous_reporter(client, component, pothole, resident):
    with scopes_disabled():
        report = ReportFactory(category=pothole, component=component, reporter=resident, is_anonymous=True)
    assert client.get("/api/v1/reports/seoul/categories").json()[0]["department"] == "Roads"
    listed = client.get("/api/v1/reports/seoul/reports").json()
    assert listed["count"] == 1 and listed["items"][0]["reporter"] == "Anonymous resident"
    one = client.get(f"/api/v1/reports/seoul/reports/{report.pk}").json()
    assert one["category"] == "pothole" and one["status"] == "open" and "Kim" not in str(one)
    assert client.get("/api/v1/reports/seoul/reports/999999").status_code == 404


def test_reporting_through_the_api(client, component, pothole, resident):
    token = ApiTokenFactory(user=resident, scope=ApiToken.Scope.WRITE)
    response = client.post(
        "/api/v1/reports/seoul/reports",
        {"category": "pothole", "description": "Hole", "latitude": 37.5665, "longitude": 126.978},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token.secret}",
    )
    assert response.status_code == 201 and response.json()["reporter"] == "Kim Minji"


def test_bad_api_input_is_422_and_writes_nothing(client, component, pothole, resident):
    token = ApiTokenFactory(user=resident, scope=ApiToken.Scope.WRITE)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token.secret}"}
    for body in (
        {"category": "nope", "description": "x", "address": "Here"},
        {"category": "pothole", "description": "x"},
    ):
        response = client.post("/api/v1/reports/seoul/reports", body, content_type="application/json", **auth)
        assert response.status_code == 422 and response.json()["error"]["code"] == "invalid"
    with scopes_disabled():
        assert not Report.objects.exists()


def test_a_read_token_cannot_report(client, component, pothole, resident):
    token = ApiTokenFactory(user=resident, scope=ApiToken.Scope.READ)
    response = client.post(
        "/api/v1/reports/seoul/reports",
        {"category": "pothole", "description": "x", "address": "Here"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token.secret}",
    )
    assert response.status_code == 403
