"""Reporting at a typed address in a real browser: the question among several places, without JavaScript, axe-clean."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from plaza.reports.models import Report

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("gazetteer")
def test_a_typed_address_with_two_places_asks_which_one_without_javascript(
    page_without_js, sign_in, component, pothole, neighbour, jung_gu
):
    page = page_without_js
    sign_in(page, neighbour)
    page.goto("/seoul/reports/new/")
    page.locator("#report_category").select_option("pothole")
    page.locator("#report_location").fill("Supyo-ro 1")
    page.locator("#report_description").fill("Broken paving stones")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("alert")).to_contain_text("Several places match “Supyo-ro 1”: choose one below.")
    question = page.get_by_role("group", name="Which place do you mean?")
    question.get_by_label("Supyo-ro 1, Jung-gu, Seoul").check()
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pothole")
    expect(page.get_by_text("Supyo-ro 1, Jung-gu, Seoul")).to_be_visible()
    with scopes_disabled():
        report = Report.objects.get(reporter=neighbour)
    assert (report.latitude, report.longitude, report.area) == (37.5640, 126.9900, jung_gu)


@pytest.mark.usefixtures("gazetteer")
def test_the_question_and_the_report_are_accessible(page, axe, sign_in, component, pothole, neighbour):
    sign_in(page, neighbour)
    page.goto("/seoul/reports/new/?category=pothole&location=Supyo-ro+1")
    expect(page.get_by_role("group", name="Which place do you mean?")).to_be_visible()
    axe(page)
    page.get_by_role("group", name="Which place do you mean?").get_by_label("Supyo-ro 1, Jongno-gu, Seoul").check()
    page.get_by_role("button", name="Check nearby").click()
    expect(page.get_by_text("No open report of this kind within 200 metres")).to_be_visible()
    page.locator("#report_category").select_option("pothole")
    page.locator("#report_description").fill("Loose kerb")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("Supyo-ro 1, Jongno-gu, Seoul")).to_be_visible()
    axe(page)
