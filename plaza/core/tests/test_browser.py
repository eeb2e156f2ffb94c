"""Core's page types in a real browser: what a visitor sees, axe-core finds nothing, and it works without JS."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from plaza.core.audit import record
from plaza.core.models import Role
from plaza.core.tests.factories import (
    CensusRecordFactory,
    ComponentFactory,
    JurisdictionFactory,
    PhaseFactory,
    ProcessFactory,
    RoleGrantFactory,
    UserFactory,
)
from plaza.pages.models import Page

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"  # UserFactory's


def h1(page):
    return page.get_by_role("heading", level=1)


@pytest.fixture
def network(unscoped):
    """OGP Local › France › Paris, with Paris's climate plan in its second of three phases."""
    ogp = JurisdictionFactory(slug="ogp-local", name="OGP Local", kind="network")
    france = JurisdictionFactory(slug="france", name="France", kind="country", parent=ogp)
    paris = JurisdictionFactory(slug="paris", name="Paris", parent=france, description="Ville de Paris.")
    plan = ProcessFactory(jurisdiction=paris, slug="climate-plan", title="Climate Action Plan")
    now = timezone.now()
    for position, (title, start, end) in enumerate(
        [("Information", -60, -30), ("Proposals and debate", -30, 30), ("Decision", 30, 60)], start=1
    ):
        PhaseFactory(
            process=plan,
            position=position,
            title=title,
            starts_at=now + timedelta(days=start),
            ends_at=now + timedelta(days=end),
        )
    about = ComponentFactory(process=plan, slug="about", title="About the plan")
    Page.objects.create(
        jurisdiction=paris, component=about, body="## Why a plan\n\nParis commits to *carbon neutrality*."
    )
    return paris


@pytest.fixture
def resident(unscoped):
    return UserFactory(email="camille@example.org", public_name="Camille")


@pytest.fixture
def census_admin(network, unscoped):
    admin = UserFactory(email="admin@paris.example", public_name="Paris admin")
    RoleGrantFactory(jurisdiction=network, user=admin, role=Role.ADMIN)
    return admin


# Network home


def test_network_home_shows_open_processes_and_the_tree(page, axe, network):
    page.goto("/")
    expect(h1(page)).to_have_text("Open government, together")
    open_now = page.get_by_role("region", name="Open now")
    expect(open_now.get_by_role("link", name="Climate Action Plan")).to_be_visible()
    tree = page.get_by_role("region", name="Jurisdictions")
    expect(tree.get_by_role("listitem")).to_have_text(
        ["OGP Local Network", "France Country", "Paris City or municipality"]
    )
    axe(page)


def test_network_home_without_js_links_to_a_jurisdiction(page_without_js, network):
    page = page_without_js
    page.goto("/")
    page.get_by_role("link", name="Paris", exact=True).click()
    expect(h1(page)).to_have_text("Paris")


# Jurisdiction home


def test_jurisdiction_home_shows_breadcrumb_and_processes(page, axe, network):
    page.goto("/paris/")
    expect(h1(page)).to_have_text("Paris")
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumb.get_by_role("link")).to_have_text(["OGP Local", "France"])
    expect(page.get_by_role("region", name="Processes").get_by_role("link")).to_have_text(["Climate Action Plan"])
    axe(page)


def test_language_form_without_js_reloads_the_page_in_that_language(page_without_js, network):
    page = page_without_js
    page.goto("/paris/")
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(h1(page)).to_have_text("Paris")


# Process page with its phase timeline


def test_process_page_marks_the_current_phase(page, axe, network):
    page.goto("/paris/processes/climate-plan/")
    expect(h1(page)).to_have_text("Climate Action Plan")
    phases = page.get_by_role("region", name="Phases").get_by_role("listitem")
    expect(phases.locator("h3")).to_have_text(["Information", "Proposals and debate Now", "Decision"])
    current = page.locator('[aria-current="step"]')
    expect(current).to_have_count(1)
    expect(current.get_by_role("heading")).to_have_text("Proposals and debate Now")
    axe(page)


