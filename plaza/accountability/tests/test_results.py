"""Results for anything: sent through core links, updated by officials, photos, and the CSV import job."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django_scopes import scopes_disabled

from plaza.accountability import results_import
from plaza.accountability.models import Result, ResultUpdate
from plaza.accountability.operations import (
    add_commitment_evidence,
    add_result_milestone,
    add_result_photo,
    parse_money,
    start_results_import,
    update_result,
)
from plaza.accountability.tests.factories import ResultFactory
from plaza.core.models import Attachment, AuditEntry, Job
from plaza.core.operations.links import send_to
from plaza.core.tests.factories import ComponentFactory, ProcessFactory, UserFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def receiver(paris, unscoped):
    return ComponentFactory(process__jurisdiction=paris, manifest_name="accountability", title="Action plan")


@pytest.fixture
def winner(paris, unscoped):
    """Any content: a published process stands in for a winning budget project."""
    return ProcessFactory(jurisdiction=paris, title="New playground in Belleville")


def _csv(*lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("results.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv")


def test_a_winner_sent_to_a_tracked_result_appears_on_the_results_page(client, paris_admin, receiver, winner):
    with scopes_disabled():
        link = send_to(actor=paris_admin, source=winner, component=receiver, kind="result")
    result = link.target
    assert isinstance(result, Result) and result.title == "New playground in Belleville"
    text = client.get("/paris/accountability/results/").content.decode()
    assert "New playground in Belleville" in text and winner.get_absolute_url() in text
    assert winner.get_absolute_url() in client.get(result.get_absolute_url()).content.decode()


def test_officials_update_results_and_history_is_kept(paris, official, unscoped):
    result = ResultFactory(jurisdiction=paris)
    update_result(actor=official, result=result, status="in_progress", progress=40, budget_spent_minor=12_500_050)
    update_result(actor=official, result=result, status="completed", progress=100, note="Opened")
    result.refresh_from_db()
    assert result.status == "completed" and result.budget_spent == Decimal("125000.50")
    assert ResultUpdate.objects.filter(result=result).count() == 2
    assert AuditEntry.objects.filter(action="result.update", is_public=True).count() == 2
    with pytest.raises(ValidationError) as refused:
        update_result(actor=official, result=result, status="completed", progress=90)
    assert "progress" in refused.value.message_dict
    with pytest.raises(ValidationError):
        update_result(actor=official, result=result, status="done", progress=90)
    with pytest.raises(PermissionDenied):
        update_result(actor=UserFactory(), result=result, status="in_progress", progress=10)
    assert ResultUpdate.objects.filter(result=result).count() == 2


def test_the_database_refuses_incoherent_results(paris, unscoped):
    ResultFactory(jurisdiction=paris, external_id="A")
    for bad in (
        {"external_id": "A"},
        {"status": "completed", "progress": 50},
        {"budget_spent_minor": -1},
        {"currency": "eu"},
        {"progress": 101},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Result.objects.create(jurisdiction=paris, title="x", **{"external_id": "B", **bad})


def test_money_is_parsed_to_minor_units_without_floats():
    assert parse_money("1234.5") == 123450 and parse_money(" 98 000 ") == 9_800_000 and parse_money("") is None
    for bad in ("-1", "1.234", "abc", "NaN", "1e30"):
        with pytest.raises(ValueError):
            parse_money(bad)


def test_photos_and_milestones_of_a_result(client, paris, official, media, unscoped):
    result = ResultFactory(jurisdiction=paris)
    add_result_milestone(
        actor=official, result=result, title="Works tendered", due_date=__import__("datetime").date(2026, 3, 1)
    )
    add_result_photo(actor=official, result=result, upload=SimpleUploadedFile("site.pdf", PDF), title="Site plan")
    with pytest.raises(PermissionDenied):
        add_result_photo(actor=UserFactory(), result=result, upload=SimpleUploadedFile("x.pdf", PDF), title="x")
    text = client.get(result.get_absolute_url()).content.decode()
    assert "Works tendered" in text and "Site plan" in text


def test_evidence_files_by_officials_and_partners_not_residents(commitment, official, partner, receiver, media):
    with scopes_disabled():
        add_commitment_evidence(
            actor=official, commitment=commitment, upload=SimpleUploadedFile("a.pdf", PDF), title="Law"
        )
        add_commitment_evidence(
            actor=partner, commitment=commitment, upload=SimpleUploadedFile("b.pdf", PDF), title="Audit"
        )
        with pytest.raises(PermissionDenied):
            add_commitment_evidence(
                actor=UserFactory(), commitment=commitment, upload=SimpleUploadedFile("c.pdf", PDF), title="No"
            )
        assert sorted(Attachment.objects.values_list("title", flat=True)) == ["Audit", "Law"]


def test_evidence_page_for_a_partner(client, commitment, partner, receiver, media):
    url = "/paris/accountability/plans/climate/commitments/1/evidence/"
    assert client.get(url).status_code == 302
    client.force_login(partner)
    assert "Add an evidence file" in client.get(commitment.get_absolute_url()).content.decode()
    bad = client.post(url, {"title": "Audit", "upload": SimpleUploadedFile("b.exe", b"MZ")})
    assert bad.status_code == 400 and "cannot be attached" in bad.content.decode()
    assert client.post(url, {"title": "Audit", "upload": SimpleUploadedFile("b.pdf", PDF)}).status_code == 302
    assert "Audit" in client.get(commitment.get_absolute_url()).content.decode()


# The CSV import


def test_check_reports_every_problem_with_its_line_and_writes_nothing(paris, unscoped):
    ResultFactory(jurisdiction=paris, external_id="PB-1")
    text = "\n".join(
        [
            "external_id,status,progress,budget_spent,note,title",
            "PB-1,in_progress,40,1000.50,ok,",
            "PB-404,in_progress,10,,,",
            "PB-1,completed,100,,,",
            "PB-2,finished,10,,,New one",
            "PB-3,completed,90,,,New one",
            "PB-4,in_progress,ten,,,New one",
            "PB-5,in_progress,10,12.345,,New one",
            "PB-6,in_progress,10",
        ]
    )
    report = results_import.check(text, paris)
    lines = {line: message for line, message in report.errors}
    assert sorted(lines) == [3, 4, 5, 6, 7, 8, 9]
    assert "PB-404" in lines[3] and "line 2" in lines[4] and "finished" in lines[5]
    assert "100%" in lines[6] and "ten" in lines[7] and "12.345" in lines[8] and "6" in lines[9]
    assert report.error_count == 7


def test_a_bad_header_is_reported_on_line_1(paris, unscoped):
    assert results_import.check("id,status\nPB-1,planned\n", paris).errors[0][0] == 1
    assert "colour" in results_import.check("external_id,status,progress,colour\n", paris).errors[0][1]


def test_dry_run_job_reports_what_would_change_and_changes_nothing(paris, official, media, run_jobs, unscoped):
    ResultFactory(jurisdiction=paris, external_id="PB-1")
    job = run_jobs(
        start_results_import,
        actor=official,
        jurisdiction=paris,
        upload=_csv("external_id,status,progress,title", "PB-1,in_progress,50,", "PB-2,planned,0,New square"),
        dry_run=True,
    )
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.progress_done == job.progress_total == 2
    assert job.result == {
        "dry_run": True,
        "applied": False,
        "rows": 2,
        "created": 1,
        "updated": 1,
        "errors": [],
        "error_count": 0,
    }
    assert Result.objects.count() == 1 and not ResultUpdate.objects.exists()


def test_import_job_is_all_or_nothing(paris, official, media, run_jobs, unscoped):
    ResultFactory(jurisdiction=paris, external_id="PB-1")
    bad = run_jobs(
        start_results_import,
        actor=official,
        jurisdiction=paris,
        upload=_csv("external_id,status,progress", "PB-1,in_progress,50", "PB-9,in_progress,50"),
        dry_run=False,
    )
    bad.refresh_from_db()
    assert bad.result["applied"] is False and bad.result["errors"][0]["line"] == 3
    assert Result.objects.get().status == "planned" and not ResultUpdate.objects.exists()
    good = run_jobs(
        start_results_import,
        actor=official,
        jurisdiction=paris,
        upload=_csv(
            "external_id,status,progress,budget_spent,title", "PB-1,completed,100,5000,", "PB-2,planned,0,,Square"
        ),
        dry_run=False,
    )
    good.refresh_from_db()
    assert good.result["applied"] is True and good.result["created"] == 1 and good.result["updated"] == 1
    assert good.progress_done == good.progress_total == 4  # the bar covers checking, then writing
    assert Result.objects.get(external_id="PB-1").budget_spent_minor == 500_000
    assert Result.objects.get(external_id="PB-2").title == "Square"
    assert ResultUpdate.objects.filter(import_job=good.pk).count() == 2
    assert AuditEntry.objects.filter(action="result.import", is_public=True).count() == 1


def test_import_stays_in_its_jurisdiction(paris, madrid, official, media, run_jobs, unscoped):
    ResultFactory(jurisdiction=madrid, external_id="MAD-1")
    job = run_jobs(
        start_results_import,
        actor=official,
        jurisdiction=paris,
        upload=_csv("external_id,status,progress", "MAD-1,completed,100"),
        dry_run=False,
    )
    job.refresh_from_db()
    assert "MAD-1" in job.result["errors"][0]["message"]
    assert Result.objects.get(external_id="MAD-1").status == "planned"


def test_only_officials_start_an_import_and_unreadable_files_are_refused(paris, official, media, unscoped):
    with pytest.raises(PermissionDenied):
        start_results_import(actor=UserFactory(), jurisdiction=paris, upload=_csv("external_id"), dry_run=True)
    latin1 = SimpleUploadedFile("r.csv", "external_id,status,progress\nÉ,planned,0\n".encode("latin-1"))
    with pytest.raises(ValidationError) as refused:
        start_results_import(actor=official, jurisdiction=paris, upload=latin1, dry_run=True)
    assert "UTF-8" in str(refused.value)
    assert not Job.objects.exists()


def test_import_pages_show_the_progress_and_the_report(client, paris, official, media, run_jobs):
    with scopes_disabled():
        ResultFactory(jurisdiction=paris, external_id="PB-1")
    assert client.get("/paris/accountability/results/import/").status_code == 302
    client.force_login(official)
    assert "Import or update results" in client.get("/paris/accountability/results/").content.decode()
    started = run_jobs(
        client.post,
        path="/paris/accountability/results/import/",
        data={"file": _csv("external_id,status,progress", "PB-1,in_progress,50", "PB-7,planned,0"), "dry_run": "on"},
    )
    assert started.status_code == 302
    report = client.get(started["Location"]).content.decode()
    assert "Dry run report" in report and "PB-7" in report and "<td>3</td>" in report
    fragment = client.get(started["Location"], HTTP_HX_REQUEST="true")
    assert fragment.status_code == 286
    missing = client.post("/paris/accountability/results/import/", {})
    assert missing.status_code == 400 and "This field is required" in missing.content.decode()


def test_result_update_form_and_exports(client, paris, official):
    with scopes_disabled():
        result = ResultFactory(jurisdiction=paris, title="Bike lanes", currency="EUR")
    url = f"/paris/accountability/results/{result.pk}/update/"
    assert client.get(url).status_code == 302
    client.force_login(official)
    bad = client.post(url, {"status": "completed", "progress": "80", "note": "Nearly"})
    assert bad.status_code == 400 and "A completed result is 100% done" in bad.content.decode()
    ok = client.post(url, {"status": "in_progress", "progress": "80", "budget_spent": "1500.25", "note": "Nearly"})
    assert ok.status_code == 302
    rows = json.loads(client.get("/paris/accountability/export/results.json").content)["rows"]
    assert rows[0]["budget_spent"] == "1500.25" and rows[0]["progress"] == 80
    assert client.get("/paris/accountability/results/999999/").status_code == 404


def test_results_api(client, paris, paris_admin, receiver, winner, madrid):
    with scopes_disabled():
        result = send_to(actor=paris_admin, source=winner, component=receiver, kind="result").target
        ResultFactory(jurisdiction=madrid, title="Madrid only")
    listed = client.get("/api/v1/accountability/paris/results").json()
    assert listed["count"] == 1 and listed["items"][0]["tracks"][0]["url"] == winner.get_absolute_url()
    one = client.get(f"/api/v1/accountability/paris/results/{result.pk}").json()
    assert one["status"] == "planned" and one["budget_spent"] is None
    with scopes_disabled():
        madrid_id = Result.objects.get(title="Madrid only").pk
    assert client.get(f"/api/v1/accountability/paris/results/{madrid_id}").status_code == 404
