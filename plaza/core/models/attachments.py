"""Attachments: documents and images attached to any object of a jurisdiction."""

import secrets
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plaza.core.tenancy import TenantManager, TenantModel


def attachment_path(instance: "Attachment", filename: str) -> str:
    """A random name under the jurisdiction's folder: the uploaded name never reaches the disk."""
    suffix = PurePath(filename).suffix.lower()
    return f"attachments/j{instance.jurisdiction_id}/{secrets.token_hex(16)}{suffix}"


class Attachment(TenantModel):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    mime_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_target")]
        constraints = [models.CheckConstraint(condition=models.Q(size__gt=0), name="attachment_not_empty")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")

    def get_absolute_url(self) -> str:
        return reverse(
            "core:attachment_download", kwargs={"jurisdiction": self.jurisdiction.slug, "attachment": self.pk}
        )
