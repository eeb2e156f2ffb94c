"""Shared services' pages in a real browser: search, SDG goals, the map, comments (with and without JS)."""

import pytest
from playwright.sync_api import expect

from plaza.core.models import Process
from plaza.core.operations.sdg import set_sdg_tags
from plaza.core.sdg import load_sdg_taxonomy
from plaza.core.tests.factories import (
    ComponentStepFactory,
    JurisdictionFactory,
    PhaseFactory,
    ProcessFactory,
    RoleGrantFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def gauteng(unscoped):
    """Gauteng with two located cities and an open process whose phase allows comments."""
    province = JurisdictionFactory(slug="gauteng", name="Gauteng", kind="province", latitude=-26.2, longitude=28.0)
    JurisdictionFactory(slug="johannesburg", name="Johannesburg", parent=province, latitude=-26.2, longitude=28.04)
    JurisdictionFactory(slug="tshwane", name="Tshwane", parent=province, latitude=-25.74, longitude=28.19)
    process = ProcessFactory(
        jurisdiction=province, slug="transit", title="Mapping minibus taxi routes", description="Participación abierta"
    )
    ComponentStepFactory(phase=PhaseFactory(process=process, title="Mapping"), actions=["comment"])
    return province


def test_search_finds_a_process_without_accents_and_is_accessible(page, axe, gauteng):
    page.goto("/gauteng/")
    page.get_by_role("searchbox").first.fill("participacion")
    page.get_by_role("searchbox").first.press("Enter")
    expect(page.get_by_role("link", name="Mapping minibus taxi routes")).to_be_visible()
    axe(page)
    page.goto("/search/?q=minibus")
    expect(page.get_by_role("link", name="Mapping minibus taxi routes")).to_be_visible()
    axe(page)


def test_sdg_pages_list_goals_and_tagged_content(page, axe, gauteng):
    admin = UserFactory()
    RoleGrantFactory(jurisdiction=gauteng, user=admin)
    load_sdg_taxonomy()  # browser tests flush the tables the data migration filled
    set_sdg_tags(actor=admin, content=Process.objects.get(slug="transit"), goals=[11])
    page.goto("/gauteng/sdg/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe(page)
    page.goto("/gauteng/sdg/11/")
    expect(page.get_by_role("link", name="Mapping minibus taxi routes")).to_be_visible()
    axe(page)


def test_map_draws_the_places_and_lists_them_without_js(page, page_without_js, axe, gauteng):
    page.goto("/gauteng/")
    expect(page.locator(".leaflet-container")).to_be_visible()
    axe(page)
    page_without_js.goto("/gauteng/")
    expect(page_without_js.get_by_role("link", name="Tshwane").first).to_be_visible()
    expect(page_without_js.locator(".leaflet-container")).to_have_count(0)


def test_a_comment_is_published_in_place_with_js(page, axe, sign_in, gauteng):
    sign_in(page, UserFactory(public_name="Thabo"))
    page.goto("/gauteng/processes/transit/")
    page.locator("form.comment-form textarea").fill("Route 12 stops at the clinic too.")
    page.get_by_role("button", name="Publish comment").click()
    expect(page.get_by_role("article").filter(has_text="Route 12 stops at the clinic too.")).to_be_visible()
    expect(page.get_by_role("article").filter(has_text="Thabo")).to_be_visible()
    axe(page)


def test_a_comment_is_published_without_js_and_errors_are_shown(page_without_js, axe, sign_in, gauteng):
    page = page_without_js
    sign_in(page, UserFactory(public_name="Lerato"))
    page.goto("/gauteng/processes/transit/")
    page.get_by_role("button", name="Publish comment").click()
    expect(page.get_by_role("alert")).to_be_visible()
    page.goto("/gauteng/processes/transit/")
    page.locator("form.comment-form textarea").fill("Fares went up in March.")
    page.get_by_role("button", name="Publish comment").click()
    expect(page.get_by_role("article").filter(has_text="Fares went up in March.")).to_be_visible()


def test_open_data_downloads_page_is_accessible_and_works_without_js(page, page_without_js, axe, gauteng):
    page.goto("/gauteng/export/")
    axe(page)  # axe-core needs JavaScript; the no-JS check below is about the links themselves
    page_without_js.goto("/gauteng/export/")
    expect(page_without_js.get_by_role("heading", level=1)).to_have_text("Open data downloads")
    link = page_without_js.get_by_role("link", name="CSV (Processes)")
    response = page_without_js.request.get(link.get_attribute("href"))
    assert response.ok and "Mapping minibus taxi routes" in response.text()