def test_process_page_without_js_leads_to_its_components(page_without_js, network):
    page = page_without_js
    page.goto("/paris/processes/climate-plan/")
    expect(page.locator('[aria-current="step"]')).to_contain_text("Proposals and debate")
    page.get_by_role("link", name="About the plan").click()
    expect(h1(page)).to_have_text("About the plan")


# The page component


def test_page_component_renders_its_markdown_inside_the_process(page, axe, network):
    page.goto("/paris/processes/climate-plan/about/")
    expect(h1(page)).to_have_text("About the plan")
    expect(page.get_by_role("heading", name="Why a plan")).to_be_visible()
    expect(page.locator("em")).to_have_text("carbon neutrality")
    expect(page.get_by_role("navigation", name="Breadcrumb").get_by_role("link")).to_have_text(["Climate Action Plan"])
    axe(page)


def test_page_component_without_js(page_without_js, network):
    page_without_js.goto("/paris/processes/climate-plan/about/")
    expect(page_without_js.get_by_role("heading", name="Why a plan")).to_be_visible()


# Public record (audit log)


def test_public_record_lists_public_decisions_only(page, axe, network, census_admin, unscoped):
    record(jurisdiction=network, actor=census_admin, action="process.publish", reason="Council vote", public=True)
    record(jurisdiction=network, actor=census_admin, action="census.import", reason="secret", public=False)
    page.goto("/paris/audit/")
    expect(h1(page)).to_have_text("Public record")
    rows = page.get_by_role("table", name="Audit entries").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("process.publish")
    expect(rows.first).to_contain_text("Council vote")
    axe(page)


def test_public_record_without_js(page_without_js, network):
    page_without_js.goto("/paris/audit/")
    expect(page_without_js.get_by_role("cell", name="Nothing recorded yet.")).to_be_visible()


# Sign in and sign up


def test_sign_in_through_the_form(page, axe, resident):
    page.goto("/accounts/login/")
    expect(h1(page)).to_have_text("Sign In")
    axe(page)
    page.get_by_label("Email").fill("camille@example.org")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign In").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("The email address and/or password you specified are not correct.")
    axe(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(h1(page)).to_have_text("My account")
    expect(page.get_by_role("status")).to_contain_text("Successfully signed in as Camille.")


def test_sign_in_without_js(page_without_js, resident):
    page = page_without_js
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("camille@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(h1(page)).to_have_text("My account")


def test_sign_up_errors_are_next_to_the_field_and_in_the_summary(page, axe, db):
    page.goto("/accounts/signup/")
    expect(h1(page)).to_have_text("Sign Up")
    axe(page)
    page.get_by_label("Email").fill("new@example.org")
    page.locator("#id_password1").fill("a-Long-passphrase-42")
    page.locator("#id_password2").fill("another-passphrase-42")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("alert")).to_contain_text("You must type the same password each time.")
    expect(page.locator("#id_password2_error")).to_have_text("You must type the same password each time.")
    axe(page)


def test_sign_up_without_js_asks_to_confirm_the_email(page_without_js, db):
    page = page_without_js
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("new@example.org")
    page.locator("#id_password1").fill("a-Long-passphrase-42")
    page.locator("#id_password2").fill("a-Long-passphrase-42")
    page.get_by_role("button", name="Sign Up").click()
    expect(h1(page)).to_have_text("Verify Your Email Address")


# Account profile


def test_profile_page(page, axe, sign_in, resident, network):
    sign_in(page, resident)
    page.goto("/account/")
    expect(h1(page)).to_have_text("My account")
    expect(page.get_by_label("Public name")).to_have_value("Camille")
    expect(page.get_by_role("region", name="Identity")).to_contain_text("You are not verified anywhere yet.")
    axe(page)


def test_profile_saves_without_js(page_without_js, sign_in, resident):
    page = page_without_js
    sign_in(page, resident)
    page.goto("/account/")
    page.get_by_label("Public name").fill("Camille D.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Your profile is saved.")
    expect(page.get_by_label("Public name")).to_have_value("Camille D.")


# Identity verification against the census


def test_verification_form_errors_are_announced_and_accessible(page, axe, sign_in, resident, network):
    sign_in(page, resident)
    page.goto("/paris/verify/")
    expect(h1(page)).to_have_text("Verify your identity in Paris")
    axe(page)
    page.get_by_label("Postal code").fill("75001")
    page.get_by_role("button", name="Verify").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(
        ["Identity document number: This field is required.", "Date of birth: This field is required."]
    )
    document = page.get_by_label("Identity document number")
    expect(document).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_document_id_error")).to_have_text("This field is required.")
    expect(page.get_by_label("Postal code")).to_have_value("75001")
    summary.get_by_role("link", name="Identity document number: This field is required.").click()
    expect(document).to_be_focused()
    axe(page)


def test_verification_succeeds_with_a_census_match(page, sign_in, resident, network, unscoped):
    CensusRecordFactory(jurisdiction=network, document_id="PAR0001", birth_date=date(1980, 5, 17), postal_code="75001")
    sign_in(page, resident)
    page.goto("/paris/verify/")
    page.get_by_label("Identity document number").fill("PAR0001")
    page.get_by_label("Date of birth").fill("1980-05-17")
    page.get_by_label("Postal code").fill("75001")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("status")).to_have_text("You are verified in Paris.")
    expect(page.get_by_role("region", name="Identity")).to_contain_text("Paris:")


