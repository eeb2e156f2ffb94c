"""Organisations publish datasets; datasets hold resources; every metadata save is a version."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
        return reverse("data:organization", kwargs={"jurisdiction": self.jurisdiction.slug, "organization": self.name})


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
        # Newest first is the catalogue's default order: a page walks this index and stops after its rows.
        indexes = [models.Index(fields=["jurisdiction", "state", "-modified_at", "id"], name="data_dataset_newest_idx")]

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
        # "Has a CSV resource" (fq res_format:CSV, case-insensitive), asked of one dataset at a time.
        indexes = [models.Index(Upper("format"), "dataset", name="data_resource_format_idx")]
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

    def counted_download_url(self) -> str:
        """The portal's own download address: counts the download for the day, then redirects to the file."""
        return reverse(
            "data:resource_download",
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


class DatastoreTable(TenantModel):
    """A tabular resource loaded for querying: its inferred schema, load state and validation errors.

    Rows live in DatastoreRow as JSON (one table for every resource: no schema changes at run time); on
    PostgreSQL a GIN index (jsonb_path_ops) on the values serves equality filters on any column.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be loaded")
        LOADING = "loading", _("Loading")
        ACTIVE = "active", _("Loaded")
        INVALID = "invalid", _("Not loaded: the file has errors")
        FAILED = "failed", _("Not loaded: the file could not be read")

    resource = models.OneToOneField(Resource, on_delete=models.CASCADE, related_name="datastore")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    fields = models.JSONField(default=list)  # [{"id": name, "type": CKAN type}] in column order
    row_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)  # [{"row": n, "column": name, "message": text}], the first ones
    error_count = models.PositiveIntegerField(default=0)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    loaded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "loading", "active", "invalid", "failed"]),
                name="data_datastore_status",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(loaded_at__isnull=False), name="data_datastore_active_loaded"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def column_names(self) -> list[str]:
        return [f["id"] for f in self.fields]


class DatastoreRow(models.Model):
    """One row of a loaded table: its 1-based number (CKAN's _id) and its values by column name.

    Not a TenantModel on purpose: rows are only ever reached through their DatastoreTable, which is scoped,
    and a jurisdiction column would cost 1,000,000 copies of the same integer for nothing.
    """

    table = models.ForeignKey(DatastoreTable, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    text = models.TextField(default="")  # every value, lower-cased, for the `q` search

    class Meta:
        ordering = ["table", "number"]
        constraints = [models.UniqueConstraint(fields=["table", "number"], name="data_datastore_row_once")]

    def __str__(self) -> str:
        return f"{self.table_id}#{self.number}"


class DatasetRequest(TenantModel):
    """A resident's request that the city release a dataset; supported once per person, answered by a publisher."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("dataset request", "Open")
        PLANNED = "planned", _("Planned")
        PUBLISHED = "published", _("Published")
        DECLINED = "declined", _("Declined")

    title = models.CharField(_("what data"), max_length=200)
    description = models.TextField(_("why it matters"))
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests",
        verbose_name=_("department that may hold it"),
    )  # fmt: skip
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    dataset = models.ForeignKey(Dataset, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests")
    support_count = models.PositiveIntegerField(default=0)
    # A moderator blocked its author here: the block's public reason, shown in the request's place; the request
    # leaves the lists and the API until the block is lifted (empty while it is shown).
    hidden_reason = models.TextField(_("why a moderator hid it (public)"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-support_count", "-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "planned", "published", "declined"]), name="data_request_status"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(dataset__isnull=False), name="data_request_published_has_dataset"
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(answer=""), name="data_request_declined_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["jurisdiction", "status", "-support_count"], name="data_request_rank_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("data:request", kwargs={"jurisdiction": self.jurisdiction.slug, "request_id": self.pk})


class DatasetRequestSupport(TenantModel):
    """A person's support for a request: once per person, whichever of their accounts gave it."""

    request = models.ForeignKey(DatasetRequest, on_delete=models.CASCADE, related_name="supports")
    person = models.ForeignKey("core.Person", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "person"], name="data_request_support_once")]


class UsageCount(TenantModel):
    """How many times a dataset page was viewed or a resource downloaded on one day: a counter, nobody's trace."""

    class Kind(models.TextChoices):
        VIEW = "view", _("Views")
        DOWNLOAD = "download", _("Downloads")

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="usage")
    resource = models.ForeignKey(Resource, null=True, blank=True, on_delete=models.CASCADE, related_name="usage")
    day = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    count = models.PositiveIntegerField(default=0)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "day", "kind"], condition=Q(resource__isnull=True), name="data_usage_dataset_day"
            ),
            models.UniqueConstraint(
                fields=["resource", "day", "kind"], condition=Q(resource__isnull=False), name="data_usage_resource_day"
            ),
            models.CheckConstraint(condition=Q(kind__in=["view", "download"]), name="data_usage_kind"),
        ]
        indexes = [models.Index(fields=["jurisdiction", "day"], name="data_usage_day_idx")]


class HarvestSource(TenantModel):
    """Another catalogue the portal copies public datasets from, into one of its organisations."""

    class Kind(models.TextChoices):
        CKAN = "ckan", _("CKAN Action API")
        DCAT = "dcat", _("DCAT catalogue (RDF)")

    title = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("address"), max_length=500)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="harvest_sources", verbose_name=_("into organisation")
    )
    frequency_hours = models.PositiveIntegerField(_("every how many hours"), default=24)
    last_run_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "url"], name="data_harvest_source_once"),
            models.CheckConstraint(condition=Q(kind__in=["ckan", "dcat"]), name="data_harvest_kind"),
            models.CheckConstraint(condition=Q(frequency_hours__gte=1), name="data_harvest_frequency_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class HarvestedDataset(TenantModel):
    """Which remote dataset a local one copies, and the fingerprint of what was copied (to tell changes)."""

    source = models.ForeignKey(HarvestSource, on_delete=models.CASCADE, related_name="harvested")
    remote_id = models.CharField(max_length=300)
    dataset = models.OneToOneField(Dataset, on_delete=models.CASCADE, related_name="harvested_from")
    fingerprint = models.CharField(max_length=64)
    harvested_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "remote_id"], name="data_harvested_once")]


class HarvestRun(TenantModel):
    """One harvest of a source: what it created, updated, left alone and could not read."""

    source = models.ForeignKey(HarvestSource, on_delete=models.CASCADE, related_name="runs")
    job = models.OneToOneField("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.JSONField(default=list)
    updated = models.JSONField(default=list)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.JSONField(default=list)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-started_at", "-pk"]
