"""The budgets pages in a real browser: the ballot flow without JavaScript, and axe-core on each page type."""

import zoneinfo

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from plaza.budgets import operations
from plaza.budgets.models import Budget
from plaza.budgets.tests.conftest import make_resident

pytestmark = pytest.mark.browser

BALLOT = "/paris/budgets/paris-2026/ballot/11e/"


def test_knapsack_ballot_without_javascript(page_without_js, sign_in, budget, heading, projects, resident):
    sign_in(page_without_js, resident)
    page_without_js.goto(BALLOT)
    page_without_js.get_by_label("Garden — €60,000").check()
    page_without_js.get_by_role("button", name="Update money left").click()
    expect(page_without_js.locator("#money")).to_contain_text("Money left: €40,000.")
    page_without_js.get_by_label("Bike lanes — €40,000").check()
    page_without_js.get_by_role("button", name="Save my ballot").click()
    expect(page_without_js.get_by_role("status")).to_contain_text("Your ballot is saved")
    expect(page_without_js.get_by_label("Garden — €60,000")).to_be_checked()


def test_ballot_pages_are_accessible(page, axe, sign_in, budget, heading, projects, resident):
    sign_in(page, resident)
    page.goto(BALLOT)
    axe(page)
    for project in projects:
        page.get_by_label(f"{project.title} — €{project.estimated_cost:,.0f}").check()
    page.get_by_role("button", name="Save my ballot").click()
    expect(page.get_by_role("alert")).to_contain_text("remove some")
    axe(page)


def test_index_project_and_results_pages_are_accessible(page, axe, paris, paris_admin, budget, heading, projects):
    projects[0].latitude, projects[0].longitude = 48.8655, 2.378  # the index and the project page draw a map
    projects[0].save()
    page.goto("/paris/budgets/")
    axe(page)
    page.goto("/paris/budgets/paris-2026/")
    expect(page.get_by_role("heading", level=1)).to_have_text(budget.title)
    axe(page)
    page.goto(projects[0].get_absolute_url())
    axe(page)
    operations.cast_ballot(actor=make_resident(paris), budget=budget, heading=heading, choices={projects[0].pk: 1})
    operations.set_phase(actor=paris_admin, budget=budget, phase=Budget.Phase.FINISHED)
    page.goto("/paris/budgets/paris-2026/results/11e/")
    expect(page.get_by_role("table")).to_contain_text("Funded")
    axe(page)


def test_valuator_page_is_accessible(page, axe, sign_in, budget, projects, valuator):
    budget.phase = Budget.Phase.REVIEWING
    budget.save()
    sign_in(page, valuator)
    page.goto(projects[0].get_absolute_url() + "review/")
    axe(page)
    page.get_by_role("radio", name="Unfeasible").check()
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_role("alert")).to_contain_text("unfeasible")
    axe(page)


def test_project_submission_page_is_accessible_and_works_without_javascript(
    page, page_without_js, axe, sign_in, budget, heading, resident
):
    budget.phase = Budget.Phase.ACCEPTING
    budget.save()
    sign_in(page, resident)
    page.goto("/paris/budgets/paris-2026/projects/new/")
    axe(page)
    page.get_by_role("button", name="Submit the project").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    axe(page)
    sign_in(page_without_js, resident)
    page_without_js.goto("/paris/budgets/paris-2026/projects/new/")
    page_without_js.locator("#id_title").fill("Benches")
    page_without_js.locator("#id_description").fill("Ten benches.")
    page_without_js.locator("#id_estimated_cost").fill("5000")
    page_without_js.locator("#id_location").fill("48.86, 2.37")
    page_without_js.get_by_role("button", name="Submit the project").click()
    expect(page_without_js.get_by_role("heading", level=1)).to_have_text("Benches")


def test_manage_and_review_queue_pages_are_accessible(page, axe, sign_in, budget, projects, paris_admin):
    sign_in(page, paris_admin)
    page.goto("/paris/budgets/paris-2026/manage/")
    axe(page)
    page.get_by_label("Phase").select_option("reviewing")
    page.get_by_role("button", name="Move to this phase").click()
    expect(page.get_by_role("status")).to_contain_text("Reviewing projects")
    axe(page)
    page.goto("/paris/budgets/paris-2026/review/")
    expect(page.get_by_role("link", name="Garden")).to_be_visible()
    axe(page)


def test_setup_pages_are_accessible_and_refuse_headings_over_the_total(page, axe, sign_in, paris_admin):
    sign_in(page, paris_admin)
    page.goto("/paris/budgets/new/")
    axe(page)
    page.get_by_label("Title").fill("Budget 2027")
    page.get_by_label("Total amount").fill("1000000")
    page.get_by_label("Headings").fill("City-wide: 800000\n11e: 300000")
    page.get_by_role("button", name="Create the budget").click()
    expect(page.locator(".field-error")).to_contain_text("add up to €1,100,000")
    axe(page)
    page.get_by_label("Headings").fill("City-wide: 800000\n11e: 200000")
    page.get_by_role("button", name="Create the budget").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Headings of Budget 2027")
    expect(page.locator("#allocation")).to_contain_text("€1,000,000 of the budget's €1,000,000")
    axe(page)
    page.get_by_label("Name").fill("12e")
    page.get_by_label("Amount").fill("5000")
    page.get_by_role("button", name="Add the heading").click()
    expect(page.get_by_role("alert")).to_contain_text("add up to")
    axe(page)
    page.get_by_role("link", name="Change or remove 11e").click()
    axe(page)
    page.get_by_label("Amount").fill("150000")
    page.get_by_role("button", name="Save the heading").click()
    expect(page.get_by_role("table")).to_contain_text("€150,000")
    page.get_by_role("link", name="Budget settings").click()
    axe(page)
    page.get_by_label("Winner rule").select_option("mes")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_role("status")).to_contain_text("The settings are saved")
    axe(page)


