"""Attachments: checked types and sizes, GPS metadata stripped, downloads only where the public may look."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from plaza.core.models import Attachment, AuditEntry
from plaza.core.operations.attachments import attach_file, remove_attachment
from plaza.core.tests.factories import ProcessFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo_with_gps() -> bytes:
    image = Image.new("RGB", (32, 24), "green")
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x0132] = "2026:01:02 03:04:05"  # DateTime
    exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 8.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def process(paris, unscoped):
    return ProcessFactory(jurisdiction=paris, title="Climate plan")


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_attach_a_pdf_stores_it_under_a_random_name_and_audits(paris_admin, process, media):
    attachment = attach_file(actor=paris_admin, target=process, upload=upload("Plan Climat.pdf", PDF), title="Plan")
    assert attachment.mime_type == "application/pdf" and attachment.size == len(PDF)
    assert attachment.file.name.startswith(f"attachments/j{process.jurisdiction_id}/")
    assert "Plan" not in attachment.file.name and attachment.original_name == "Plan Climat.pdf"
    assert (media / attachment.file.name).read_bytes() == PDF
    assert attachment.target == process
    assert AuditEntry.objects.filter(action="attachment.create", target_id=str(process.pk)).exists()


def test_exif_and_gps_are_stripped_from_photos(paris_admin, process, media):
    original = photo_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the test photo does carry a position
    attachment = attach_file(actor=paris_admin, target=process, upload=upload("walk.jpg", original), title="Walk")
    stored = (media / attachment.file.name).read_bytes()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (32, 24)
        assert not image.getexif().get_ifd(GPS_IFD)
        assert len(image.getexif()) == 0
        assert "exif" not in image.info
    assert b"Camera maker" not in stored
    assert attachment.size == len(stored)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("run.exe", b"MZ\x90\x00", "cannot be attached"),
        ("notes.pdf", b"just text, not a PDF", "does not match"),
        ("photo.png", PDF, "does not match"),
        ("data.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "does not match"),
        ("empty.txt", b"", "empty"),
        ("broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "could not be read"),
    ],
)
def test_refused_uploads_say_why_and_write_nothing(paris_admin, process, media, name, content, message):
    with pytest.raises(ValidationError) as refused:
        attach_file(actor=paris_admin, target=process, upload=upload(name, content), title="Something")
    assert message in " ".join(refused.value.message_dict["upload"])
    assert not Attachment.objects.exists()
    assert not list(media.rglob("*.*"))


def test_size_limit_comes_from_the_setting(paris_admin, process, settings):
    settings.PLAZA_ATTACHMENT_MAX_BYTES = 20
    with pytest.raises(ValidationError) as refused:
        attach_file(actor=paris_admin, target=process, upload=upload("plan.pdf", PDF), title="Plan")
    assert "too large" in refused.value.message_dict["upload"][0] and "20" in refused.value.message_dict["upload"][0]


def test_csv_text_is_accepted_and_a_title_is_required(paris_admin, process):
    csv = "barrio,árboles\nCentro,12\n".encode()
    assert attach_file(actor=paris_admin, target=process, upload=upload("trees.csv", csv), title="Trees").size > 0
    with pytest.raises(ValidationError) as refused:
        attach_file(actor=paris_admin, target=process, upload=upload("trees.csv", csv), title="  ")
    assert "title" in refused.value.message_dict


def test_only_the_jurisdictions_officials_attach_by_default(process, madrid_admin):
    for outsider in (madrid_admin, UserFactory()):
        with pytest.raises(PermissionDenied):
            attach_file(actor=outsider, target=process, upload=upload("plan.pdf", PDF), title="Plan")
    assert not Attachment.objects.exists()


def test_download_serves_public_attachments_of_the_jurisdiction(client, paris_admin, process, madrid, unscoped):
    attachment = attach_file(actor=paris_admin, target=process, upload=upload("plan.pdf", PDF), title="Plan")
    response = client.get(f"/paris/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert 'attachment; filename="plan.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/madrid/attachments/{attachment.pk}/").status_code == 404  # another jurisdiction's


def test_attachments_of_unpublished_content_stay_private(client, paris_admin, paris, unscoped):
    draft = ProcessFactory(jurisdiction=paris, is_published=False)
    attachment = attach_file(actor=paris_admin, target=draft, upload=upload("draft.pdf", PDF), title="Draft")
    assert client.get(f"/paris/attachments/{attachment.pk}/").status_code == 404
    client.force_login(paris_admin)
    assert client.get(f"/paris/attachments/{attachment.pk}/").status_code == 200


def test_officials_remove_an_attachment_its_file_goes_and_the_audit_log_keeps_what_it_was(
    paris_admin, madrid_admin, process, media, django_capture_on_commit_callbacks
):
    attachment = attach_file(actor=paris_admin, target=process, upload=upload("list.pdf", PDF), title="Sign-in sheet")
    pk, stored = attachment.pk, media / attachment.file.name
    for outsider in (madrid_admin, UserFactory()):
        with pytest.raises(PermissionDenied):
            remove_attachment(actor=outsider, attachment=attachment)
    assert Attachment.objects.filter(pk=pk).exists() and stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        remove_attachment(actor=paris_admin, attachment=attachment, reason=" Names of residents ")
    assert not Attachment.objects.filter(pk=pk).exists() and not stored.exists()
    entry = AuditEntry.objects.get(action="attachment.remove")
    assert (entry.target_id, entry.reason) == (str(process.pk), "Names of residents")
    assert entry.data == {"attachment": pk, "title": "Sign-in sheet", "original_name": "list.pdf", "size": len(PDF)}


def test_a_component_action_can_let_residents_attach(process, unscoped):
    from plaza.core.components import ComponentManifest, PermissionAction, registry
    from plaza.core.tests.factories import ComponentStepFactory, PhaseFactory

    registry.register(
        ComponentManifest(
            name="photo-test", label="Reports", actions=(PermissionAction("photo", "Add a photo", "comment"),)
        )
    )
    try:
        step = ComponentStepFactory(
            phase=PhaseFactory(process=process), component__manifest_name="photo-test", actions=["comment"]
        )
        resident = UserFactory()
        photo = upload("street.png", _png())
        attachment = attach_file(
            actor=resident, target=process, upload=photo, title="Street", component=step.component, action="photo"
        )
        assert attachment.uploaded_by == resident and attachment.mime_type == "image/png"
        step.actions = []
        step.save()
        with pytest.raises(PermissionDenied):
            attach_file(
                actor=resident, target=process, upload=photo, title="Again", component=step.component, action="photo"
            )
    finally:
        registry.unregister("photo-test")


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (4, 4), (255, 0, 0, 128)).save(out, format="PNG")
    return out.getvalue()
