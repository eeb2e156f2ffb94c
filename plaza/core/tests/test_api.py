"""The JSON API as a client meets it: reads, token auth, writes by admins, errors, pages of lists."""

import json

import pytest
from django.utils import timezone

from plaza.core.models import AuditEntry, Jurisdiction, Process
from plaza.core.tenancy import across_jurisdictions
from plaza.core.tests.factories import (
    ApiTokenFactory,
    ComponentFactory,
    JurisdictionFactory,
    PhaseFactory,
    ProcessFactory,
    RoleGrantFactory,
    UserFactory,
    VerificationFactory,
)

pytestmark = pytest.mark.django_db


def bearer(token) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token.secret}"}


def post(client, url, data=None, **headers):
    body = json.dumps(data) if data is not None else ""
    return client.post(url, body, content_type="application/json", **headers)


def process_count(jurisdiction) -> int:
    with across_jurisdictions():
        return Process.objects.filter(jurisdiction=jurisdiction).count()


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


@pytest.fixture
def network(db):
    """France (country) → Île-de-France (province) → Paris and Versailles (cities)."""
    france = JurisdictionFactory(slug="france", name="France", kind=Jurisdiction.Kind.COUNTRY)
    idf = JurisdictionFactory(slug="idf", name="Île-de-France", kind=Jurisdiction.Kind.PROVINCE, parent=france)
    paris = JurisdictionFactory(slug="paris", name="Paris", parent=idf)
    JurisdictionFactory(slug="versailles", name="Versailles", parent=idf)
    JurisdictionFactory(slug="closed", name="Closed town", parent=idf, is_active=False)
    return paris


@pytest.fixture
def climate(paris, unscoped):
    process = ProcessFactory(jurisdiction=paris, slug="climate", title="Climate plan")
    PhaseFactory(process=process, title="Proposals")
    ComponentFactory(process=process, slug="about", title="About the plan", manifest_name="page")
    ComponentFactory(process=process, slug="hidden", title="Hidden", is_published=False)
    return process


# Reads, anonymous


def test_anonymous_lists_jurisdictions_with_filters(client, network):
    body = client.get("/api/v1/jurisdictions").json()
    assert [j["slug"] for j in body["items"]] == ["france", "idf", "paris", "versailles"]
    assert body["count"] == 4
    cities = client.get("/api/v1/jurisdictions?kind=city").json()["items"]
    assert [j["slug"] for j in cities] == ["paris", "versailles"]
    children = client.get("/api/v1/jurisdictions?parent=france").json()["items"]
    assert [j["slug"] for j in children] == ["idf"]
    assert cities[0]["parent"] == "idf" and cities[0]["url"] == "/paris/"


def test_jurisdiction_detail_has_ancestors_and_active_children(client, network):
    body = client.get("/api/v1/jurisdictions/idf").json()
    assert body["name"] == "Île-de-France"
    assert [a["slug"] for a in body["ancestors"]] == ["france"]
    assert [c["slug"] for c in body["children"]] == ["paris", "versailles"]
    paris = client.get("/api/v1/jurisdictions/paris").json()
    assert [a["slug"] for a in paris["ancestors"]] == ["france", "idf"]
    assert paris["children"] == []


def test_inactive_or_unknown_jurisdiction_is_a_json_404(client, network):
    assert_error(client.get("/api/v1/jurisdictions/closed"), 404, "not_found")
    assert_error(client.get("/api/v1/jurisdictions/nowhere/processes"), 404, "not_found")


def test_process_list_and_detail_show_phases_and_published_components(client, climate, unscoped):
    ProcessFactory(jurisdiction=climate.jurisdiction, slug="draft", is_published=False)
    body = client.get("/api/v1/jurisdictions/paris/processes").json()
    assert [p["slug"] for p in body["items"]] == ["climate"]
    detail = client.get("/api/v1/jurisdictions/paris/processes/climate").json()
    assert [p["title"] for p in detail["phases"]] == ["Proposals"]
    assert detail["components"] == [
        {"manifest": "page", "slug": "about", "title": "About the plan", "url": "/paris/processes/climate/about/"}
    ]
    assert body["items"][0]["components"] == detail["components"]
    assert_error(client.get("/api/v1/jurisdictions/paris/processes/draft"), 404, "not_found")


def test_process_list_queries_do_not_grow_with_processes(client, paris, unscoped, django_assert_max_num_queries):
    for _n in range(8):
        process = ProcessFactory(jurisdiction=paris)
        PhaseFactory(process=process)
        ComponentFactory(process=process)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/jurisdictions/paris/processes").json()
    assert body["count"] == 8


