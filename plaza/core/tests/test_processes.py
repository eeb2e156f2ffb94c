"""Processes, phases and components: the registry, phase-switched actions, component pages."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from plaza.core.components import ComponentManifest, PermissionAction, registry
from plaza.core.models import AuditEntry, Verification
from plaza.core.operations.processes import add_component, add_phase, create_process, set_component_step
from plaza.core.permissions import component_action_allowed
from plaza.core.tenancy import jurisdiction_scope
from plaza.core.tests.factories import UserFactory, VerificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def petitions_manifest():
    """A component registered the way a domain app does, proving core needs no import of it."""
    manifest = registry.register(
        ComponentManifest(
            name="petitions",
            label="Petitions",
            process_urls="plaza.pages.urls",
            actions=(PermissionAction("sign", "Sign", phase_action="support", verification_level=1),),
        )
    )
    yield manifest
    registry.unregister("petitions")


@pytest.fixture
def climate(paris, paris_admin):
    process = create_process(
        actor=paris_admin, jurisdiction=paris, slug="climate", title="Climate plan", is_published=True
    )
    now = timezone.now()
    add_phase(
        actor=paris_admin,
        process=process,
        title="Proposals",
        starts_at=now - timedelta(days=5),
        ends_at=now + timedelta(days=5),
    )
    add_phase(
        actor=paris_admin,
        process=process,
        title="Vote",
        starts_at=now + timedelta(days=5),
        ends_at=now + timedelta(days=20),
    )
    return process


def test_builtin_page_component_is_registered():
    assert "page" in registry
    assert registry.get("page").process_urls == "plaza.pages.urls"


def test_phases_cannot_overlap_or_run_backwards(climate, paris_admin):
    now = timezone.now()
    with pytest.raises(ValidationError, match="overlaps"):
        add_phase(actor=paris_admin, process=climate, title="Overlap", starts_at=now, ends_at=now + timedelta(days=1))
    with pytest.raises(ValidationError):
        add_phase(
            actor=paris_admin,
            process=climate,
            title="Backwards",
            starts_at=now + timedelta(days=40),
            ends_at=now + timedelta(days=30),
        )
    with jurisdiction_scope(climate.jurisdiction):
        assert climate.phases.count() == 2


def test_unknown_component_is_refused(climate, paris_admin):
    with pytest.raises(ValidationError, match="no component"):
        add_component(actor=paris_admin, process=climate, manifest_name="nope", slug="x", title="X")


def test_phase_switches_a_registered_components_action(climate, paris_admin, petitions_manifest):
    component = add_component(
        actor=paris_admin, process=climate, manifest_name="petitions", slug="petitions", title="Petitions"
    )
    with jurisdiction_scope(climate.jurisdiction):
        proposals, vote = climate.phases.all()
    set_component_step(actor=paris_admin, phase=proposals, component=component, enabled=True, actions=["support"])
    set_component_step(actor=paris_admin, phase=vote, component=component, enabled=True, actions=["vote"])
    resident = UserFactory()
    with jurisdiction_scope(climate.jurisdiction):
        assert component_action_allowed(None, component, "sign")[0] is False
        allowed, why = component_action_allowed(resident, component, "sign")
        assert (allowed, why) == (False, "Verify your identity with the census to take part.")
        VerificationFactory(jurisdiction=climate.jurisdiction, user=resident, level=Verification.Level.VERIFIED)
        assert component_action_allowed(resident, component, "sign") == (True, "")
        later = timezone.now() + timedelta(days=10)
        assert component_action_allowed(resident, component, "sign", now=later)[0] is False


def test_component_setup_is_admin_only_and_audited(climate, madrid_admin, paris_admin):
    with pytest.raises(PermissionDenied):
        add_component(actor=madrid_admin, process=climate, manifest_name="page", slug="about", title="About")
    add_component(actor=paris_admin, process=climate, manifest_name="page", slug="about", title="About")
    with jurisdiction_scope(climate.jurisdiction):
        actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("component.create") == 1
    assert actions.count("phase.create") == 2


def test_component_page_is_served_inside_its_process(client, climate, paris_admin):
    from plaza.pages.operations import write_page

    component = add_component(
        actor=paris_admin, process=climate, manifest_name="page", slug="about", title="About the plan"
    )
    write_page(actor=paris_admin, component=component, body="# Hello\n\n<script>alert(1)</script>**bold**")
    response = client.get("/paris/processes/climate/about/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "About the plan" in page and "<strong>bold</strong>" in page
    assert "<script>alert" not in page
    assert client.get("/paris/processes/climate/missing/").status_code == 404
    assert client.get("/paris/processes/climate/about/nothing-here").status_code == 404


def test_process_page_shows_timeline_and_current_phase(client, climate):
    response = client.get("/paris/processes/climate/")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Proposals") < page.index("Vote")
    assert 'aria-current="step"' in page


@pytest.mark.parametrize("name", ["manage", "processes", "export", "search", "no slug"])
def test_a_component_cannot_take_an_address_core_serves(name):
    with pytest.raises(ValueError, match="cannot name a component"):
        registry.register(ComponentManifest(name=name, label="Sneaky"))
    assert name not in registry


def test_a_component_without_process_pages_leads_to_its_jurisdiction_pages(client, climate, paris_admin):
    manifest = registry.register(
        ComponentManifest(name="portal", label="Portal", jurisdiction_urls="plaza.pages.urls", seeds="x:y")
    )
    try:
        add_component(actor=paris_admin, process=climate, manifest_name="portal", slug="portal", title="Portal")
        response = client.get("/paris/processes/climate/portal/")
        assert (response.status_code, response["Location"]) == (302, "/paris/portal/")
        assert client.get("/paris/processes/climate/portal/anything").status_code == 404
    finally:
        registry.unregister(manifest.name)
