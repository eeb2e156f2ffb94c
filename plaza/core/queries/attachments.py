"""Reading attachments: an object's list, and the one a download asks for."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from plaza.core.content import is_public_content, jurisdiction_of
from plaza.core.models import Attachment, Jurisdiction


def attachments_of(content: models.Model) -> list[Attachment]:
    return list(
        Attachment.objects.with_scope(jurisdiction=jurisdiction_of(content))
        .filter(content_type=ContentType.objects.get_for_model(content), object_id=content.pk)
        .select_related("jurisdiction")
    )


def downloadable_attachment(jurisdiction: Jurisdiction, pk: int, *, official: bool = False) -> Attachment | None:
    """The attachment if it belongs to `jurisdiction` and its content is public (or the reader is its official)."""
    found = (
        Attachment.objects.with_scope(jurisdiction=jurisdiction)
        .select_related("jurisdiction", "content_type")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        return None
    target = found.target
    if target is None or jurisdiction_of(target).pk != jurisdiction.pk:
        return None
    if not official and not is_public_content(target):
        return None
    return found
