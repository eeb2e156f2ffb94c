"""Back-office and account pages in a real browser: axe-core finds no accessibility violation."""

import os

import pytest

from plaza.core.tests.factories import ComponentFactory, PhaseFactory, ProcessFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(live_server):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        yield browser.new_page()
        browser.close()


def _violations(page, url: str) -> list:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(url)
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in Axe().run(page).response["violations"]]


def test_backoffice_and_account_pages_pass_axe(browser_page, live_server, client, paris, paris_admin, unscoped):
    process = ProcessFactory(jurisdiction=paris, slug="climate", title="Climate plan")
    phase = PhaseFactory(process=process, title="Ideas")
    ComponentFactory(process=process, title="About")
    client.force_login(paris_admin)
    browser_page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    base = live_server.url
    urls = [
        "/paris/manage/",
        "/paris/manage/processes/",
        "/paris/manage/processes/new/",
        "/paris/manage/processes/climate/",
        f"/paris/manage/processes/climate/phases/{phase.pk}/",
        "/paris/manage/processes/climate/components/new/",
        "/paris/manage/processes/climate/steps/",
        "/paris/manage/roles/",
        "/paris/manage/settings/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
    ]
    found = {url: _violations(browser_page, base + url) for url in urls}
    browser_page.context.clear_cookies()
    for url in ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:
        found[url] = _violations(browser_page, base + url)
    assert {url: v for url, v in found.items() if v} == {}