def test_project_images_pages_are_accessible(page, axe, sign_in, settings, tmp_path, paris_admin, budget, projects):
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    image = tmp_path / "garden.png"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 40)).save(buffer, format="PNG")
    image.write_bytes(buffer.getvalue())
    (tmp_path / "plan.txt").write_text("not an image")
    sign_in(page, paris_admin)
    page.goto(projects[0].get_absolute_url() + "images/")
    axe(page)
    page.get_by_label("Description of the image").fill("The plot today")
    page.locator("#id_upload").set_input_files(str(tmp_path / "plan.txt"))
    page.get_by_role("button", name="Add the image").click()
    expect(page.locator(".field-error")).to_contain_text("Only images can be added")
    axe(page)
    page.locator("#id_upload").set_input_files(str(image))
    page.get_by_role("button", name="Add the image").click()
    expect(page.get_by_role("img", name="The plot today")).to_be_visible()
    axe(page)
    page.goto("/paris/budgets/paris-2026/")
    expect(page.locator("img.thumbnail")).to_have_count(1)
    axe(page)


def _officer(paris):
    from plaza.core.models import Role
    from plaza.core.tests.factories import RoleGrantFactory, UserFactory

    officer = UserFactory(public_name="Officer Odile")
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=paris, user=officer, role=Role.POLL_OFFICER)
    return officer


def test_booth_page_is_accessible_and_records_a_ballot(page, axe, sign_in, paris, budget, heading, projects):
    from plaza.budgets.tests.factories import BoothFactory
    from plaza.budgets.tests.test_booth import DOCUMENT
    from plaza.core.tests.factories import CensusRecordFactory

    officer = _officer(paris)
    with scopes_disabled():
        CensusRecordFactory(jurisdiction=paris, **DOCUMENT)
        BoothFactory(budget=budget, name="Library")
        BoothFactory(budget=budget, name="Town hall")
    sign_in(page, officer)
    page.goto("/paris/budgets/paris-2026/booth/")
    axe(page)

    def fill(document):
        page.locator("#id_booth").select_option(label="Town hall")
        page.get_by_label("Identity document number").fill(document)
        page.get_by_label("Date of birth").fill("1980-05-17")
        page.get_by_label("Postal code").fill("75011")
        page.get_by_label("Garden — €60,000").check()
        page.get_by_role("button", name="Record the ballot").click()

    fill("00000000T")
    expect(page.get_by_role("alert")).to_contain_text("not on the census")
    axe(page)
    fill(DOCUMENT["document_id"])
    expect(page.get_by_role("status")).to_contain_text("recorded at Town hall")
    axe(page)
    page.get_by_role("link", name="Record the next ballot").click()
    expect(page.locator("#id_booth").locator("option:checked")).to_have_text("Town hall")


def _report_a_total(page, count: str):
    page.goto("/paris/budgets/paris-2026/booth/totals/")
    page.locator("#id_booth").select_option(label="Town hall")
    page.locator("#id_day").fill(timezone.localdate(timezone=zoneinfo.ZoneInfo("Europe/Paris")).isoformat())
    page.locator("#id_count").fill(count)
    page.get_by_role("button", name="Report").click()


def test_an_officer_reports_a_total_without_javascript(page_without_js, sign_in, paris, budget, heading):
    from plaza.budgets.tests.factories import BoothFactory

    with scopes_disabled():
        BoothFactory(budget=budget, name="Town hall")
    sign_in(page_without_js, _officer(paris))
    _report_a_total(page_without_js, "-3")
    expect(page_without_js.get_by_role("alert")).to_contain_text("Ensure this value is greater than or equal to 0")
    _report_a_total(page_without_js, "3")
    expect(page_without_js.get_by_role("status")).to_contain_text("The day's total is recorded")


def test_booth_totals_and_booths_pages_are_accessible(page, axe, sign_in, paris, paris_admin, budget, heading):
    from plaza.budgets.tests.factories import BoothFactory

    with scopes_disabled():
        BoothFactory(budget=budget, name="Town hall")
    sign_in(page, _officer(paris))
    page.goto("/paris/budgets/paris-2026/booth/totals/")
    axe(page)
    _report_a_total(page, "")
    expect(page.get_by_role("alert")).to_be_visible()
    axe(page)
    _report_a_total(page, "4")
    expect(page.get_by_role("status")).to_contain_text("The day's total is recorded")
    axe(page)

    page.context.clear_cookies()
    sign_in(page, paris_admin)
    page.goto("/paris/budgets/paris-2026/")
    page.get_by_role("link", name="Booths and their totals").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Booths of Paris participatory budget 2026")
    discrepancy = page.locator("tr.discrepancy")
    expect(discrepancy).to_contain_text("Town hall")
    expect(discrepancy).to_contain_text("Discrepancy: 4")
    expect(discrepancy).to_contain_text("Officer Odile")
    axe(page)
    page.get_by_role("button", name="Remove Town hall").click()
    expect(page.get_by_role("alert")).to_contain_text("it stays")
    axe(page)
    page.get_by_label("Booth name").fill("Library")
    page.get_by_role("button", name="Add the booth").click()
    expect(page.get_by_role("status")).to_contain_text("The booth is added")
    page.get_by_role("button", name="Remove Library").click()
    expect(page.get_by_role("status")).to_contain_text("The booth is removed")
    page.get_by_role("button", name="Add the booth").click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe(page)