# Pagination


def test_pagination_envelope_and_links(client, db):
    for n in range(5):
        JurisdictionFactory(slug=f"town-{n}", name=f"Town {n}")
    first = client.get("/api/v1/jurisdictions?limit=2&kind=city").json()
    assert set(first) == {"items", "count", "limit", "offset", "next", "previous"}
    assert (first["count"], first["limit"], first["offset"], first["previous"]) == (5, 2, 0, None)
    assert first["next"] == "http://testserver/api/v1/jurisdictions?kind=city&limit=2&offset=2"
    second = client.get(first["next"]).json()
    assert [j["slug"] for j in second["items"]] == ["town-2", "town-3"]
    assert second["previous"] == "http://testserver/api/v1/jurisdictions?kind=city&limit=2&offset=0"
    last = client.get(second["next"]).json()
    assert [j["slug"] for j in last["items"]] == ["town-4"] and last["next"] is None


def test_limit_above_the_maximum_is_refused(client, db):
    error = assert_error(client.get("/api/v1/jurisdictions?limit=101"), 422, "invalid")
    assert error["fields"] == {"limit": ["Enter a number of at most 100."]}


# Authentication


def test_me_needs_a_token_or_session(client, db):
    response = client.get("/api/v1/me")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_me_with_a_token_shows_account_and_verifications(client, paris, unscoped):
    user = UserFactory(public_name="Ana")
    VerificationFactory(user=user, jurisdiction=paris)
    token = ApiTokenFactory(user=user, name="Dashboard")
    body = client.get("/api/v1/me", **bearer(token)).json()
    assert body["email"] == user.email and body["public_name"] == "Ana"
    assert [(v["jurisdiction"], v["level"]) for v in body["verifications"]] == [("paris", 1)]
    assert body["token"] == {"name": "Dashboard", "prefix": token.prefix, "scope": "read", "jurisdiction": None}
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_me_with_a_session(client, db):
    user = UserFactory()
    client.force_login(user)
    body = client.get("/api/v1/me").json()
    assert body["email"] == user.email and body["token"] is None


def test_revoked_or_unknown_token_is_401_even_on_public_reads(client, network):
    token = ApiTokenFactory()
    token.revoked_at = timezone.now()
    token.save()
    assert_error(client.get("/api/v1/jurisdictions", **bearer(token)), 401, "not_authenticated")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer plaza_00000000_not-a-real-token")
    assert_error(response, 401, "not_authenticated")


def test_token_of_a_deactivated_account_is_refused(client, db):
    token = ApiTokenFactory()
    token.user.is_active = False
    token.user.save()
    assert_error(client.get("/api/v1/me", **bearer(token)), 401, "not_authenticated")


# Writes


def test_admin_with_write_token_creates_then_publishes_a_process(client, paris, paris_admin, unscoped):
    token = ApiTokenFactory(user=paris_admin, scope="write")
    data = {"slug": "budget-2026", "title": "Budget 2026", "start_date": "2026-01-01", "end_date": "2026-06-30"}
    created = post(client, "/api/v1/jurisdictions/paris/processes", data, **bearer(token))
    assert created.status_code == 201, created.content
    assert created.json()["is_published"] is False
    # The admin reads the draft back; the public does not see it yet.
    assert client.get("/api/v1/jurisdictions/paris/processes/budget-2026", **bearer(token)).status_code == 200
    assert client.get("/api/v1/jurisdictions/paris/processes/budget-2026").status_code == 404
    published = post(client, "/api/v1/jurisdictions/paris/processes/budget-2026/publish", **bearer(token))
    assert published.status_code == 200 and published.json()["is_published"] is True
    assert client.get("/api/v1/jurisdictions/paris/processes/budget-2026").json()["title"] == "Budget 2026"
    actions = set(AuditEntry.objects.filter(jurisdiction=paris).values_list("action", "actor"))
    assert {("process.create", paris_admin.pk), ("process.publish", paris_admin.pk)} <= actions
    unpublished = post(client, "/api/v1/jurisdictions/paris/processes/budget-2026/unpublish", **bearer(token))
    assert unpublished.json()["is_published"] is False


def test_anonymous_write_is_401_and_writes_nothing(client, paris):
    response = post(client, "/api/v1/jurisdictions/paris/processes", {"slug": "x", "title": "X"})
    assert_error(response, 401, "not_authenticated")
    assert process_count(paris) == 0


