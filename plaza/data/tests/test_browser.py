"""The portal's page types in Chromium, with axe-core, and the publisher's flow without JavaScript."""

# axe needs JavaScript, so it checks pages in the tests with JavaScript on.

import pytest
from playwright.sync_api import expect

from plaza.data.operations import create_dataset, update_dataset
from plaza.data.tests.test_operations import fields

pytestmark = pytest.mark.browser


def test_catalogue_dataset_resource_and_versions_are_accessible(page, axe, air, metro):
    page.goto("/paris/data/?theme=ENVI")
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data of Paris")
    axe(page)
    page.get_by_role("link", name="Air quality stations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Air quality stations")
    axe(page)
    page.get_by_role("link", name="Hourly readings", exact=True).click()
    axe(page)
    page.goto("/paris/data/organizations/")
    axe(page)
    page.goto("/paris/data/air-quality/versions/")
    axe(page)


def test_publisher_forms_and_their_errors_are_accessible(page, axe, sign_in, air, environment, env_official):
    sign_in(page, env_official)
    page.goto("/paris/data/new/")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    axe(page)
    page.goto("/paris/data/air-quality/resources/new/")
    axe(page)
    # The browser's database is flushed after each test, SDG goals too: tag none.
    trees = create_dataset(
        actor=env_official, jurisdiction=environment.jurisdiction, fields=fields(environment, sdg_goals=[])
    )
    update_dataset(
        actor=env_official, dataset=trees, fields=fields(environment, sdg_goals=[], title="Street trees of Paris")
    )
    page.goto("/paris/data/trees/versions/diff/?from=1&to=2")
    expect(page.locator("pre.diff")).to_contain_text("+ Street trees of Paris")
    axe(page)


def test_an_official_publishes_and_compares_without_javascript(
    page_without_js, axe, sign_in, environment, env_official
):
    page = page_without_js
    sign_in(page, env_official)
    page.goto("/paris/data/new/")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    page.get_by_label("Title").fill("Street trees")
    page.get_by_label("Short name").fill("trees")
    page.get_by_label("Description").fill("Every street tree of Paris.")
    page.get_by_label("State").select_option("public")
    page.get_by_label("Environment", exact=True).check()
    page.get_by_label("Contact name").fill("Parks")
    page.get_by_label("Contact e-mail").fill("parks@paris.example")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Street trees")
    page.get_by_role("link", name="Edit the metadata").click()
    page.get_by_label("Title").fill("Street trees of Paris")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="every version").click()
    page.get_by_role("button", name="Show the differences").click()
    expect(page.locator("pre.diff").first).to_contain_text("+ Street trees of Paris")
    page.goto("/paris/data/trees/resources/new/")
