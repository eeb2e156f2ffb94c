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
    page.get_by_label("Name").fill("Trees by district")
    page.get_by_label("File").set_input_files(
        files=[{"name": "trees.csv", "mimeType": "text/csv", "buffer": b"district,trees\n1er,1200\n2e,800\n"}]
    )
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Rows 1 to 2 of 2")).to_be_visible()
    page.get_by_label("Over the column").select_option("district")
    page.get_by_label("Showing").select_option("trees")
    page.get_by_role("button", name="Draw").click()
    expect(page.locator("figure.chart table")).to_contain_text("1200")


CENTRES = "name,district,beds,latitude,longitude\n" + "".join(
    f"Centro {n},Comuna {n % 3 + 1},{n * 2},{-34.60 + n / 1000:.4f},{-58.38 - n / 1000:.4f}\n" for n in range(1, 31)
)


def test_resource_preview_chart_map_and_errors_are_accessible(page, axe, sign_in, air, env_official):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_scopes import scopes_disabled

    from plaza.data.operations import add_resource

    good = add_resource(
        actor=env_official, dataset=air, name="Centres", upload=SimpleUploadedFile("c.csv", CENTRES.encode())
    )
    bad = add_resource(
        actor=env_official, dataset=air, name="Broken", upload=SimpleUploadedFile("b.csv", b"a,b\n1,2\n3\n")
    )
    with scopes_disabled():
        good_url, bad_url = good.get_absolute_url(), bad.get_absolute_url()
    page.goto(good_url)
    expect(page.get_by_role("table").first).to_contain_text("Centro 1")
    page.get_by_label("Over the column").select_option("district")
    page.get_by_label("Showing").select_option("beds")
    page.get_by_role("button", name="Draw").click()
    expect(page.locator("figure.chart svg rect")).to_have_count(3)
    axe(page)
    page.get_by_role("link", name="Next rows").click()
    expect(page.get_by_text("Rows 26 to 30 of 30")).to_be_visible()
    sign_in(page, env_official)
    page.goto(bad_url)
    expect(page.get_by_role("table")).to_contain_text("fewer values")
    axe(page)


def test_requests_usage_organisation_and_harvesting_pages_are_accessible(
    page, axe, sign_in, air, environment, paris_admin
):
    from plaza.data.operations import submit_request

    wanted = submit_request(
        actor=paris_admin, jurisdiction=air.jurisdiction, title="Street trees", description="For shade walks."
    )
    page.goto("/paris/data/")
    expect(page.get_by_role("heading", name="Browse by theme")).to_be_visible()
    axe(page)
    page.goto("/paris/data/requests/")
    expect(page.get_by_role("link", name="Street trees")).to_be_visible()
    axe(page)
    page.goto("/paris/data/air-quality/")
    page.goto("/paris/data/usage/")
    expect(page.get_by_role("table").first).to_contain_text("Air quality stations")
    axe(page)
    page.goto("/paris/data/organizations/environment/")
    axe(page)
    sign_in(page, paris_admin)
    page.goto("/paris/data/requests/new/")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    axe(page)
    page.goto(f"/paris/data/requests/{wanted.pk}/")
    page.locator("#id_status").select_option("declined")
    page.get_by_role("button", name="Publish the answer").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    axe(page)
    page.goto("/paris/data/harvest/")
    page.get_by_role("button", name="Add the catalogue").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    axe(page)
    page.goto("/paris/data/organizations/new/")
    axe(page)


def test_a_resident_asks_for_a_dataset_without_javascript(page_without_js, sign_in, paris, paris_admin):
    page = page_without_js
    sign_in(page, paris_admin)
    page.goto("/paris/data/requests/new/")
    page.get_by_label("What data would you like?").fill("Bus stop benches")
    page.get_by_label("Why does it matter?").fill("Older residents need places to rest.")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bus stop benches")


def test_the_network_portal_is_accessible(page, axe, air, metro):
    page.goto("/network/data/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data of the network")
    axe(page)
    page.get_by_role("link", name="Transport Department (Paris) (1)").click()  # the organisation facet
    expect(page.get_by_role("heading", level=2, name="1 dataset")).to_be_visible()
    expect(page.get_by_role("link", name="Air quality stations")).to_have_count(0)
    axe(page)
    page.get_by_role("link", name="Metro ridership").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Metro ridership")


def test_the_harvest_source_page_is_accessible(page, axe, sign_in, environment, paris_admin, settings):
    from plaza.data.operations import create_harvest_source

    settings.PLAZA_DATA_FETCH_ALLOW_PRIVATE = True  # no fetch happens: the address is only checked
    create_harvest_source(
        actor=paris_admin, jurisdiction=environment.jurisdiction, title="Elsewhere",
        url="http://127.0.0.1:9/catalog.rdf", kind="dcat", organization=environment,
    )  # fmt: skip
    sign_in(page, paris_admin)
    page.goto("/paris/data/harvest/")
    page.get_by_role("link", name="Change or remove Elsewhere").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Elsewhere")
    page.get_by_label("Name of the catalogue").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    axe(page)
    page.get_by_role("button", name="Remove Elsewhere").click()
    expect(page.get_by_text("No catalogue yet.")).to_be_visible()
