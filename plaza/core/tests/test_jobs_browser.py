"""The job page in a real browser: it polls with htmx until the job is done, and axe finds nothing."""

import threading

import pytest
from django.conf import settings as django_settings
from django.db import connection

from plaza.core.models import Job
from plaza.core.tenancy import across_jurisdictions
from plaza.core.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def finish_in_another_thread(job: Job) -> None:
    def finish():
        Job.objects.with_scopes_disabled().filter(pk=job.pk).update(status="succeeded", progress_done=4)
        connection.close()

    worker = threading.Thread(target=finish)
    worker.start()
    worker.join()


def test_the_job_page_updates_itself_and_is_accessible(live_server, client, paris):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    owner = UserFactory()
    with across_jurisdictions():
        job = Job.objects.create(
            jurisdiction=paris, kind="tests.slow", created_by=owner, status="running", progress_done=1, progress_total=4
        )
    client.force_login(owner)
    cookie = {"name": django_settings.SESSION_COOKIE_NAME, "value": client.cookies["sessionid"].value}
    address = f"{live_server.url}/paris/jobs/{job.pk}/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        context = browser.new_context()
        context.add_cookies([{**cookie, "url": live_server.url}])
        page = context.new_page()
        page.goto(address)
        assert page.locator("#job-status").inner_text().count("1 of 4 done") == 1
        violations = Axe().run(page).response["violations"]
        assert violations == [], [v["id"] for v in violations]
        finish_in_another_thread(job)  # the ORM refuses to run beside Playwright's event loop
        page.wait_for_selector("text=4 of 4 done", timeout=8000)  # swapped in by the poll, no reload
        assert "Succeeded" in page.locator("#job-status").inner_text()
        browser.close()