def test_read_scope_token_cannot_write(client, paris, paris_admin):
    token = ApiTokenFactory(user=paris_admin, scope="read")
    response = post(client, "/api/v1/jurisdictions/paris/processes", {"slug": "x", "title": "X"}, **bearer(token))
    assert_error(response, 403, "permission_denied")
    assert process_count(paris) == 0


def test_token_restricted_to_one_jurisdiction_cannot_act_in_another(client, paris, madrid, unscoped):
    admin_of_both = UserFactory()
    RoleGrantFactory(user=admin_of_both, jurisdiction=paris)
    RoleGrantFactory(user=admin_of_both, jurisdiction=madrid)
    ProcessFactory(jurisdiction=paris, slug="draft", is_published=False)
    token = ApiTokenFactory(user=admin_of_both, scope="write", jurisdiction=madrid)
    response = post(client, "/api/v1/jurisdictions/paris/processes", {"slug": "x", "title": "X"}, **bearer(token))
    error = assert_error(response, 403, "permission_denied")
    assert "Madrid" in error["message"]
    assert_error(
        post(client, "/api/v1/jurisdictions/paris/processes/draft/publish", **bearer(token)), 403, "permission_denied"
    )
    assert process_count(paris) == 1
    assert not Process.objects.get(slug="draft").is_published
    assert not AuditEntry.objects.filter(jurisdiction=paris).exists()
    # In its own jurisdiction it works.
    ok = post(client, "/api/v1/jurisdictions/madrid/processes", {"slug": "x", "title": "X"}, **bearer(token))
    assert ok.status_code == 201


def test_write_token_without_the_admin_role_is_403(client, paris, madrid_admin):
    token = ApiTokenFactory(user=madrid_admin, scope="write")
    response = post(client, "/api/v1/jurisdictions/paris/processes", {"slug": "x", "title": "X"}, **bearer(token))
    assert_error(response, 403, "permission_denied")
    assert process_count(paris) == 0


def test_session_write_works_for_the_docs(client, paris, paris_admin):
    client.force_login(paris_admin)
    response = post(client, "/api/v1/jurisdictions/paris/processes", {"slug": "docs", "title": "From the docs"})
    assert response.status_code == 201


# Errors


def test_schema_errors_are_422_with_field_paths(client, paris, paris_admin):
    token = ApiTokenFactory(user=paris_admin, scope="write")
    response = post(client, "/api/v1/jurisdictions/paris/processes", {"slug": "not a slug"}, **bearer(token))
    error = assert_error(response, 422, "invalid")
    assert error["fields"] == {
        "slug": ["This value has characters that are not allowed here."],
        "title": ["This field is required."],
    }
    assert process_count(paris) == 0


def test_operation_validation_errors_are_422_with_field_messages(client, paris, paris_admin, unscoped):
    token = ApiTokenFactory(user=paris_admin, scope="write")
    data = {"slug": "late", "title": "Late", "start_date": "2026-05-01", "end_date": "2026-04-01"}
    response = post(client, "/api/v1/jurisdictions/paris/processes", data, **bearer(token))
    error = assert_error(response, 422, "invalid")
    assert error["fields"] == {"end_date": ["The process cannot end before it starts."]}
    ProcessFactory(jurisdiction=paris, slug="taken")
    again = post(client, "/api/v1/jurisdictions/paris/processes", {"slug": "taken", "title": "T"}, **bearer(token))
    assert list(assert_error(again, 422, "invalid")["fields"]) == ["__all__"]
    assert process_count(paris) == 1


def test_malformed_json_is_400(client, paris, paris_admin):
    token = ApiTokenFactory(user=paris_admin, scope="write")
    response = client.post(
        "/api/v1/jurisdictions/paris/processes", "{oops", content_type="application/json", **bearer(token)
    )
    assert_error(response, 400, "bad_request")


def test_unknown_api_address_is_a_json_404(client, db):
    for url in ("/api/v1/nothing-here", "/api/v1/jurisdictions/paris/processes/x/y/z", "/api/v1/"):
        assert_error(client.get(url), 404, "not_found")


def test_wrong_method_is_a_json_405(client, db):
    response = client.delete("/api/v1/jurisdictions")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_unexpected_exception_is_a_json_500(client, db, monkeypatch):
    from plaza.core.api import jurisdictions

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(jurisdictions.queries, "active_jurisdictions", broken)
    response = client.get("/api/v1/jurisdictions")
    error = assert_error(response, 500, "server_error")
    assert "boom" not in json.dumps(error)
