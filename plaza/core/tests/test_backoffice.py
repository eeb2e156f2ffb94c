"""The back office: process set-up operations, and the pages a jurisdiction's admins and officers use."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from plaza.core.models import AuditEntry, ComponentStep, Jurisdiction, Phase, Process, Role, RoleGrant
from plaza.core.operations.processes import (
    StepSetting,
    add_component,
    add_phase,
    create_process,
    delete_phase,
    set_component_steps,
    update_component,
    update_phase,
    update_process,
)
from plaza.core.tenancy import across_jurisdictions, jurisdiction_scope
from plaza.core.tests.factories import (
    ComponentFactory,
    JurisdictionFactory,
    PhaseFactory,
    ProcessFactory,
    RoleGrantFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def climate(paris, paris_admin):
    return create_process(actor=paris_admin, jurisdiction=paris, slug="climate", title="Climate plan")


@pytest.fixture
def two_phases(climate, paris_admin):
    start = datetime(2030, 3, 1, 9, tzinfo=UTC)
    first = add_phase(
        actor=paris_admin, process=climate, title="Ideas", starts_at=start, ends_at=start + timedelta(days=10)
    )
    second = add_phase(
        actor=paris_admin,
        process=climate,
        title="Vote",
        starts_at=start + timedelta(days=10),
        ends_at=start + timedelta(days=20),
    )
    return first, second


def _audit_actions(jurisdiction) -> list[str]:
    with jurisdiction_scope(jurisdiction):
        return list(AuditEntry.objects.values_list("action", flat=True))


def _reload(model, pk):
    with across_jurisdictions():
        return model.objects.get(pk=pk)


# Operations ------------------------------------------------------------------------------------


def test_update_process_changes_the_text_and_dates_and_is_audited(climate, paris_admin):
    update_process(
        actor=paris_admin,
        process=climate,
        title="Climate plan 2030",
        subtitle="Together",
        description="What we do",
        start_date=date(2030, 1, 1),
        end_date=date(2030, 12, 31),
    )
    found = _reload(Process, climate.pk)
    assert (found.title, found.subtitle, found.slug) == ("Climate plan 2030", "Together", "climate")
    assert "process.update" in _audit_actions(climate.jurisdiction)


def test_update_process_refuses_other_admins_and_backwards_dates(climate, madrid_admin, paris_admin):
    with pytest.raises(PermissionDenied):
        update_process(actor=madrid_admin, process=climate, title="Hijacked")
    with pytest.raises(ValidationError):
        update_process(
            actor=paris_admin,
            process=_reload(Process, climate.pk),
            title="Backwards",
            start_date=date(2030, 5, 1),
            end_date=date(2030, 1, 1),
        )
    assert _reload(Process, climate.pk).title == "Climate plan"


def test_update_phase_may_keep_its_own_dates_but_not_overlap_another(two_phases, paris_admin):
    ideas, vote = two_phases
    update_phase(actor=paris_admin, phase=ideas, title="Ideas!", starts_at=ideas.starts_at, ends_at=ideas.ends_at)
    assert _reload(Phase, ideas.pk).title == "Ideas!"
    with pytest.raises(ValidationError, match="overlaps"):
        update_phase(
            actor=paris_admin,
            phase=_reload(Phase, ideas.pk),
            title="Longer",
            starts_at=ideas.starts_at,
            ends_at=vote.starts_at + timedelta(days=1),
        )
    assert _reload(Phase, ideas.pk).ends_at == ideas.ends_at


def test_delete_phase_removes_its_steps_and_keeps_components(two_phases, paris_admin, climate):
    ideas, _vote = two_phases
    component = add_component(actor=paris_admin, process=climate, manifest_name="page", slug="about", title="About")
    set_component_steps(actor=paris_admin, process=climate, steps=[StepSetting(ideas, component, True, ("comment",))])
    delete_phase(actor=paris_admin, phase=ideas, reason="Merged with the vote")
    with jurisdiction_scope(climate.jurisdiction):
        assert list(climate.phases.values_list("title", flat=True)) == ["Vote"]
        assert not ComponentStep.objects.exists()
        assert climate.components.count() == 1
    assert "phase.delete" in _audit_actions(climate.jurisdiction)


def test_update_component_switches_it_off(climate, paris_admin, madrid_admin):
    component = add_component(actor=paris_admin, process=climate, manifest_name="page", slug="about", title="About")
    with pytest.raises(PermissionDenied):
        update_component(actor=madrid_admin, component=component, title="X", is_published=False)
    update_component(actor=paris_admin, component=component, title="About us", is_published=False)
    found = _reload(type(component), component.pk)
    assert (found.title, found.is_published) == ("About us", False)


def test_set_component_steps_writes_only_what_changed(two_phases, climate, paris_admin):
    ideas, vote = two_phases
    component = add_component(actor=paris_admin, process=climate, manifest_name="page", slug="about", title="About")
    grid = [StepSetting(ideas, component, True, ("comment",)), StepSetting(vote, component, False, ())]
    assert set_component_steps(actor=paris_admin, process=climate, steps=grid) == 1
    assert set_component_steps(actor=paris_admin, process=climate, steps=grid) == 0
    with jurisdiction_scope(climate.jurisdiction):
        step = ComponentStep.objects.get()
    assert (step.phase_id, step.enabled, step.actions) == (ideas.pk, True, ["comment"])


def test_set_component_steps_refuses_a_phase_of_another_process_and_writes_nothing(
    two_phases, climate, paris, paris_admin
):
    ideas, _vote = two_phases
    component = add_component(actor=paris_admin, process=climate, manifest_name="page", slug="about", title="About")
    other = create_process(actor=paris_admin, jurisdiction=paris, slug="other", title="Other")
    stranger = add_phase(actor=paris_admin, process=other, title="X", starts_at=ideas.starts_at, ends_at=ideas.ends_at)
    grid = [StepSetting(ideas, component, True, ("comment",)), StepSetting(stranger, component, True, ())]
    with pytest.raises(ValidationError):
        set_component_steps(actor=paris_admin, process=climate, steps=grid)
    with jurisdiction_scope(paris):
        assert not ComponentStep.objects.exists()


# Who sees what ---------------------------------------------------------------------------------


ADMIN_PAGES = [
    "/paris/manage/processes/",
    "/paris/manage/processes/new/",
    "/paris/manage/roles/",
    "/paris/manage/settings/",
    "/paris/manage/census/",
    "/paris/manage/audit/",
]


def test_anonymous_visitors_are_sent_to_sign_in(client, paris):
    response = client.get("/paris/manage/processes/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_resident_without_a_role_gets_403(client, paris):
    client.force_login(UserFactory())
    assert client.get("/paris/manage/").status_code == 403


def test_dashboard_links_only_to_what_the_role_allows(client, paris, paris_admin, unscoped):
    client.force_login(paris_admin)
    page = client.get("/paris/manage/").content.decode()
    for link in ADMIN_PAGES[:1] + ADMIN_PAGES[2:] + ["/paris/manage/verify-in-person/"]:
        assert f'href="{link}"' in page
    assert "/manage/jurisdictions/" not in page

    moderator = UserFactory()
    RoleGrantFactory(jurisdiction=paris, user=moderator, role=Role.MODERATOR)
    client.force_login(moderator)
    page = client.get("/paris/manage/").content.decode()
    assert "Moderator" in page
    assert "/manage/census/" not in page and "/manage/processes/" not in page and "/manage/roles/" not in page
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 403, url

    officer = UserFactory()
    RoleGrantFactory(jurisdiction=paris, user=officer, role=Role.POLL_OFFICER)
    client.force_login(officer)
    page = client.get("/paris/manage/").content.decode()
    assert 'href="/paris/manage/verify-in-person/"' in page and "/manage/census/" not in page
    assert client.get("/paris/manage/verify-in-person/").status_code == 200
    assert client.get("/paris/manage/census/").status_code == 403


def test_another_jurisdictions_admin_gets_403_and_changes_nothing(client, paris, climate, madrid_admin, unscoped):
    phase = PhaseFactory(process=climate)
    component = ComponentFactory(process=climate)
    grant = RoleGrant.objects.get(jurisdiction=paris)
    client.force_login(madrid_admin)
    pages = [
        *ADMIN_PAGES,
        "/paris/manage/",
        "/paris/manage/processes/climate/",
        f"/paris/manage/processes/climate/phases/{phase.pk}/",
        f"/paris/manage/processes/climate/phases/{phase.pk}/delete/",
        "/paris/manage/processes/climate/components/new/",
        f"/paris/manage/processes/climate/components/{component.pk}/",
        "/paris/manage/processes/climate/steps/",
        f"/paris/manage/roles/{grant.pk}/revoke/",
    ]
    for url in pages:
        assert client.get(url).status_code == 403, url
    posts = {
        "/paris/manage/processes/new/": {"slug": "x", "title": "Hijack"},
        "/paris/manage/processes/climate/": {"title": "Hijacked"},
        "/paris/manage/processes/climate/publish/": {"published": "1"},
        f"/paris/manage/processes/climate/phases/{phase.pk}/delete/": {"reason": "x"},
        "/paris/manage/roles/": {"email": madrid_admin.email, "role": "admin", "reason": "x"},
        f"/paris/manage/roles/{grant.pk}/revoke/": {"reason": "x"},
        "/paris/manage/settings/": {"name": "Hijacked", "languages": ["en"], "default_language": "en"},
    }
    before = AuditEntry.objects.count()
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    assert AuditEntry.objects.count() == before
    assert Process.objects.get(pk=climate.pk).title == "Climate plan"
    assert Process.objects.filter(jurisdiction=paris).count() == 1
    assert Phase.objects.filter(pk=phase.pk).exists()
    assert RoleGrant.objects.filter(pk=grant.pk).exists()
    assert Jurisdiction.objects.get(pk=paris.pk).name == "Paris"


# Processes -------------------------------------------------------------------------------------


def test_admin_creates_edits_and_publishes_a_process(client, paris, paris_admin, unscoped):
    client.force_login(paris_admin)
    response = client.post(
        "/paris/manage/processes/new/",
        {"slug": "budget", "title": "Budget 2031", "start_date": "2031-01-01", "end_date": "2031-06-30"},
    )
    assert response.status_code == 302 and response["Location"] == "/paris/manage/processes/budget/"
    process = Process.objects.get(jurisdiction=paris, slug="budget")
    assert process.is_published is False
    response = client.post(
        "/paris/manage/processes/budget/",
        {"title": "Budget 2031", "subtitle": "Your city, your money", "start_date": "2031-01-01"},
    )
    assert response.status_code == 302
    assert Process.objects.get(pk=process.pk).subtitle == "Your city, your money"
    client.post("/paris/manage/processes/budget/publish/", {"published": "1"})
    assert Process.objects.get(pk=process.pk).is_published is True
    assert "Your city, your money" in client.get("/paris/processes/budget/").content.decode()
    client.post("/paris/manage/processes/budget/publish/", {"published": "0"})
    assert Process.objects.get(pk=process.pk).is_published is False


def test_invalid_process_form_answers_400_next_to_the_fields(client, paris, paris_admin, climate, unscoped):
    client.force_login(paris_admin)
    response = client.post(
        "/paris/manage/processes/new/",
        {"slug": "bad slug!", "title": "", "start_date": "2031-05-01", "end_date": "2031-01-01"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_title_error"><p>This field is required.' in page
    assert 'id="id_end_date_error"><p>The process cannot end before it starts.' in page
    assert 'id="id_slug_error"' in page and "There is a problem" in page
    response = client.post("/paris/manage/processes/new/", {"slug": "climate", "title": "Twice"})
    assert response.status_code == 400 and "already exists" in response.content.decode()
    assert Process.objects.filter(jurisdiction=paris).count() == 1


def test_process_list_query_count_is_fixed(client, paris, paris_admin, django_assert_max_num_queries, unscoped):
    for _n in range(6):
        PhaseFactory(process=ProcessFactory(jurisdiction=paris))
    client.force_login(paris_admin)
    with django_assert_max_num_queries(10):
        response = client.get("/paris/manage/processes/")
    assert response.status_code == 200


def test_phase_dates_are_entered_and_shown_in_the_jurisdictions_time_zone(client, paris_admin, climate, unscoped):
    client.force_login(paris_admin)
    response = client.post(
        "/paris/manage/processes/climate/phases/new/",
        {"title": "Ideas", "starts_at": "2030-06-01T10:00", "ends_at": "2030-06-15T18:30"},
    )
    assert response.status_code == 302
    phase = Phase.objects.get(process=climate)
    assert phase.starts_at == datetime(2030, 6, 1, 8, 0, tzinfo=UTC)  # Paris is UTC+2 in summer
    assert phase.ends_at == datetime(2030, 6, 15, 16, 30, tzinfo=UTC)
    page = client.get(f"/paris/manage/processes/climate/phases/{phase.pk}/").content.decode()
    assert 'value="2030-06-01T10:00"' in page and "Europe/Paris" in page
    assert "2030-06-15 18:30" in client.get("/paris/manage/processes/climate/").content.decode()


def test_phase_overlap_and_backwards_dates_answer_400(client, paris_admin, climate, two_phases, unscoped):
    client.force_login(paris_admin)
    response = client.post(
        "/paris/manage/processes/climate/phases/new/",
        {"title": "Overlap", "starts_at": "2030-03-05T10:00", "ends_at": "2030-03-06T10:00"},
    )
    assert response.status_code == 400 and "overlaps the phase “Ideas”" in response.content.decode()
    response = client.post(
        "/paris/manage/processes/climate/phases/new/",
        {"title": "Backwards", "starts_at": "2031-03-05T10:00", "ends_at": "2031-03-01T10:00"},
    )
    assert response.status_code == 400
    assert 'id="id_ends_at_error"><p>A phase must end after it starts.' in response.content.decode()
    assert Phase.objects.filter(process=climate).count() == 2


def test_admin_edits_and_deletes_a_phase(client, paris_admin, climate, two_phases, unscoped):
    ideas, _vote = two_phases
    client.force_login(paris_admin)
    url = f"/paris/manage/processes/climate/phases/{ideas.pk}/"
    response = client.post(
        url, {"title": "Ideas round", "starts_at": "2030-03-01T09:00", "ends_at": "2030-03-05T09:00"}
    )
    assert response.status_code == 302
    assert Phase.objects.get(pk=ideas.pk).title == "Ideas round"
    assert client.get(url + "delete/").status_code == 200
    assert client.post(url + "delete/", {"reason": ""}).status_code == 302
    assert not Phase.objects.filter(pk=ideas.pk).exists()


def test_admin_switches_on_a_component_and_sets_the_phase_grid(client, paris_admin, climate, two_phases, unscoped):
    ideas, vote = two_phases
    client.force_login(paris_admin)
    page = client.get("/paris/manage/processes/climate/components/new/").content.decode()
    assert '<option value="page">Page</option>' in page
    response = client.post(
        "/paris/manage/processes/climate/components/new/", {"manifest_name": "nope", "title": "X", "slug": "x"}
    )
    assert response.status_code == 400 and 'id="id_manifest_name_error"' in response.content.decode()
    response = client.post(
        "/paris/manage/processes/climate/components/new/", {"manifest_name": "page", "title": "About", "slug": "about"}
    )
    assert response.status_code == 302
    component = climate.components.get()

    grid = client.get("/paris/manage/processes/climate/steps/").content.decode()
    enabled_name = f"step-{ideas.pk}-{component.pk}-enabled"
    actions_name = f"step-{ideas.pk}-{component.pk}-actions"
    assert f'name="{enabled_name}"' in grid and f'name="{actions_name}"' in grid
    response = client.post("/paris/manage/processes/climate/steps/", {enabled_name: "on", actions_name: ["comment"]})
    assert response.status_code == 302
    step = ComponentStep.objects.get()
    assert (step.phase_id, step.enabled, step.actions) == (ideas.pk, True, ["comment"])
    assert not ComponentStep.objects.filter(phase=vote).exists()
    grid = client.get("/paris/manage/processes/climate/steps/").content.decode()
    assert f'name="{enabled_name}" id="id_{enabled_name}" checked' in grid

    response = client.post("/paris/manage/processes/climate/steps/", {actions_name: ["vote"]})
    assert response.status_code == 400  # "vote" is not offered for a page
    assert ComponentStep.objects.get().actions == ["comment"]

    url = f"/paris/manage/processes/climate/components/{component.pk}/"
    assert client.post(url, {"title": "About the plan"}).status_code == 302
    component.refresh_from_db()
    assert (component.title, component.is_published) == ("About the plan", False)


# Roles -----------------------------------------------------------------------------------------


def test_admin_grants_and_revokes_a_role_with_a_reason(client, paris, paris_admin, climate, unscoped):
    official = UserFactory(email="roads@paris.example")
    client.force_login(paris_admin)
    response = client.post(
        "/paris/manage/roles/",
        {
            "email": "Roads@Paris.example",
            "role": "official",
            "process": str(climate.pk),
            "department": "Roads",
            "reason": "Answers road reports",
        },
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=official)
    assert (grant.role, grant.process_id, grant.department) == ("official", climate.pk, "Roads")
    page = client.get("/paris/manage/roles/").content.decode()
    assert "roads@paris.example" in page and "Roads" in page
    entry = AuditEntry.objects.get(action="role.grant", target_id=str(grant.pk))
    assert entry.reason == "Answers road reports"

    url = f"/paris/manage/roles/{grant.pk}/revoke/"
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and 'id="id_reason_error"' in response.content.decode()
    assert RoleGrant.objects.filter(pk=grant.pk).exists()
    assert client.post(url, {"reason": "Moved to another service"}).status_code == 302
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert AuditEntry.objects.get(action="role.revoke").reason == "Moved to another service"


def test_invalid_role_grants_answer_400_and_grant_nothing(client, paris, paris_admin, unscoped):
    UserFactory(email="someone@example.org")
    client.force_login(paris_admin)
    before = RoleGrant.objects.count()
    cases = [
        ({"email": "nobody@example.org", "role": "moderator", "reason": "x"}, "id_email_error"),
        ({"email": "someone@example.org", "role": "moderator", "reason": ""}, "id_reason_error"),
        (
            {"email": "someone@example.org", "role": "moderator", "department": "Roads", "reason": "x"},
            "id_department_error",
        ),
        ({"email": "someone@example.org", "role": "network_staff", "reason": "x"}, "id_role_error"),
    ]
    for data, error_id in cases:
        response = client.post("/paris/manage/roles/", data)
        assert response.status_code == 400, data
        assert f'id="{error_id}"' in response.content.decode(), data
    assert RoleGrant.objects.count() == before


# Settings --------------------------------------------------------------------------------------


def _settings(**changes):
    data = {
        "name": "Paris",
        "description": "",
        "languages": ["fr", "en"],
        "default_language": "fr",
        "time_zone": "Europe/Paris",
        "domain": "",
        "primary_colour": "#1d4e89",
        "accent_colour": "#b8450b",
    }
    data.update(changes)
    return data


def test_admin_changes_the_look_and_uploads_a_logo(client, paris, paris_admin, settings, tmp_path, unscoped):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(paris_admin)
    logo = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    response = client.post(
        "/paris/manage/settings/",
        _settings(
            name="Ville de Paris", domain="Participer.Paris.example", primary_colour="#003366", logo=logo, country="fr"
        ),
    )
    assert response.status_code == 302
    paris.refresh_from_db()
    assert (paris.name, paris.languages, paris.domain) == ("Ville de Paris", ["fr", "en"], "participer.paris.example")
    assert paris.country == "FR"
    assert paris.primary_colour == "#003366" and paris.logo.name.startswith("logos/")
    page = client.get("/paris/manage/settings/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "--primary: #003366" in page and "Current logo of Ville de Paris" in page
    # Saving again without a file keeps the logo.
    assert client.post("/paris/manage/settings/", _settings(name="Ville de Paris")).status_code == 302
    paris.refresh_from_db()
    assert paris.logo.name.startswith("logos/")


@pytest.mark.parametrize(
    ("changes", "error_id", "message"),
    [
        ({"primary_colour": "#ffff00"}, "id_primary_colour_error", "too light"),
        ({"accent_colour": "red"}, "id_accent_colour_error", "#RRGGBB"),
        ({"default_language": "pt"}, "id_default_language_error", "one of the languages"),
        ({"time_zone": "Mars/Olympus"}, "id_time_zone_error", "not one of the available choices"),
        ({"domain": "not a domain"}, "id_domain_error", "domain name"),
        ({"country": "XX"}, "id_country_error", "two-letter country code"),
        ({"logo": ("logo.png", b"<svg onload=alert(1)>")}, "id_logo_error", "PNG, JPEG, GIF or WebP"),
        ({"logo": ("logo.gif", PNG)}, "id_logo_error", "does not match"),
        ({"logo": ("big.png", PNG + b"\x00" * 1024 * 1024)}, "id_logo_error", "1 MB"),
    ],
)
def test_invalid_settings_answer_400_and_change_nothing(
    client, paris, paris_admin, changes, error_id, message, settings, tmp_path, unscoped
):
    settings.MEDIA_ROOT = tmp_path
    if "logo" in changes:
        name, content = changes["logo"]
        changes = {"logo": SimpleUploadedFile(name, content)}
    client.force_login(paris_admin)
    response = client.post("/paris/manage/settings/", _settings(name="Changed", **changes))
    page = response.content.decode()
    assert response.status_code == 400
    assert f'id="{error_id}"' in page and message in page
    paris.refresh_from_db()
    assert paris.name == "Paris" and not paris.logo
    assert not list(tmp_path.iterdir())


def test_a_domain_used_by_another_jurisdiction_is_refused(client, paris, madrid, paris_admin, unscoped):
    madrid.domain = "decide.madrid.example"
    madrid.save()
    client.force_login(paris_admin)
    response = client.post("/paris/manage/settings/", _settings(domain="decide.madrid.example"))
    assert response.status_code == 400 and 'id="id_domain_error"' in response.content.decode()


# The network's staff ---------------------------------------------------------------------------


@pytest.fixture
def network(db):
    return JurisdictionFactory(slug="ogp", name="OGP Local", kind=Jurisdiction.Kind.NETWORK)


@pytest.fixture
def staff(network, unscoped):
    user = UserFactory(email="staff@ogp.example")
    RoleGrantFactory(jurisdiction=network, user=user, role=Role.NETWORK_STAFF)
    return user


def test_network_staff_add_a_jurisdiction_then_name_its_admin(client, network, staff, paris, unscoped):
    client.force_login(staff)
    assert 'href="/ogp/manage/jurisdictions/"' in client.get("/ogp/manage/").content.decode()
    response = client.post(
        "/ogp/manage/jurisdictions/",
        {
            "name": "Lyon",
            "slug": "lyon",
            "kind": "city",
            "parent": str(paris.pk),
            "languages": ["fr"],
            "default_language": "fr",
            "time_zone": "Europe/Paris",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/lyon/manage/roles/"
    lyon = Jurisdiction.objects.get(slug="lyon")
    assert (lyon.parent, lyon.depth, lyon.languages) == (paris, paris.depth + 1, ["fr"])
    mayor = UserFactory(email="mayor@lyon.example")
    response = client.post("/lyon/manage/roles/", {"email": mayor.email, "role": "admin", "reason": "First admin"})
    assert response.status_code == 302
    assert RoleGrant.objects.filter(jurisdiction=lyon, user=mayor, role=Role.ADMIN).exists()


def test_adding_a_jurisdiction_is_for_network_staff_on_the_network_only(
    client, network, staff, paris, paris_admin, unscoped
):
    data = {"name": "X", "slug": "x", "kind": "city", "parent": str(paris.pk), "languages": ["en"]}
    client.force_login(paris_admin)
    assert client.get("/ogp/manage/jurisdictions/").status_code == 403
    assert client.post("/ogp/manage/jurisdictions/", data).status_code == 403
    client.force_login(staff)
    assert client.get("/paris/manage/jurisdictions/").status_code == 403
    response = client.post("/ogp/manage/jurisdictions/", {**data, "slug": "paris", "default_language": "en"})
    assert response.status_code == 400 and 'id="id_slug_error"' in response.content.decode()
    response = client.post("/ogp/manage/jurisdictions/", {**data, "slug": "api", "default_language": "en"})
    assert response.status_code == 400 and "reserved" in response.content.decode()
    assert not Jurisdiction.objects.filter(name="X").exists()


def test_backoffice_pages_render_for_an_admin(client, paris_admin, climate, two_phases, unscoped):
    ComponentFactory(process=climate)
    client.force_login(paris_admin)
    ideas, _vote = two_phases
    for url in [
        *ADMIN_PAGES,
        "/paris/manage/",
        "/paris/manage/processes/climate/",
        "/paris/manage/processes/climate/phases/new/",
        f"/paris/manage/processes/climate/phases/{ideas.pk}/delete/",
        "/paris/manage/processes/climate/steps/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content.decode().count("<h1") == 1, url
