"""Reporting with only an e-mail address: held unpublished, published by the mailed link, no account created."""

import io
import re
import time
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled
from PIL import Image

from plaza.core.models import Attachment, User
from plaza.reports import operations
from plaza.reports.models import DailyStat, PendingReport, Report

PIXEL6_PHOTO = Path(__file__).parent / "data" / "pixel6_gps.jpg"
FORM = {"category": "pothole", "location": "37.5665, 126.9780", "description": "A hole near City Hall"}


@pytest.fixture
def send(client, component, pothole, committed):
    def send(**fields):
        with committed():
            return client.post("/seoul/reports/new/", FORM | {"email": "minji@example.org"} | fields)

    return send


def _link(message) -> str:
    return re.search(r"http://\S+/seoul/reports/confirm/\S+/", message.body).group(0).split("127.0.0.1:8000", 1)[-1]


def test_the_form_asks_an_e_mail_address_of_visitors_only(client, component, pothole, resident):
    assert "Your e-mail address" in client.get("/seoul/reports/new/").content.decode()
    client.force_login(resident)
    assert "Your e-mail address" not in client.get("/seoul/reports/new/").content.decode()


def test_the_report_waits_for_the_link_then_is_published_once(client, send, committed):
    users = User.objects.count()
    response = send()
    assert response.status_code == 200 and "Check your e-mail" in response.content.decode()
    with scopes_disabled():
        assert not Report.objects.exists() and PendingReport.objects.count() == 1
    assert client.get("/seoul/reports/").content.decode().count("A hole near City Hall") == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["minji@example.org"]
    link = _link(mail.outbox[0])
    page = client.get(link)  # opening the link (a mail scanner too) publishes nothing
    assert page.status_code == 200 and "Publish my report" in page.content.decode()
    with scopes_disabled():
        assert not Report.objects.exists()
    with committed():
        response = client.post(link)
    with scopes_disabled():
        report = Report.objects.get()
        assert DailyStat.objects.get().reported == 1
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.reporter is None and report.reporter_email == "minji@example.org"
    assert User.objects.count() == users  # no account created
    page = client.get(report.get_absolute_url()).content.decode()
    assert "A hole near City Hall" in page and "minji@example.org" not in page
    for export in ("/seoul/reports/export/reports.csv", f"/seoul/open311/v2/requests/{report.pk}.json"):
        answer = client.get(export)
        text = b"".join(answer.streaming_content if answer.streaming else [answer.content]).decode()
        assert answer.status_code == 200 and "minji@example.org" not in text and "A hole near City Hall" in text
    assert client.post(link)["Location"] == report.get_absolute_url()  # again: the same report
    with scopes_disabled():
        assert Report.objects.count() == 1


def test_an_expired_link_publishes_nothing(client, send):
    send()
    link = _link(mail.outbox[0])
    later = time.time() + 49 * 3600
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.post(link)
    assert response.status_code == 400 and "This link has expired" in response.content.decode()
    with scopes_disabled():
        assert not Report.objects.exists()


def test_a_tampered_link_publishes_nothing(client, send):
    send()
    response = client.post(_link(mail.outbox[0]).replace("/confirm/", "/confirm/x"))
    assert response.status_code == 400 and "This link is not valid" in response.content.decode()
    with scopes_disabled():
        assert not Report.objects.exists()


def test_a_link_for_another_jurisdiction_is_refused(client, send):
    from plaza.core.tests.factories import JurisdictionFactory

    JurisdictionFactory(slug="busan", name="Busan")
    send()
    response = client.post(_link(mail.outbox[0]).replace("/seoul/", "/busan/"))
    assert response.status_code == 400
    with scopes_disabled():
        assert not Report.objects.exists()


def test_a_bad_address_is_shown_next_to_the_field_and_nothing_is_written(send):
    response = send(email="not an address")
    assert response.status_code == 400 and "Enter a valid email address." in response.content.decode()
    with scopes_disabled():
        assert not PendingReport.objects.exists()
    assert not mail.outbox


def test_at_most_five_reports_an_hour_from_one_address(send):
    for _ in range(5):
        assert send().status_code == 200
    response = send()
    assert response.status_code == 400 and "Too many reports from this address" in response.content.decode()


def test_a_component_that_asks_verification_takes_no_e_mail_reports(client, component, pothole):
    component.settings = {"report_verification_level": 1}
    with scopes_disabled():
        component.save()
    assert "Your e-mail address" not in client.get("/seoul/reports/new/").content.decode()
    with pytest.raises(Exception, match="Sign in"):
        operations.request_report_by_email(
            component=component, category=pothole, description="x", address="Somewhere", email="a@example.org"
        )


def test_the_reporter_is_told_of_public_changes_by_e_mail(client, send, committed, roads_official):
    send()
    client.post(_link(mail.outbox[0]))
    with scopes_disabled():
        report = Report.objects.get()
    client.force_login(roads_official)
    assert "minji@example.org" in client.get(report.get_absolute_url()).content.decode()  # staff may write back
    with committed():
        operations.change_status(actor=roads_official, report=report, status="acknowledged", note="Crew on the way")
        operations.add_note(actor=roads_official, report=report, body="Internal only", is_public=False)
    told = [m for m in mail.outbox if m.to == ["minji@example.org"]][1:]
    assert len(told) == 1 and "Crew on the way" in told[0].body and "Acknowledged" in told[0].body


def _segments(jpeg: bytes) -> list[bytes]:
    """The JPEG's marker segments up to the image data, read without Pillow (APPn names and payload heads)."""
    found, at = [], 2
    while at < len(jpeg) and jpeg[at] == 0xFF and jpeg[at + 1] != 0xDA:
        length = int.from_bytes(jpeg[at + 2 : at + 4], "big")
        found.append(bytes([jpeg[at + 1]]) + jpeg[at + 4 : at + 4 + 30])
        at += 2 + length
    return found


def phone_photo() -> bytes:
    """A decodable JPEG carrying, byte for byte, a Pixel 6's EXIF (with GPS), XMP and ICC blocks.

    The phone's own file in Pillow's test data is cut short (its pixels do not decode), so its metadata
    segments go onto a small picture of our own.
    """
    with Image.open(PIXEL6_PHOTO) as phone:
        blocks = {"exif": phone.info["exif"], "xmp": phone.info["xmp"], "icc_profile": phone.info["icc_profile"]}
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "gray").save(out, format="JPEG", **blocks)
    return out.getvalue()


def test_a_phone_photo_loses_its_position_and_stays_private_until_published(client, send, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    original = phone_photo()
    with Image.open(io.BytesIO(original)) as photo:
        assert photo.getexif()[0x0110] == "Pixel 6"
        assert photo.getexif().get_ifd(0x8825)[2] == (30.0, 37.0, 39.54)  # the photo does carry a position
        assert "xmp" in photo.info
    send(photos=[SimpleUploadedFile("pixel6.jpg", original, content_type="image/jpeg")])
    with scopes_disabled():
        attachment = Attachment.objects.get()
    stored = Path(attachment.file.path).read_bytes()
    assert not [s for s in _segments(stored) if s[0] == 0xE1]  # no APP1: neither EXIF nor XMP
    assert b"Exif\x00\x00" not in stored and b"ns.adobe.com/xap" not in stored and b"GPS" not in stored
    with Image.open(io.BytesIO(stored)) as published:
        assert published.size == (64, 48) and not published.getexif()
    download = f"/seoul/attachments/{attachment.pk}/"
    assert client.get(download).status_code == 404  # not published yet: private
    client.post(_link(mail.outbox[0]))
    assert client.get(download).status_code == 200
