"""The job page in a real browser: it polls with htmx until the job is done, and axe finds nothing."""

import threading

import pytest
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


def test_the_job_page_updates_itself_and_is_accessible(page, axe, sign_in, paris):
    owner = UserFactory()
    with across_jurisdictions():
        job = Job.objects.create(
            jurisdiction=paris, kind="tests.slow", created_by=owner, status="running", progress_done=1, progress_total=4
        )
    sign_in(page, owner)
    page.goto(f"/paris/jobs/{job.pk}/")
    assert page.locator("#job-status").inner_text().count("1 of 4 done") == 1
    axe(page)
    finish_in_another_thread(job)  # the ORM refuses to run beside Playwright's event loop
    page.wait_for_selector("text=4 of 4 done", timeout=8000)  # swapped in by the poll, no reload
    assert "Succeeded" in page.locator("#job-status").inner_text()