def test_verification_form_without_js_shows_the_error_summary(page_without_js, sign_in, resident, network):
    page = page_without_js
    sign_in(page, resident)
    page.goto("/paris/verify/")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Verify").click()
    assert navigation.value.status == 400
    expect(page.get_by_role("alert")).to_contain_text("Identity document number: This field is required.")


def test_verification_asks_visitors_to_sign_in_first(page_without_js, network):
    page_without_js.goto("/paris/verify/")
    expect(h1(page_without_js)).to_have_text("Sign In")


# Back office


def test_back_office_dashboard(page, axe, sign_in, census_admin):
    sign_in(page, census_admin)
    page.goto("/paris/manage/")
    expect(h1(page)).to_have_text("Back office")
    expect(page.get_by_role("heading", level=2).get_by_role("link")).to_have_text(
        [
            "Processes",
            "Roles",
            "Settings and look",
            "Census",
            "Gazetteer",
            "Verify a resident in person",
            "Audit log",
            "Moderation",
            "Background jobs",
        ]
    )
    expect(page.get_by_role("link", name="Climate Action Plan")).to_be_visible()
    axe(page)


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/paris/manage/audit/", "Audit log"), ("/paris/manage/verify-in-person/", "Verify a resident in person")],
)
def test_other_back_office_pages(page, axe, sign_in, census_admin, path, heading):
    sign_in(page, census_admin)
    page.goto(path)
    expect(h1(page)).to_have_text(heading)
    axe(page)


BAD_CENSUS = b"document_id,date_of_birth,postal_code\nPAR0001,17/05/1980,75001\n,1980-05-17,75002\n"


def test_census_upload_shows_the_errors_of_each_row(page, axe, sign_in, census_admin):
    sign_in(page, census_admin)
    page.goto("/paris/manage/census/")
    expect(h1(page)).to_have_text("Census")
    axe(page)
    page.get_by_label("Census file (CSV)").set_input_files(
        files=[{"name": "census.csv", "mimeType": "text/csv", "buffer": BAD_CENSUS}]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("alert")).to_contain_text("The file has 2 errors; nothing was imported.")
    rows = page.get_by_role("region", name="2 errors in the file").get_by_role("listitem")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Line 2, column date_of_birth")
    expect(rows.last).to_contain_text("Line 3, column document_id")
    axe(page)


def test_census_upload_without_js(page_without_js, sign_in, census_admin):
    page = page_without_js
    sign_in(page, census_admin)
    page.goto("/paris/manage/census/")
    good = b"document_id,date_of_birth,postal_code\nPAR0001,1980-05-17,75001\n"
    page.get_by_label("Census file (CSV)").set_input_files(
        files=[{"name": "census.csv", "mimeType": "text/csv", "buffer": good}]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_contain_text("Census loaded: 1 new")


# API docs: Swagger UI is third-party, so axe leaves it out; Plaza only checks it loads with no CDN.


def test_api_docs_load_from_plaza_itself(page, db):
    page.goto("/api/v1/docs")
    expect(page.get_by_role("heading", name="Plaza API")).to_be_visible()
