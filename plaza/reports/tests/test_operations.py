"""Reporting, "me too", routing and the staff workflow, through the operations."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled
from PIL import Image

from plaza.core.geo import Point
from plaza.core.models import Attachment, AuditEntry, Notification
from plaza.reports import operations
from plaza.reports.models import Report, Status, Support, Update
from plaza.reports.tests.factories import AnswerTemplateFactory, box

SEOUL_CITY_HALL = Point(37.5665, 126.9780)
GANGNAM = Point(37.4979, 127.0276)


def jpeg_with_gps() -> SimpleUploadedFile:
    image = Image.new("RGB", (8, 8), "red")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (37.0, 33.0, 59.0)}  # GPSInfo
    data = io.BytesIO()
    image.save(data, format="JPEG", exif=exif)
    return SimpleUploadedFile("pothole.jpg", data.getvalue(), content_type="image/jpeg")


def submit(component, category, actor, **options):
    defaults = {"description": "A deep pothole.", "point": SEOUL_CITY_HALL}
    return operations.submit_report(actor=actor, component=component, category=category, **(defaults | options))


def test_a_report_is_routed_to_its_category_department_and_area(
    component, pothole, jung_gu, resident, roads_official, committed
):
    with committed():
        report = submit(component, pothole, resident)
    with scopes_disabled():
        assert (report.department, report.area, report.status) == ("Roads", jung_gu, Status.OPEN)
        assert AuditEntry.objects.filter(action="report.create", target_id=str(report.pk)).exists()
        assert [u.kind for u in report.updates.all()] == ["created"]
        # The department's officials are told; the reporter follows their report.
        assert Notification.objects.filter(recipient=roads_official, event="report.created").count() == 1


def test_a_point_outside_every_area_is_refused_and_nothing_written(component, pothole, jung_gu, resident):
    with pytest.raises(ValidationError) as refused:
        submit(component, pothole, resident, point=GANGNAM)
    assert "outside every area" in refused.value.message_dict["location"][0]
    with scopes_disabled():
        assert not Report.objects.exists()


def test_without_areas_a_report_has_no_area_and_an_address_is_enough(component, pothole, resident):
    report = submit(component, pothole, resident, point=None, address="Sejong-daero 110")
    assert report.area is None and report.address == "Sejong-daero 110" and report.latitude is None


def test_a_report_needs_a_place_and_a_description(component, pothole, resident):
    with pytest.raises(ValidationError) as refused:
        submit(component, pothole, resident, point=None, address="", description=" ")
    assert set(refused.value.message_dict) == {"description"}
    with pytest.raises(ValidationError) as refused:
        submit(component, pothole, resident, point=None, address="")
    assert set(refused.value.message_dict) == {"location"}


def test_an_inactive_or_foreign_category_is_refused(component, pothole, resident):
    pothole.is_active = False
    with scopes_disabled():
        pothole.save()
    with pytest.raises(ValidationError):
        submit(component, pothole, resident)


def test_signing_in_is_needed_to_report(component, pothole):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        submit(component, pothole, AnonymousUser())


def test_photos_lose_their_exif_location(component, pothole, resident, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = submit(component, pothole, resident, photos=(jpeg_with_gps(),))
    with scopes_disabled():
        photo = Attachment.objects.get(object_id=report.pk)
        with Image.open(photo.file.path) as stored:
            assert not stored.getexif().get(0x8825)


def test_a_file_that_is_not_an_image_writes_nothing(component, pothole, resident, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("photo.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(ValidationError) as refused:
        submit(component, pothole, resident, photos=(fake,))
    assert "photos" in refused.value.message_dict
    with scopes_disabled():
        assert not Report.objects.exists() and not Attachment.objects.exists()
    assert not list(tmp_path.rglob("*.jpg"))


def test_me_too_once_per_account(component, pothole, resident, neighbour):
    report = submit(component, pothole, resident)
    operations.support_report(actor=neighbour, report=report)
    with pytest.raises(ValidationError, match="already"):
        operations.support_report(actor=neighbour, report=report)
    with pytest.raises(ValidationError, match="yourself"):
        operations.support_report(actor=resident, report=report)
    with scopes_disabled():
        assert Support.objects.count() == 1
        assert Report.objects.get(pk=report.pk).supporters_count == 1


def test_staff_move_a_report_along_the_table_and_the_reporter_is_told(
    component, pothole, resident, roads_official, committed
):
    report = submit(component, pothole, resident)
    with committed():
        operations.change_status(actor=roads_official, report=report, status="acknowledged", note="On our list.")
        operations.change_status(actor=roads_official, report=report, status="fixed")
    with scopes_disabled():
        report.refresh_from_db()
        assert report.status == "fixed" and report.acknowledged_at and report.fixed_at
        assert Notification.objects.filter(recipient=resident, event="report.status").count() == 2
        entry = AuditEntry.objects.filter(action="report.status").latest("id")
        assert entry.is_public and entry.data == {"from": "acknowledged", "to": "fixed", "close_reason": ""}


@pytest.mark.parametrize(("start", "target"), [("open", "open"), ("fixed", "closed"), ("closed", "in_progress")])
def test_transitions_outside_the_table_are_refused(component, pothole, resident, roads_official, start, target):
    report = submit(component, pothole, resident)
    with scopes_disabled():
        Report.objects.filter(pk=report.pk).update(status=start, close_reason="duplicate" if start == "closed" else "")
        report.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        operations.change_status(actor=roads_official, report=report, status=target, close_reason="duplicate")
    assert "cannot become" in refused.value.message_dict["status"][0]


def test_closing_needs_a_reason(component, pothole, resident, roads_official):
    report = submit(component, pothole, resident)
    with pytest.raises(ValidationError) as refused:
        operations.change_status(actor=roads_official, report=report, status="closed")
    assert "close_reason" in refused.value.message_dict
    operations.change_status(actor=roads_official, report=report, status="closed", close_reason="referred")
    assert report.close_reason == "referred"


def test_another_department_cannot_touch_the_report(component, pothole, resident, cleaning_official):
    report = submit(component, pothole, resident)
    with pytest.raises(PermissionDenied):
        operations.change_status(actor=cleaning_official, report=report, status="acknowledged")
    with pytest.raises(PermissionDenied):
        operations.add_note(actor=cleaning_official, report=report, body="Not us", is_public=True)
    with scopes_disabled():
        assert Report.objects.get(pk=report.pk).status == "open"


def test_assigning_to_someone_outside_the_department_is_refused(
    component, pothole, resident, roads_official, cleaning_official
):
    report = submit(component, pothole, resident)
    with pytest.raises(ValidationError):
        operations.assign_report(actor=roads_official, report=report, assignee=cleaning_official)
    operations.assign_report(actor=roads_official, report=report, assignee=roads_official)
    assert report.assignee == roads_official


def test_notes_public_or_internal_and_templates(component, pothole, resident, roads_official, committed):
    report = submit(component, pothole, resident)
    with scopes_disabled():
        template = AnswerTemplateFactory(category=pothole, body="A crew comes this week.")
    with committed():
        operations.add_note(actor=roads_official, report=report, is_public=True, template=template)
        operations.add_note(actor=roads_official, report=report, body="Needs the big truck.", is_public=False)
    with scopes_disabled():
        public = list(Update.objects.filter(report=report, is_public=True).values_list("body", flat=True))
        assert "A crew comes this week." in public and "Needs the big truck." not in public
        # Only the public answer reaches the reporter.
        assert Notification.objects.filter(recipient=resident, event="report.note").count() == 1


def test_only_the_reporter_reopens_a_fixed_report(component, pothole, resident, neighbour, roads_official, committed):
    report = submit(component, pothole, resident)
    with pytest.raises(ValidationError):
        operations.reopen_report(actor=resident, report=report, reason="Still there")
    operations.change_status(actor=roads_official, report=report, status="fixed")
    with pytest.raises(PermissionDenied):
        operations.reopen_report(actor=neighbour, report=report, reason="Still there")
    with committed():
        operations.reopen_report(actor=resident, report=report, reason="Still there")
    with scopes_disabled():
        report.refresh_from_db()
        assert report.status == "open" and report.fixed_at is None
        assert Notification.objects.filter(recipient=roads_official, event="report.reopened").count() == 1


def test_areas_are_uploaded_as_geojson_and_bad_files_change_nothing(seoul, seoul_admin, resident):
    import json

    good = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "Jongno-gu"}, "geometry": box(126.95, 37.57, 127.02, 37.60)}
        ],
    }
    areas = operations.upload_areas(actor=seoul_admin, jurisdiction=seoul, geojson=json.dumps(good))
    assert [a.name for a in areas] == ["Jongno-gu"]
    open_ring = {"type": "Polygon", "coordinates": [[[126.9, 37.5], [127.0, 37.5], [127.0, 37.6], [126.9, 37.6]]]}
    bad = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"name": "Mapo-gu"}, "geometry": open_ring}],
    }
    with pytest.raises(ValidationError, match="end where it starts"):
        operations.upload_areas(actor=seoul_admin, jurisdiction=seoul, geojson=json.dumps(bad))
    with pytest.raises(ValidationError, match="not valid JSON"):
        operations.upload_areas(actor=seoul_admin, jurisdiction=seoul, geojson="{nope")
    with pytest.raises(PermissionDenied):
        operations.upload_areas(actor=resident, jurisdiction=seoul, geojson=json.dumps(good))


def test_categories_are_an_admins_and_their_promises_are_consistent(seoul, seoul_admin, roads_official):
    category = operations.save_category(
        actor=seoul_admin,
        jurisdiction=seoul,
        code="pothole",
        name="Pothole",
        department="Roads",
        acknowledge_hours=24,
        fix_hours=72,
    )
    assert category.department == "Roads"
    with pytest.raises(ValidationError):
        operations.save_category(
            actor=seoul_admin,
            jurisdiction=seoul,
            code="pothole",
            name="Pothole",
            department="Roads",
            acknowledge_hours=72,
            fix_hours=24,
        )
    with pytest.raises(PermissionDenied):
        operations.save_category(actor=roads_official, jurisdiction=seoul, code="x", name="X", department="Roads")


def test_a_blocked_account_reports_nothing(component, pothole, seoul, resident):
    from plaza.core.models import BlockedAccount

    with scopes_disabled():
        BlockedAccount.objects.create(jurisdiction=seoul, user=resident, reason="Abuse")
    with pytest.raises(PermissionDenied, match="blocked your account"):
        submit(component, pothole, resident)
    with scopes_disabled():
        assert not Report.objects.exists()
