"""A photo's original (EXIF location and all) is kept privately: the handling staff read it, audited; nobody else."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scopes_disabled
from PIL import Image

from plaza.core.models import Attachment, AuditEntry
from plaza.core.operations.accounts import delete_account
from plaza.reports import operations
from plaza.reports.models import OriginalPhoto, PendingReport, Report
from plaza.reports.tests.test_email_reports import FORM, _link, phone_photo
from plaza.reports.tests.test_operations import SEOUL_CITY_HALL

GPS, MODEL = 0x8825, 0x0110


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sent_photo() -> bytes:
    return phone_photo()  # a Pixel 6's EXIF with its GPS position, XMP and ICC


@pytest.fixture
def report(component, pothole, resident, sent_photo, committed):
    with committed():
        return operations.submit_report(
            actor=resident,
            component=component,
            category=pothole,
            description="A deep pothole.",
            point=SEOUL_CITY_HALL,
            photos=(SimpleUploadedFile("pixel6.jpg", sent_photo, content_type="image/jpeg"),),
        )


def _photo(report) -> Attachment:
    with scopes_disabled():
        return Attachment.objects.get(object_id=report.pk)


def _original_url(report, photo) -> str:
    return f"/seoul/reports/{report.pk}/photos/{photo.pk}/original/"


def _reads() -> list[AuditEntry]:
    with scopes_disabled():
        return list(AuditEntry.objects.filter(action="report.photo.original"))


def test_the_handling_department_gets_the_original_bytes_with_exif_and_the_read_is_logged(
    client, report, sent_photo, roads_official
):
    photo = _photo(report)
    client.force_login(roads_official)
    response = client.get(_original_url(report, photo))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == sent_photo  # byte for byte as the phone sent it
    with Image.open(io.BytesIO(body)) as original:
        assert original.getexif()[MODEL] == "Pixel 6" and original.getexif().get_ifd(GPS)[2] == (30.0, 37.0, 39.54)
    assert response["Content-Type"] == "image/jpeg" and "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    [read] = _reads()
    assert read.actor_id == roads_official.pk and read.data == {"attachment": photo.pk} and not read.is_public


def test_the_public_sees_only_the_stripped_copy(client, report, roads_official):
    photo = _photo(report)
    public = client.get(f"/seoul/attachments/{photo.pk}/")
    assert public.status_code == 200
    with Image.open(io.BytesIO(b"".join(public.streaming_content))) as copy:
        assert not copy.getexif().get_ifd(GPS) and MODEL not in copy.getexif()
    page = client.get(report.get_absolute_url()).content.decode()
    assert "/original/" not in page
    client.force_login(roads_official)
    assert _original_url(report, photo) in client.get(report.get_absolute_url()).content.decode()


def test_an_admin_reads_it_too(client, report, seoul_admin):
    client.force_login(seoul_admin)
    assert client.get(_original_url(report, _photo(report))).status_code == 200
    assert len(_reads()) == 1


def test_visitors_residents_the_reporter_and_other_departments_are_refused_and_nothing_is_logged(
    client, report, resident, neighbour, cleaning_official
):
    url = _original_url(report, _photo(report))
    assert client.get(url).status_code == 403
    for person in (resident, neighbour, cleaning_official):  # the reporter too: staff handle originals
        client.force_login(person)
        assert client.get(url).status_code == 403
    assert _reads() == []


def test_an_unknown_photo_or_report_is_not_found(client, report, roads_official, component, pothole, committed):
    client.force_login(roads_official)
    photo = _photo(report)
    assert client.get(f"/seoul/reports/{report.pk}/photos/{photo.pk + 99}/original/").status_code == 404
    assert client.get(f"/seoul/reports/{report.pk + 99}/photos/{photo.pk}/original/").status_code == 404
    with committed():  # another report's photo is not reached through this one
        other = operations.submit_report(
            actor=roads_official, component=component, category=pothole, description="Another.", point=SEOUL_CITY_HALL
        )
    assert client.get(f"/seoul/reports/{other.pk}/photos/{photo.pk}/original/").status_code == 404
    assert _reads() == []


def test_the_original_is_kept_outside_media_root_and_has_no_address(report, settings):
    with scopes_disabled():
        original = OriginalPhoto.objects.get()
    path = Path(original.file.path)
    assert path.is_file() and Path(settings.PLAZA_PRIVATE_MEDIA_ROOT) in path.parents
    assert Path(settings.MEDIA_ROOT) not in path.parents
    with pytest.raises(ValueError):
        original.file.url  # noqa: B018 - no URL can be made for it


def test_the_reporter_erasing_their_account_deletes_the_original_not_the_public_copy(
    report, resident, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        path = Path(OriginalPhoto.objects.get().file.path)
    with django_capture_on_commit_callbacks(execute=True):
        delete_account(actor=resident, user=resident)
    with scopes_disabled():
        assert not OriginalPhoto.objects.exists()
        assert Path(_photo(report).file.path).is_file()  # the report keeps its stripped photo
    assert not path.exists()


def test_deleting_a_report_deletes_its_original_file(report, django_capture_on_commit_callbacks):
    with scopes_disabled():
        path = Path(OriginalPhoto.objects.get().file.path)
        with django_capture_on_commit_callbacks(execute=True):
            Report.objects.filter(pk=report.pk).delete()
    assert not path.exists()


def _send_by_email(client, sent_photo, committed):
    upload = SimpleUploadedFile("pixel6.jpg", sent_photo, content_type="image/jpeg")
    with committed():
        client.post("/seoul/reports/new/", FORM | {"email": "minji@example.org", "photos": [upload]})


def test_an_e_mailed_report_keeps_its_original_from_the_start_and_hands_it_to_the_report(
    client, component, pothole, sent_photo, committed, roads_official
):
    from django.core import mail

    _send_by_email(client, sent_photo, committed)
    with scopes_disabled():
        held = OriginalPhoto.objects.get()
        assert held.pending_id == PendingReport.objects.get().pk and held.report_id is None
    with committed():
        client.post(_link(mail.outbox[0]))
    with scopes_disabled():
        report = Report.objects.get()
        assert OriginalPhoto.objects.get().report_id == report.pk
    client.force_login(roads_official)
    response = client.get(_original_url(report, _photo(report)))
    assert b"".join(response.streaming_content) == sent_photo


def test_purging_an_unconfirmed_report_deletes_its_original(
    client, component, pothole, sent_photo, committed, seoul, django_capture_on_commit_callbacks
):
    _send_by_email(client, sent_photo, committed)
    with scopes_disabled():
        path = Path(OriginalPhoto.objects.get().file.path)
        now = timezone.now()
        PendingReport.objects.update(created_at=now - timedelta(days=3), expires_at=now - timedelta(minutes=1))
    assert path.is_file()
    with django_capture_on_commit_callbacks(execute=True):
        assert operations.purge_unconfirmed_reports(seoul) == 1
    with scopes_disabled():
        assert not OriginalPhoto.objects.exists() and not Attachment.objects.exists()
    assert not path.exists()
