"""Attaching files to content (and taking them off): checked type and size, image metadata stripped, random names."""

import io
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from plaza.core.audit import record
from plaza.core.content import jurisdiction_of
from plaza.core.models import Attachment, ComponentInstance, Role
from plaza.core.permissions import component_action_allowed, require_role
from plaza.core.tenancy import jurisdiction_scope

# Extension -> the type its content must be sniffed as. Nothing executable, nothing a browser runs.
ALLOWED_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
    ".txt": "text/plain",
}
TEXT_TYPES = {"text/csv", "text/plain"}  # no magic number: accepted when no binary type is sniffed and UTF-8 decodes
IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    original_name: str
    extension: str
    mime_type: str


def _read(upload, limit: int) -> bytes:
    """At most limit + 1 bytes: enough to tell that a file is too large without reading all of it."""
    upload.seek(0)
    chunks, size = [], 0
    for chunk in upload.chunks():
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            break
    return b"".join(chunks)


def _sniffed_type(content: bytes, expected: str) -> str | None:
    kind = filetype.guess(content)
    if expected in TEXT_TYPES:
        if kind is not None or b"\x00" in content:
            return None
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return expected
    return kind.mime if kind is not None else None


def check_upload(upload) -> CheckedUpload:
    """The upload's bytes if its extension, content and size are acceptable; else a translated ValidationError."""
    if upload is None or not getattr(upload, "name", ""):
        raise ValidationError({"upload": _("Choose a file to attach.")}, code="required")
    name = PurePath(upload.name).name
    extension = PurePath(name).suffix.lower()
    expected = ALLOWED_TYPES.get(extension)
    if expected is None:
        allowed = ", ".join(sorted({e.lstrip(".") for e in ALLOWED_TYPES}))
        raise ValidationError(
            {"upload": _("Files of this type cannot be attached. Allowed types: %(types)s.") % {"types": allowed}},
            code="type",
        )
    limit = settings.PLAZA_ATTACHMENT_MAX_BYTES
    content = _read(upload, limit)
    if not content:
        raise ValidationError({"upload": _("The file is empty.")}, code="empty")
    if len(content) > limit:
        raise ValidationError(
            {"upload": _("The file is too large: the limit is %(limit)s.") % {"limit": filesizeformat(limit)}},
            code="size",
        )
    if _sniffed_type(content, expected) != expected:
        raise ValidationError(
            {"upload": _("The file's content does not match its extension “%(ext)s”.") % {"ext": extension}},
            code="content",
        )
    if expected in IMAGE_FORMATS:
        content = strip_image_metadata(content, IMAGE_FORMATS[expected])
    return CheckedUpload(content=content, original_name=name[:255], extension=extension, mime_type=expected)


def strip_image_metadata(content: bytes, image_format: str) -> bytes:
    """Re-encode an image without EXIF (GPS position, camera, time), XMP or comments; keeps its orientation."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != image_format:
                raise ValidationError({"upload": _("The image could not be read.")}, code="image")
            upright = ImageOps.exif_transpose(image)
            for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile"):
                upright.info.pop(key, None)
            output = io.BytesIO()
            options = {"quality": 90} if image_format in {"JPEG", "WEBP"} else {}
            upright.save(output, format=image_format, **options)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as unreadable:
        raise ValidationError({"upload": _("The image could not be read.")}, code="image") from unreadable
    return output.getvalue()


def _check_permission(actor, target: models.Model, component: ComponentInstance | None, action: str | None) -> None:
    if component is not None and action:
        allowed, why = component_action_allowed(actor, component, action)
        if not allowed:
            raise PermissionDenied(why)
        return
    require_role(actor, jurisdiction_of(target), Role.ADMIN, Role.OFFICIAL)


def attach_file(
    *,
    actor,
    target: models.Model,
    upload,
    title: str,
    component: ComponentInstance | None = None,
    action: str | None = None,
) -> Attachment:
    """Attach an uploaded file to any content of a jurisdiction.

    Who may: by default the jurisdiction's admins and officials. A component letting residents
    attach files (a photo on a report) passes its `component` and the manifest `action` name
    that governs it; the phase and verification rules of that action then decide.
    """
    _check_permission(actor, target, component, action)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the attachment a title.")}, code="required")
    checked = check_upload(upload)
    jurisdiction = jurisdiction_of(target)
    attachment = Attachment(
        jurisdiction=jurisdiction,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        title=title[:200],
        original_name=checked.original_name,
        mime_type=checked.mime_type,
        size=len(checked.content),
        uploaded_by=actor,
    )
    attachment.file.save(f"upload{checked.extension}", ContentFile(checked.content), save=False)
    try:
        with transaction.atomic(), jurisdiction_scope(jurisdiction):
            attachment.save()
            record(
                jurisdiction=jurisdiction,
                actor=actor,
                action="attachment.create",
                target=target,
                data={"attachment": attachment.pk, "title": attachment.title, "size": attachment.size},
            )
    except Exception:
        attachment.file.delete(save=False)  # no file without its row
        raise
    return attachment


def remove_attachment(*, actor, attachment: Attachment, reason: str = "") -> None:
    """Take a file off its content (the wrong file, or one carrying what it should not): the row goes, and the
    stored file once the transaction commits; the audit log keeps its title, file name, size and the reason.

    Who may: the jurisdiction's admins and officials (a component's own rules may ask more before calling).
    """
    jurisdiction = attachment.jurisdiction
    require_role(actor, jurisdiction, Role.ADMIN, Role.OFFICIAL)
    name, storage = attachment.file.name, attachment.file.storage
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        target = attachment.target
        record(
            jurisdiction=jurisdiction,
            actor=actor,
            action="attachment.remove",
            target=target if target is not None else attachment,
            reason=(reason or "").strip(),
            data={
                "attachment": attachment.pk,
                "title": attachment.title,
                "original_name": attachment.original_name,
                "size": attachment.size,
            },
        )
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(name))
