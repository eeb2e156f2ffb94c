"""Bulk milestone progress from a CSV keyed by external ids: dry run, line-numbered errors, all or nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from plaza.accountability import progress_import
from plaza.accountability.models import ProgressUpdate
from plaza.accountability.operations import post_progress_update, start_progress_import
from plaza.accountability.tests.factories import ActionPlanFactory, CommitmentFactory, MilestoneFactory
from plaza.core.models import AuditEntry, Job
from plaza.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
HEADER = "commitment,milestone,status,percentage,narrative,links"


def _csv(*lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("progress.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv")


@pytest.fixture
def keyed(milestone):
    """The fixture milestone keyed C-1/M-1, and a second one M-2 of the same commitment."""
    with scopes_disabled():
        commitment = milestone.commitment
        commitment.external_id = "C-1"
        commitment.save()
        milestone.external_id = "M-1"
        milestone.save()
        MilestoneFactory(commitment=commitment, position=2, external_id="M-2")
    return milestone


def test_check_reports_every_problem_with_its_line(paris, keyed, madrid):
    with scopes_disabled():
        other = CommitmentFactory(plan=ActionPlanFactory(jurisdiction=madrid), external_id="C-1")
        MilestoneFactory(commitment=other, external_id="M-9")
        for n in range(3, 8):
            MilestoneFactory(commitment=keyed.commitment, position=n, external_id=f"M-{n}")
        report = progress_import.check(
            "\n".join(
                [
                    HEADER,
                    "C-1,M-1,substantial,60,Half done,https://example.org/a.pdf",
                    "C-1,M-1,limited,10,Again,",
                    "C-1,M-9,complete,100,Madrid's milestone,",
                    "C-1,M-2,complete,80,Not quite,",
                    "C-1,M-3,rushed,50,x,",
                    "C-1,M-4,limited,lots,x,",
                    "C-1,M-5,limited,10,,",
                    "C-1,M-6,limited,10,x,not-a-link",
                    "C-1,M-7,limited",
                ]
            ),
            paris,
        )
    lines = [line for line, _message in report.errors]
    assert lines == [3, 4, 5, 6, 7, 8, 9, 10]
    messages = dict(report.errors)
    assert "already appears on line 2" in messages[3]
    assert "M-9" in messages[4]  # another jurisdiction's milestone is unknown here
    assert "100% done" in messages[5] and "not started, limited" in messages[6]
    assert "whole number" in messages[7] and "required" in messages[8] and "Expected 6 cells" in messages[10]
    assert len(report.rows) == 1


def test_header_problems_are_on_line_one(paris):
    assert progress_import.check("commitment,status\n", paris).errors[0][0] == 1
    assert "colour" in progress_import.check(HEADER + ",colour\n", paris).errors[0][1]


def test_dry_run_changes_nothing_and_fills_the_progress_bar(paris, keyed, official, media, run_jobs):
    job = run_jobs(
        start_progress_import,
        actor=official,
        jurisdiction=paris,
        upload=_csv(HEADER, "C-1,M-1,substantial,60,Half done,", "C-1,M-2,not_started,0,Later,"),
        dry_run=True,
    )
    with scopes_disabled():
        job.refresh_from_db()
        assert job.status == Job.Status.SUCCEEDED and job.progress_done == job.progress_total == 2
        assert job.result["rows"] == 2 and job.result["applied"] is False and job.result["dry_run"] is True
        assert not ProgressUpdate.objects.exists()


def test_import_is_all_or_nothing_and_supersedes_the_current_update(paris, keyed, official, media, run_jobs):
    with scopes_disabled():
        earlier = post_progress_update(
            actor=official, milestone=keyed, side="government", status="limited", percentage=20, narrative="Started"
        )
    bad = run_jobs(
        start_progress_import,
        actor=official,
        jurisdiction=paris,
        upload=_csv(HEADER, "C-1,M-1,substantial,60,Half done,", "C-1,M-3,limited,10,x,"),
        dry_run=False,
    )
    with scopes_disabled():
        bad.refresh_from_db()
        assert bad.result["applied"] is False and bad.result["errors"][0]["line"] == 3
        assert bad.progress_done == bad.progress_total == 4  # the bar ends full: nothing will be written
        assert ProgressUpdate.objects.count() == 1
    good = run_jobs(
        start_progress_import,
        actor=official,
        jurisdiction=paris,
        upload=_csv(
            HEADER, "C-1,M-1,substantial,60,Half done,https://example.org/a.pdf", "", "C-1,M-2,complete,100,Done,"
        ),
        dry_run=False,
    )
    with scopes_disabled():
        good.refresh_from_db()
        assert good.result["applied"] is True and good.result["rows"] == 2
        assert good.progress_done == good.progress_total == 6  # 3 lines checked, then written
        latest = ProgressUpdate.objects.get(milestone=keyed, superseded_by__isnull=True)
        assert latest.supersedes == earlier and latest.percentage == 60
        assert latest.links == ["https://example.org/a.pdf"] and latest.author == official
        assert AuditEntry.objects.filter(action="progress_update.import", is_public=True).count() == 1
        keyed.commitment.refresh_from_db()
        assert (keyed.commitment.milestone_count, keyed.commitment.completion) == (2, 80)  # (60 + 100) / 2, kept


def test_a_closed_plan_takes_no_progress(paris, keyed, official, media, run_jobs):
    with scopes_disabled():
        plan = keyed.commitment.plan
        plan.status = "closed"
        plan.save()
    job = run_jobs(
        start_progress_import,
        actor=official,
        jurisdiction=paris,
        upload=_csv(HEADER, "C-1,M-1,substantial,60,Half done,"),
        dry_run=False,
    )
    with scopes_disabled():
        job.refresh_from_db()
        assert "being implemented" in job.result["errors"][0]["message"]
        assert not ProgressUpdate.objects.exists()


def test_only_officials_import_progress(paris, partner, media):
    for actor in (partner, UserFactory()):
        with pytest.raises(PermissionDenied):
            start_progress_import(actor=actor, jurisdiction=paris, upload=_csv(HEADER), dry_run=True)
    with scopes_disabled():
        assert not Job.objects.exists()


def test_import_pages_start_the_job_and_show_the_report(
    client, paris, keyed, official, media, settings, django_capture_on_commit_callbacks
):
    settings.PLAZA_JOB_BACKEND = "inline"
    assert client.get("/paris/accountability/progress/import/").status_code == 302
    client.force_login(official)
    assert "Import milestone progress" in client.get("/paris/accountability/").content.decode()
    assert client.post("/paris/accountability/progress/import/", {}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/paris/accountability/progress/import/",
            {"file": _csv(HEADER, "C-1,M-1,substantial,60,Half done,", "C-1,M-3,limited,10,x,"), "dry_run": "on"},
        )
    assert response.status_code == 302 and "/progress/import/" in response.url
    report = client.get(response.url).content.decode()
    assert "Progress import" in report and "1 problem found: nothing was changed." in report
    assert "<td>3</td>" in report
    with scopes_disabled():
        assert not ProgressUpdate.objects.exists()
