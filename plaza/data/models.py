"""Organisations publish datasets; datasets hold resources; every metadata save is a version."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plaza.core.tenancy import TenantManager, TenantModel
from plaza.data.vocabularies import Frequency, Theme


class Organization(TenantModel):
    """A department that publishes datasets; officials whose grant names it are its members."""

    name = models.SlugField(_("short name"), max_length=100)
    title = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "name"], name="data_organization_name_once")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("data:catalogue", kwargs={"jurisdiction": self.jurisdiction.slug}) + f"?organization={self.name}"


class Dataset(TenantModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PRIVATE = "private", _("Private to its organisation")
        PUBLIC = "public", _("Public")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.SlugField(_("short name"), max_length=100, help_text=_("Part of the dataset's address."))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="datasets", verbose_name=_("publisher")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    licence_id = models.CharField(_("licence"), max_length=40)
    contact_name = models.CharField(_("contact name"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"))
    temporal_start = models.DateField(_("covers from"), null=True, blank=True)
    temporal_end = models.DateField(_("covers until"), null=True, blank=True)
    spatial = models.CharField(_("area covered"), max_length=200, blank=True)
    frequency = models.CharField(
        _("update frequency"), max_length=12, choices=Frequency.choices, default=Frequency.UNKNOWN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "name"], name="data_dataset_name_once"),
            models.CheckConstraint(
                condition=Q(temporal_start__isnull=True)
                | Q(temporal_end__isnull=True)
                | Q(temporal_end__gte=models.F("temporal_start")),
                name="data_dataset_temporal_in_order",
            ),
            models.CheckConstraint(condition=Q(state__in=["draft", "private", "public"]), name="data_dataset_state"),
        ]
        indexes = [models.Index(fields=["jurisdiction", "state"], name="data_dataset_state_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.state == self.State.PUBLIC

    def get_absolute_url(self) -> str:
        return reverse("data:dataset", kwargs={"jurisdiction": self.jurisdiction.slug, "dataset": self.name})


class DatasetTheme(TenantModel):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="themes")
    code = models.CharField(max_length=12, choices=Theme.choices)

    objects = TenantManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dataset", "code"], name="data_theme_once")]


class DatasetKeyword(TenantModel):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="keywords")
    name = models.CharField(max_length=100)

    objects = TenantManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dataset", "name"], name="data_keyword_once")]
        indexes = [models.Index(fields=["jurisdiction", "name"], name="data_keyword_name_idx")]


class Resource(TenantModel):
    """A file of a dataset: uploaded (a core attachment) or a link to elsewhere, never both."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    format = models.CharField(_("format"), max_length=20)
    url = models.URLField(_("link"), max_length=500, blank=True)
    attachment = models.ForeignKey("core.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & Q(attachment__isnull=False)) | (~Q(url="") & Q(attachment__isnull=True)),
                name="data_resource_file_or_link",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_public_content(self) -> bool:
        return self.dataset.is_public

    def get_absolute_url(self) -> str:
        return reverse(
            "data:resource",
            kwargs={"jurisdiction": self.jurisdiction.slug, "dataset": self.dataset.name, "resource": self.uuid},
        )

    def download_url(self) -> str:
        if self.attachment_id:
            return reverse(
                "core:attachment_download",
                kwargs={"jurisdiction": self.jurisdiction.slug, "attachment": self.attachment_id},
            )
        return self.url


class DatasetVersion(TenantModel):
    """The dataset's metadata and resources as saved once: a JSON snapshot, never changed."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "number"], name="data_version_number_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="data_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset} v{self.number}"
