"""Civic reports and what routes them: categories (to departments), areas (polygons), the timeline."""

import secrets
from pathlib import PurePath

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from plaza.core.private_files import get_private_storage
from plaza.core.tenancy import TenantManager, TenantModel


class Category(TenantModel):
    """What kind of problem, which department answers it, and how fast it promises to."""

    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    department = models.CharField(_("department"), max_length=120)
    acknowledge_hours = models.PositiveIntegerField(_("hours to acknowledge"), default=48)
    fix_hours = models.PositiveIntegerField(_("hours to fix"), default=720)
    is_active = models.BooleanField(_("active"), default=True)

    objects = TenantManager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "code"], name="report_category_code_once"),
            models.CheckConstraint(condition=Q(acknowledge_hours__gt=0), name="report_category_ack_positive"),
            models.CheckConstraint(
                condition=Q(fix_hours__gte=models.F("acknowledge_hours")), name="report_category_fix_after_ack"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AnswerTemplate(TenantModel):
    """A ready answer staff start a note from."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="templates")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))

    objects = TenantManager()

    class Meta:
        ordering = ["title", "id"]
        constraints = [models.UniqueConstraint(fields=["category", "title"], name="report_template_title_once")]

    def __str__(self) -> str:
        return self.title


class Area(TenantModel):
    """A district or ward: a GeoJSON Polygon or MultiPolygon ([lon, lat] positions)."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=60, blank=True)
    geometry = models.JSONField(_("geometry"))

    objects = TenantManager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "name"], name="report_area_name_once")]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    OPEN = "open", pgettext_lazy("civic report status", "Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    FIXED = "fixed", _("Fixed")
    CLOSED = "closed", pgettext_lazy("civic report status", "Closed")


class CloseReason(models.TextChoices):
    NOT_RESPONSIBLE = "not_responsible", _("Not our responsibility")
    DUPLICATE = "duplicate", _("Duplicate")
    REFERRED = "referred", _("Referred to another body")


OPEN_STATUSES = (Status.OPEN, Status.ACKNOWLEDGED, Status.IN_PROGRESS)
OPEN_ONLY = Q(status__in=["open", "acknowledged", "in_progress"])  # partial indexes of the reports not yet resolved


def new_token() -> str:
    return secrets.token_urlsafe(12)


class Report(TenantModel):
    """A problem a resident reported, routed to a department (and an area when it has coordinates)."""

    component = models.ForeignKey("core.ComponentInstance", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports")
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    department = models.CharField(_("department"), max_length=120)
    description = models.TextField(_("description"))
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    # The gazetteer entry the point and address came from (core's `address_id`, Open311's), when one did.
    address_id = models.CharField(_("address id"), max_length=64, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_anonymous = models.BooleanField(_("anonymous to the public"), default=False)
    # Someone who reported with only a confirmed e-mail address: staff may read it, nobody else.
    reporter_email = models.EmailField(_("reporter's e-mail address"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    close_reason = models.CharField(_("reason for closing"), max_length=20, choices=CloseReason.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    supporters_count = models.PositiveIntegerField(default=0)
    # A moderator blocked its reporter here: the block's reason (kept to lift it with the block). The report still
    # reaches its department and counts in every figure; the public no longer reads its description, its photos or
    # who made it. Empty while it is shown.
    hidden_reason = models.TextField(blank=True, default="")
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    # Open311's tokens/{token}: we create requests at once, so the token always names one.
    token = models.CharField(max_length=40, unique=True, default=new_token)
    # Received over Open311 from another authority: the Open311 endpoint that sent it (never forwarded back
    # there) and how many forwards it has been through (never forwarded past MAX_OPEN311_HOPS).
    open311_origin = models.URLField(max_length=300, blank=True)
    open311_hops = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    fixed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        # The list and map, newest first, under any mix of its filters (status, "open", category, area): each has an
        # index whose equality columns come first and created_at last, so a page reads its 50 rows and no more
        # (at 1,000,000 reports a filter the newest rows do not match walked the whole created_at index).
        indexes = [
            models.Index(fields=["jurisdiction", "created_at"], name="report_created"),
            models.Index(fields=["jurisdiction", "created_at"], condition=OPEN_ONLY, name="report_open_created"),
            models.Index(
                fields=["jurisdiction", "category", "created_at"], condition=OPEN_ONLY, name="report_category_open"
            ),
            models.Index(fields=["jurisdiction", "area", "status", "created_at"], name="report_area_status"),
            models.Index(fields=["jurisdiction", "area", "created_at"], name="report_area_created"),
            models.Index(fields=["jurisdiction", "area", "created_at"], condition=OPEN_ONLY, name="report_area_open"),
            models.Index(fields=["jurisdiction", "category", "area", "created_at"], name="report_category_area"),
            models.Index(
                fields=["jurisdiction", "category", "area", "created_at"],
                condition=OPEN_ONLY,
                name="report_category_area_open",
            ),
            models.Index(fields=["jurisdiction", "status", "created_at"], name="report_status_created"),
            # The feeds: the latest changes, of all or of one area (8.8 s at 1,000,000 reports without them).
            models.Index(fields=["jurisdiction", "updated_at"], name="report_updated"),
            models.Index(fields=["jurisdiction", "area", "updated_at"], name="report_area_updated"),
            models.Index(fields=["jurisdiction", "department", "status"], name="report_department_status"),
            # The nearby check: open reports of a category in a latitude band, the longitude checked in the index
            # (not on each row of the band: 4,900 heap rows read for 27 at 1,000,000 reports).
            models.Index(
                fields=["jurisdiction", "category", "latitude", "longitude"],
                condition=OPEN_ONLY,
                name="report_nearby_open",
            ),
            models.Index(fields=["jurisdiction", "category", "status", "created_at"], name="report_category_status"),
            # Open311 requests.json by service_code, newest first, whatever the status (a rare category too).
            models.Index(fields=["jurisdiction", "category", "created_at"], name="report_category_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="report_status_known"),
            models.CheckConstraint(
                condition=(Q(status="closed") & ~Q(close_reason="")) | (~Q(status="closed") & Q(close_reason="")),
                name="report_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="report_point_in_range",
            ),
            models.CheckConstraint(condition=Q(latitude__isnull=False) | ~Q(address=""), name="report_has_location"),
            models.CheckConstraint(
                condition=Q(duplicate_of__isnull=True) | Q(status="closed", close_reason="duplicate"),
                name="report_duplicate_is_closed",
            ),
            models.CheckConstraint(condition=~Q(duplicate_of=F("pk")), name="report_not_its_own_duplicate"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category.name}"

    def get_absolute_url(self) -> str:
        return reverse("reports:report_detail", kwargs={"jurisdiction": self.jurisdiction.slug, "report": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def public_reporter(self) -> str:
        if self.is_anonymous or self.reporter is None or self.hidden_reason:
            return str(_("Anonymous resident"))
        return str(self.reporter.display_name)

    @property
    def public_description(self) -> str:
        """What the public reads of the reporter's words: nothing while a moderator has the reporter blocked."""
        return "" if self.hidden_reason else self.description

    @property
    def description_hidden(self) -> bool:
        return bool(self.hidden_reason)

    def is_public_content(self) -> bool:
        """Its photos: not while a moderator has the reporter blocked (the report's page stays, without them)."""
        return not self.hidden_reason


class Support(TenantModel):
    """A resident's "me too": one per account and report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="report_support_once")]


class Update(TenantModel):
    """One line of a report's timeline: its creation, a status change, an assignment, a note, a reopening."""

    class Kind(models.TextChoices):
        CREATED = "created", pgettext_lazy("civic report timeline", "Reported")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        NOTE = "note", _("Note")
        REOPENED = "reopened", _("Reopened")
        MERGED = "merged", _("Merged")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    body = models.TextField(blank=True)
    # A merge: on the duplicate, the report it was merged into; on the original, the duplicate merged in.
    other_report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_public = models.BooleanField(default=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["created", "status", "assigned", "note", "reopened", "merged"]),
                name="report_update_kind_known",
            )
        ]


class DailyStat(TenantModel):
    """One day's responsiveness figures for one category, department and area, updated with each change.

    The dashboard sums these rows (a few per day) instead of scanning reports; `rebuild_daily_stats`
    recomputes them from the timelines.
    """

    day = models.DateField()
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    department = models.CharField(max_length=120)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reported = models.PositiveIntegerField(default=0)
    acknowledged = models.PositiveIntegerField(default=0)
    acknowledge_seconds = models.PositiveBigIntegerField(default=0)
    acknowledged_late = models.PositiveIntegerField(default=0)
    fixed = models.PositiveIntegerField(default=0)
    fix_seconds = models.PositiveBigIntegerField(default=0)
    fixed_late = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "day", "category", "department", "area"],
                condition=Q(area__isnull=False),
                name="report_daily_stat_once",
            ),
            models.UniqueConstraint(
                fields=["jurisdiction", "day", "category", "department"],
                condition=Q(area__isnull=True),
                name="report_daily_stat_once_no_area",
            ),
            models.CheckConstraint(condition=Q(acknowledged_late__lte=F("acknowledged")), name="report_stat_ack_late"),
            models.CheckConstraint(condition=Q(fixed_late__lte=F("fixed")), name="report_stat_fix_late"),
        ]
        indexes = [models.Index(fields=["jurisdiction", "day"], name="report_daily_stat_day")]


class OpenCount(TenantModel):
    """How many reports wait now, and how many were ever made, per category, department and area."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    department = models.CharField(max_length=120)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    open = models.IntegerField(default=0)
    total = models.IntegerField(default=0)  # every report ever made here, whatever its status

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "category", "department", "area"],
                condition=Q(area__isnull=False),
                name="report_open_count_once",
            ),
            models.UniqueConstraint(
                fields=["jurisdiction", "category", "department"],
                condition=Q(area__isnull=True),
                name="report_open_count_once_no_area",
            ),
        ]


class PendingReport(TenantModel):
    """A report sent with only an e-mail address, held unpublished until the link mailed to it is followed.

    No account is created; the link is a signed, expiring token naming this row, so nothing secret is stored.
    """

    component = models.ForeignKey("core.ComponentInstance", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    description = models.TextField(_("description"))
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_anonymous = models.BooleanField(_("anonymous to the public"), default=False)
    email = models.EmailField(_("e-mail address"))
    language = models.CharField(max_length=12, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    report = models.OneToOneField(Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = TenantManager()

    class Meta:
        indexes = [models.Index(fields=["jurisdiction", "email", "created_at"], name="pending_report_email")]
        constraints = [
            models.CheckConstraint(condition=Q(latitude__isnull=False) | ~Q(address=""), name="pending_has_location"),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="pending_expires_later"),
        ]

    def is_public_content(self) -> bool:
        return False  # its photos stay private until the report is confirmed


class Open311Destination(TenantModel):
    """Where a category's reports are forwarded: another authority's Open311 GeoReport v2 endpoint.

    The api_key is kept encrypted (`plaza.reports.secrets`); it is read only to post, and never shown or logged.
    """

    category = models.OneToOneField(Category, on_delete=models.CASCADE, related_name="open311_destination")
    endpoint = models.URLField(_("Open311 endpoint"), max_length=300)
    service_code = models.CharField(_("their service code"), max_length=120)
    remote_jurisdiction_id = models.CharField(_("their jurisdiction_id"), max_length=120, blank=True)
    api_key_encrypted = models.TextField(blank=True)
    is_active = models.BooleanField(_("forwarding on"), default=True)

    objects = TenantManager()

    def __str__(self) -> str:
        return f"{self.category} → {self.endpoint}"

    @property
    def api_key(self) -> str:
        from plaza.reports.secrets import decrypt

        return decrypt(self.api_key_encrypted) if self.api_key_encrypted else ""

    @api_key.setter
    def api_key(self, value: str) -> None:
        from plaza.reports.secrets import encrypt

        self.api_key_encrypted = encrypt(value) if value else ""


class Forwarding(TenantModel):
    """A report forwarded to another authority: their request id (or token) and what they last said."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="forwarding")
    destination = models.ForeignKey(Open311Destination, on_delete=models.PROTECT, related_name="forwardings")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    service_request_id = models.CharField(max_length=120, blank=True)
    token = models.CharField(max_length=120, blank=True)
    remote_status = models.CharField(max_length=10, blank=True)
    remote_notes = models.TextField(blank=True)
    remote_updated_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    pulled_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["destination", "service_request_id"],
                condition=~Q(service_request_id=""),
                name="forwarding_remote_id_once",
            ),
            models.CheckConstraint(
                condition=~Q(state="sent") | ~Q(service_request_id="") | ~Q(token=""), name="forwarding_sent_has_id"
            ),
        ]


def original_photo_path(photo: "OriginalPhoto", filename: str) -> str:
    return f"reports/originals/{photo.jurisdiction_id}/{secrets.token_hex(16)}{PurePath(filename).suffix.lower()}"


class OriginalPhoto(TenantModel):
    """A report's photo as the resident sent it, EXIF location and all, kept privately.

    The public sees `attachment` (core's copy, stripped of EXIF/XMP); this file sits in the private storage (never
    under MEDIA_URL) and is read only by the handling department's staff and admins, each read audited. It belongs to
    the report, or to the pending report until its e-mail link is followed; deleting either (purge, erasure) deletes
    it, and its file once the deletion commits.
    """

    attachment = models.OneToOneField("core.Attachment", on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    pending = models.ForeignKey(PendingReport, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(storage=get_private_storage, upload_to=original_photo_path, max_length=200)
    mime_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=False, pending__isnull=True) | Q(report__isnull=True, pending__isnull=False),
                name="original_photo_one_owner",
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="original_photo_not_empty"),
        ]


@receiver(post_delete, sender=OriginalPhoto)
def _forget_original_file(sender, instance: OriginalPhoto, **kwargs) -> None:
    """However the row goes (a purge, an erasure, a cascade from its report or attachment), its file goes too,
    once the deletion is committed (a rolled-back deletion keeps the file its row still names)."""
    if instance.file:
        name, storage = instance.file.name, instance.file.storage
        transaction.on_commit(lambda: storage.delete(name))
