"""Back-office and account pages in a real browser: axe-core finds no accessibility violation."""

import pytest
from playwright.sync_api import expect

from plaza.core.tenancy import across_jurisdictions
from plaza.core.tests.factories import ComponentFactory, PhaseFactory, ProcessFactory

pytestmark = [pytest.mark.browser]

SIGNED_IN_PAGES = [
    "/paris/manage/",
    "/paris/manage/processes/",
    "/paris/manage/processes/new/",
    "/paris/manage/processes/climate/",
    "/paris/manage/processes/climate/phases/{phase}/",
    "/paris/manage/processes/climate/components/new/",
    "/paris/manage/processes/climate/steps/",
    "/paris/manage/roles/",
    "/paris/manage/settings/",
    "/paris/manage/jobs/",
    "/paris/manage/moderation/",
    "/account/api-tokens/",
    "/account/notifications/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
]


def test_backoffice_and_account_pages_pass_axe(page, axe, sign_in, paris, paris_admin):
    with across_jurisdictions():
        process = ProcessFactory(jurisdiction=paris, slug="climate", title="Climate plan")
        phase = PhaseFactory(process=process, title="Ideas")
        ComponentFactory(process=process, title="About")
    sign_in(page, paris_admin)
    for url in SIGNED_IN_PAGES:
        response = page.goto(url.format(phase=phase.pk))
        assert response.status == 200, url
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        axe(page)


def test_sign_in_pages_pass_axe(page, axe, db):
    for url in ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:
        assert page.goto(url).status == 200
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        axe(page)


def test_backoffice_and_account_pages_work_without_js(page_without_js, sign_in, paris, paris_admin):
    page = page_without_js
    with across_jurisdictions():
        process = ProcessFactory(jurisdiction=paris, slug="climate", title="Climate plan")
        phase = PhaseFactory(process=process, title="Ideas")
    sign_in(page, paris_admin)
    for url in SIGNED_IN_PAGES:
        assert page.goto(url.format(phase=phase.pk)).status == 200, url
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
    # A whole back-office task with full page loads: create a process, with a mistake first.
    page.goto("/paris/manage/processes/new/")
    page.get_by_label("Title", exact=False).first.fill("Budget 2027")
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Address")
    page.get_by_label("Address", exact=False).first.fill("budget-2027")
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Budget 2027")
