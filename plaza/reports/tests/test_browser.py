"""Civic report pages in a real browser: axe-core finds nothing, and reporting works without JavaScript."""

import re
from pathlib import Path

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from plaza.reports.models import Report
from plaza.reports.stats import rebuild_daily_stats
from plaza.reports.tests.factories import AnswerTemplateFactory, ReportFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def some_reports(component, pothole, resident):
    with scopes_disabled():
        AnswerTemplateFactory(category=pothole, title="Scheduled")
        made = [
            ReportFactory(category=pothole, component=component, reporter=resident, description="Hole near City Hall"),
            ReportFactory(category=pothole, component=component, description="Fixed hole", status="fixed"),
        ]
        rebuild_daily_stats(component.jurisdiction)  # factories write rows only; the list counts from the figures
        return made


def test_the_list_and_a_report(page, axe, some_reports):
    page.goto("/seoul/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Civic reports")
    axe(page)
    page.get_by_role("link", name=f"#{some_reports[0].pk} Pothole").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pothole")
    axe(page)


def test_reporting_without_javascript(page_without_js, sign_in, some_reports, neighbour):
    page = page_without_js
    sign_in(page, neighbour)
    page.goto("/seoul/reports/new/")
    page.get_by_label("Category").first.select_option("pothole")
    page.locator("#id_location").fill("37.5665, 126.9780")
    page.get_by_role("button", name="Check nearby").click()
    expect(page.get_by_role("heading", name="Open reports of this kind nearby")).to_be_visible()
    expect(page.get_by_text("Hole near City Hall")).to_be_visible()
    page.locator("#report_category").select_option("pothole")
    page.locator("#report_location").fill("37.5700, 126.9800")
    page.locator("#report_description").fill("Another hole further up the road")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pothole")
    expect(page.get_by_text("Another hole further up the road")).to_be_visible()
    with scopes_disabled():
        assert Report.objects.filter(reporter=neighbour).count() == 1


def test_a_refused_report_shows_the_error_summary(page, axe, sign_in, some_reports, neighbour):
    sign_in(page, neighbour)
    page.goto("/seoul/reports/new/")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    axe(page)
    page.goto("/seoul/reports/new/?category=pothole&location=37.5665%2C+126.9780")
    expect(page.get_by_text("Hole near City Hall")).to_be_visible()
    axe(page)  # axe-core runs in the page: this is the nearby step, checked with JavaScript on


def test_picking_the_location_on_the_map_fills_the_field(page, some_reports):
    page.goto("/seoul/reports/new/")
    picker = page.locator(".pick-map")
    expect(picker).to_be_visible()
    picker.click()
    expect(page.locator("#id_location")).to_have_value(re.compile(r"^3\d\.\d{5}, 12\d\.\d{5}$"))
    expect(page.locator("#report_location")).to_have_value(re.compile(r"^3\d\.\d{5}, 12\d\.\d{5}$"))


def test_staff_pages(page, axe, sign_in, some_reports, roads_official, seoul_admin):
    sign_in(page, roads_official)
    page.goto(some_reports[0].get_absolute_url())
    expect(page.get_by_role("heading", name="Handle this report")).to_be_visible()
    axe(page)
    page.goto("/seoul/reports/manage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff inbox")
    axe(page)
    sign_in(page, seoul_admin)
    page.goto("/seoul/reports/manage/categories/")
    axe(page)
    page.goto("/seoul/reports/manage/areas/")
    axe(page)


def test_the_dashboards(page, axe, sign_in, some_reports, seoul_admin, roads_official):
    from plaza.reports import operations

    operations.change_status(actor=roads_official, report=some_reports[0], status="acknowledged")
    page.goto("/seoul/reports/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("How fast the city answers")
    expect(page.get_by_role("img", name="Average hours to fix, per category")).to_be_visible()
    axe(page)
    sign_in(page, seoul_admin)
    page.goto("/seoul/reports/manage/dashboard/?period=week")
    expect(page.get_by_role("heading", name="By department")).to_be_visible()
    axe(page)


def test_reporting_with_only_an_e_mail_address_without_javascript(page_without_js, some_reports, live_server):
    from django.core import mail

    page = page_without_js
    page.goto("/seoul/reports/new/")
    page.locator("#report_category").select_option("pothole")
    page.locator("#report_location").fill("37.5700, 126.9800")
    page.locator("#report_description").fill("Broken kerb by the bus stop")
    page.get_by_label("Your e-mail address").fill("visitor@example.org")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    link = re.search(r"/seoul/reports/confirm/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Publish my report").click()
    expect(page.get_by_text("Broken kerb by the bus stop")).to_be_visible()


def test_the_e_mail_steps_pass_axe(page, axe, some_reports):
    from django.core import mail

    page.goto("/seoul/reports/new/")
    page.locator("#report_category").select_option("pothole")
    page.locator("#report_location").fill("37.5700, 126.9800")
    page.locator("#report_description").fill("Broken kerb")
    page.get_by_label("Your e-mail address").fill("visitor@example.org")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    axe(page)
    page.goto(re.search(r"/seoul/reports/confirm/\S+/", mail.outbox[-1].body).group(0))
    axe(page)
    page.goto("/seoul/reports/confirm/not-a-token/")
    page.get_by_role("button", name="Publish my report").click()
    expect(page.get_by_role("alert")).to_contain_text("This link is not valid")
    axe(page)


def test_reopening_by_the_mailed_link(page, axe, component, pothole):
    from plaza.reports.operations import reopen_link_token

    with scopes_disabled():
        report = ReportFactory(
            category=pothole, component=component, reporter=None, reporter_email="minji@example.org", status="fixed"
        )
    page.goto(f"/seoul/reports/reopen/{reopen_link_token(report)}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reopen your report")
    axe(page)
    page.get_by_role("button", name="Reopen the report").click()
    expect(page.get_by_role("alert")).to_be_visible()  # no reason given: the summary and the field say so
    axe(page)
    page.get_by_label("Why is the problem not solved?").fill("The hole is back after the rain")
    page.get_by_role("button", name="Reopen the report").click()
    expect(page.get_by_text("The hole is back after the rain")).to_be_visible()
    with scopes_disabled():
        assert Report.objects.get(pk=report.pk).status == "open"


def test_staff_download_a_photos_original_from_the_report_page(
    page, axe, sign_in, component, pothole, resident, roads_official, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from plaza.reports.operations import submit_report
    from plaza.reports.tests.test_email_reports import phone_photo
    from plaza.reports.tests.test_operations import SEOUL_CITY_HALL

    settings.MEDIA_ROOT = tmp_path / "media"
    sent = phone_photo()
    report = submit_report(
        actor=resident,
        component=component,
        category=pothole,
        description="Hole with a photo",
        point=SEOUL_CITY_HALL,
        photos=(SimpleUploadedFile("pixel6.jpg", sent, content_type="image/jpeg"),),
    )
    page.goto(report.get_absolute_url())
    expect(page.get_by_role("link", name=re.compile("Original of"))).to_have_count(0)
    sign_in(page, roads_official)
    page.goto(report.get_absolute_url())
    link = page.get_by_role("link", name=re.compile("Original of"))
    expect(link).to_be_visible()
    axe(page)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "pixel6.jpg"
    assert Path(download.value.path()).read_bytes() == sent
