"""Browser-test harness: Playwright driving Debian's Chromium against the live server, with axe-core.

Registered as a pytest plugin in the root ``conftest.py``, so every app's ``tests/test_browser.py``
can use these fixtures without importing anything. Mark each browser test ``@pytest.mark.browser``
(``pytest -m "not browser"`` skips them; ``-m browser`` runs only them).

Fixtures
--------
``browser``
    Session-wide headless Chromium (``/usr/bin/chromium``, or ``$PLAZA_CHROMIUM``). Playwright never
    downloads a browser here.
``page``
    A fresh page in its own browser context (own cookies), JavaScript on, English, its ``base_url``
    set to pytest-django's ``live_server`` (so ``page.goto("/paris/")`` works). Requests anywhere
    else are blocked and fail the test (no CDN, no network in tests). Using it gives the
    test a ``transactional_db``: rows the test writes are visible to the live server's thread, and
    are flushed after the test. The live server serves static files (``django.contrib.staticfiles``
    is installed), so pages are styled as in production and colour contrast is really checked.
``page_without_js``
    The same with ``java_script_enabled=False``: every page must work this way (forms submit with a
    full page load).
``axe``
    ``axe(page)`` runs axe-core on the page as it is now and fails the test with a readable list of
    violations (rule, impact, help URL, the offending elements) if there is any.
    ``axe(page, exclude=["#swagger-ui"])`` leaves out third-party widgets (say why in the test).
``sign_in``
    ``sign_in(page, user)`` signs ``user`` in for that page's context by setting the session cookie
    made by ``Client.force_login`` (fast; the real sign-in form has its own test).

Example::

    @pytest.mark.browser
    def test_my_page(page, axe, sign_in, paris):
        sign_in(page, UserFactory())
        page.goto("/paris/my-app/")
        expect(page.get_by_role("heading", level=1)).to_have_text("My app")
        axe(page)
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect, sync_playwright

# Playwright's sync API keeps an asyncio event loop running in the test's thread (under a greenlet).
# Django sees that loop and refuses database calls from this thread ("async unsafe"), although the
# calls are synchronous and never run inside the loop. Tests only: the product never sets this.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Short enough that a missing element fails fast, long enough for a loaded 2-core machine.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    executable = os.environ.get("PLAZA_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"Browser tests need Chromium at {executable} (`make test-deps`, or set PLAZA_CHROMIUM).")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def _open_page(browser, live_server, **context_options):
    """A page that may only talk to the live server: tests never touch the network, pages use no CDN."""
    context = browser.new_context(base_url=live_server.url, locale="en", **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    outside = []

    def only_live_server(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_live_server)
    yield context.new_page()
    context.close()
    assert not outside, f"The page asked for resources outside Plaza (a CDN?): {outside}"


@pytest.fixture
def page(browser, live_server):
    yield from _open_page(browser, live_server)


@pytest.fixture
def page_without_js(browser, live_server):
    yield from _open_page(browser, live_server, java_script_enabled=False)


def axe_report(violations: list[dict]) -> str:
    """One paragraph per violated rule, with each offending element and what to fix."""
    lines = [f"{len(violations)} accessibility violation(s):"]
    for violation in violations:
        lines.append(f"\n[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"  - {', '.join(str(t) for t in node['target'])}: {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.extend(f"      {line}" for line in node["failureSummary"].splitlines())
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe():
    engine = Axe()

    def check(page, exclude: list[str] | None = None) -> None:
        context = {"exclude": [[selector] for selector in exclude]} if exclude else None
        violations = engine.run(page, context=context).response["violations"]
        assert not violations, f"{page.url}\n{axe_report(violations)}"

    return check


@pytest.fixture
def sign_in(live_server):
    def sign_in_user(page, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return sign_in_user
