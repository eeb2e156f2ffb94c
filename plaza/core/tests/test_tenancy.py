"""One jurisdiction never sees another's content: managers, pages, API and back office."""

import pytest
from django.core.exceptions import PermissionDenied
from django_scopes import ScopeError

from plaza.core.models import AuditEntry, Process
from plaza.core.operations.processes import create_process, publish_process
from plaza.core.tenancy import across_jurisdictions, jurisdiction_scope
from plaza.core.tests.factories import ProcessFactory

pytestmark = pytest.mark.django_db


def test_query_outside_any_scope_is_refused(paris):
    with pytest.raises(ScopeError):
        list(Process.objects.all())


def test_scope_shows_only_its_own_jurisdiction(paris, madrid, unscoped):
    ProcessFactory(jurisdiction=paris, title="Climate plan")
    ProcessFactory(jurisdiction=madrid, title="Decide Madrid")
    with jurisdiction_scope(paris):
        assert [p.title for p in Process.objects.all()] == ["Climate plan"]
    with across_jurisdictions():
        assert Process.objects.count() == 2


def test_admin_of_one_jurisdiction_cannot_write_in_another(paris, madrid_admin):
    with pytest.raises(PermissionDenied):
        create_process(actor=madrid_admin, jurisdiction=paris, slug="x", title="Sneaky")
    with across_jurisdictions():
        assert not Process.objects.filter(slug="x").exists()


def test_admin_of_one_jurisdiction_cannot_publish_anothers_process(paris, madrid_admin):
    with across_jurisdictions():
        draft = ProcessFactory(jurisdiction=paris, is_published=False)
    with pytest.raises(PermissionDenied):
        publish_process(actor=madrid_admin, process=draft)
    draft.refresh_from_db()
    assert draft.is_published is False


def test_unpublished_process_is_hidden_from_other_admins_pages(client, paris, madrid_admin, paris_admin):
    with across_jurisdictions():
        ProcessFactory(jurisdiction=paris, slug="draft", is_published=False)
    client.force_login(madrid_admin)
    assert client.get("/paris/processes/draft/").status_code == 404
    client.force_login(paris_admin)
    assert client.get("/paris/processes/draft/").status_code == 200


def test_back_office_refuses_another_jurisdictions_admin(client, paris, madrid_admin):
    client.force_login(madrid_admin)
    for url in ("/paris/manage/", "/paris/manage/census/", "/paris/manage/audit/", "/paris/manage/verify-in-person/"):
        assert client.get(url).status_code == 403, url


def test_audit_log_of_one_jurisdiction_does_not_show_anothers(client, paris, madrid, paris_admin, madrid_admin):
    create_process(actor=paris_admin, jurisdiction=paris, slug="paris-secret", title="Paris private title")
    client.force_login(madrid_admin)
    page = client.get("/madrid/manage/audit/").content.decode()
    assert "Paris private title" not in page
    with across_jurisdictions():
        assert AuditEntry.objects.filter(target_label="Paris private title").count() == 1


def test_api_does_not_list_unpublished_processes(client, paris, unscoped):
    ProcessFactory(jurisdiction=paris, slug="draft", is_published=False)
    ProcessFactory(jurisdiction=paris, slug="public")
    body = client.get("/api/v1/jurisdictions/paris/processes").json()
    assert [p["slug"] for p in body["items"]] == ["public"]
    assert client.get("/api/v1/jurisdictions/paris/processes/draft").status_code == 404


def test_django_admin_is_for_superusers_only(client, paris_admin):
    client.force_login(paris_admin)
    response = client.get("/admin/core/process/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_mapped_domain_resolves_the_jurisdiction(client, paris, unscoped):
    paris.domain = "participez.paris.example"
    paris.save()
    ProcessFactory(jurisdiction=paris, slug="climate", title="Plan Climat")
    response = client.get("/processes/climate/", HTTP_HOST="participez.paris.example")
    assert response.status_code == 200
    assert "Plan Climat" in response.content.decode()


def test_unknown_jurisdiction_is_404(client, db):
    assert client.get("/atlantis/").status_code == 404


def test_a_new_domain_is_served_at_once_and_then_costs_no_query(client, paris, unscoped):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert "Open government, together" in client.get("/", HTTP_HOST="decide.paris.example").content.decode()
    paris.domain = "decide.paris.example"
    paris.save()
    assert "<h1>Paris</h1>" in client.get("/", HTTP_HOST="decide.paris.example").content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get("/", HTTP_HOST="decide.paris.example")
    assert not [q for q in queries.captured_queries if '"domain"' in q["sql"] and "IS NOT NULL" in q["sql"]]


def _chain(depth: int):
    from plaza.core.tests.factories import JurisdictionFactory

    node = JurisdictionFactory(slug="level-0", kind="network", languages=["en", "fr"], latitude=48.85, longitude=2.35)
    for level in range(1, depth + 1):
        node = JurisdictionFactory(slug=f"level-{level}", parent=node, domain=f"l{level}.example")
    return node


def test_active_jurisdiction_reads_what_the_orm_reads_with_four_ancestors_in_one_query(
    django_assert_num_queries, unscoped
):
    from django.forms.models import model_to_dict

    from plaza.core.models import Jurisdiction
    from plaza.core.tenancy import active_jurisdiction

    _chain(6)
    expected = Jurisdiction.objects.select_related("parent__parent__parent__parent").get(slug="level-6")
    with django_assert_num_queries(1):
        found = active_jurisdiction("level-6")
        seen = [found]
        for _level in range(4):  # itself and four ancestors, without another query
            seen.append(seen[-1].parent)
    theirs = expected
    for mine in seen:
        assert model_to_dict(mine) == model_to_dict(theirs)
        assert (mine.pk, mine.slug, mine.languages, mine.is_active, mine.created_at) == (
            theirs.pk,
            theirs.slug,
            theirs.languages,
            theirs.is_active,
            theirs.created_at,
        )
        theirs = theirs.parent
    assert [node.slug for node in seen] == ["level-6", "level-5", "level-4", "level-3", "level-2"]
    with django_assert_num_queries(2):  # the fifth ancestor and beyond are read when asked for, as select_related
        assert seen[-1].parent.parent.slug == "level-0"
    assert seen[-1].parent.parent.parent is None
    assert found.zone.key == "Europe/Madrid"


def test_active_jurisdiction_knows_the_root_has_no_parent_and_refuses_inactive_and_unknown(
    django_assert_num_queries, unscoped
):
    from plaza.core.models import Jurisdiction
    from plaza.core.tenancy import active_jurisdiction

    _chain(1)
    with django_assert_num_queries(1):
        found = active_jurisdiction("level-1")
        assert found.parent.slug == "level-0"
        assert found.parent.parent is None
        assert found.parent.languages == ["en", "fr"] and found.parent.latitude == 48.85
    Jurisdiction.objects.filter(slug="level-1").update(is_active=False)
    assert active_jurisdiction("level-1") is None
    assert active_jurisdiction("nowhere") is None
