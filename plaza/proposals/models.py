"""Proposals, the supports they gather (one per person), debates and their agree/disagree votes."""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from plaza.core.tenancy import TenantManager, TenantModel

TITLE_MAX_LENGTH = 150
SUMMARY_MAX_LENGTH = 300
BODY_MAX_LENGTH = 20_000
# The orders of the index, each with a partial index over the open proposals (see Proposal.Meta).
OPEN_ORDERS = (
    ("hot", "hot_score"),
    ("supported", "support_count"),
    ("newest", "published_at"),
    ("commented", "comments_count"),
)
OPEN_CONDITION = models.Q(status__in=["published", "threshold_reached"])
RANDOM_KEY_LIMIT = 2**31


def random_key() -> int:
    """A proposal's place in the "random" order: visitors start reading it at their own seed (see queries)."""
    return secrets.randbelow(RANDOM_KEY_LIMIT)


STATUSES = ["draft", "held", "published", "threshold_reached", "archived", "withdrawn", "hidden", "merged"]


class Proposal(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        HELD = "held", _("Held for review")
        PUBLISHED = "published", _("Gathering supports")
        THRESHOLD_REACHED = "threshold_reached", _("Threshold reached")
        ARCHIVED = "archived", _("Archived")
        WITHDRAWN = "withdrawn", _("Withdrawn by its author")
        HIDDEN = "hidden", _("Hidden by a moderator")
        MERGED = "merged", _("Merged into another proposal")

    component = models.ForeignKey("core.ComponentInstance", on_delete=models.CASCADE, related_name="proposals")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    on_behalf_of = models.CharField(_("on behalf of an organisation"), max_length=200, blank=True)
    is_expert = models.BooleanField(_("expert proposal"), default=False)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    # The folded title between spaces (" bike lanes "), so that word lookups are `contains " word "`.
    folded_title = models.CharField(max_length=TITLE_MAX_LENGTH * 2 + 2, editable=False, default="")
    summary = models.CharField(_("summary"), max_length=SUMMARY_MAX_LENGTH)
    body = models.TextField(_("body"), max_length=BODY_MAX_LENGTH, help_text=_("Markdown"))
    category = models.CharField(_("category"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # The address typed for the location, as the geocoder found it (empty for a point picked on the map).
    address = models.CharField(_("address"), max_length=300, blank=True, default="")
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    hidden_reason = models.TextField(_("reason"), blank=True)
    # Hidden because a moderator blocked its author: the status it goes back to when the block is lifted (empty when
    # it is not hidden by a block, so that a proposal a moderator hid for its own reason stays hidden).
    status_before_block = models.CharField(max_length=20, blank=True, default="")
    # Why publishing it waits for a moderator (it looked like spam); empty once released.
    held_reason = models.CharField(_("held because"), max_length=300, blank=True)
    # A duplicate a moderator merged into the proposal kept: its supports and followers moved there.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_duplicates"
    )
    support_count = models.PositiveIntegerField(default=0)
    # Visible comments, kept by plaza/proposals/signals.py so that "most commented" is an indexed order.
    comments_count = models.PositiveIntegerField(default=0)
    # Supports decayed by age, kept on the row so that "hot" is an indexed order (see operations.hot_score).
    hot_score = models.FloatField(default=0)
    random_key = models.PositiveIntegerField(default=random_key, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    threshold_reached_at = models.DateTimeField(null=True, blank=True)
    # Core's attachments (images and documents) on the proposal, for prefetching in the API.
    attachments = GenericRelation("core.Attachment")

    objects = TenantManager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["component", "status", "-support_count"], name="proposal_most_supported"),
            models.Index(fields=["component", "status", "-hot_score"], name="proposal_hot"),
            models.Index(fields=["component", "status", "-published_at"], name="proposal_newest"),
            models.Index(fields=["component", "status", "-comments_count"], name="proposal_most_commented"),
            # The default index lists two statuses at once ("open"): an index per order over just those rows
            # lets the database read the first page in order instead of sorting every open proposal.
            *[
                models.Index(
                    fields=["component", f"-{field}", "-id"], condition=OPEN_CONDITION, name=f"proposal_open_{name}"
                )
                for name, field in OPEN_ORDERS
            ],
            models.Index(
                fields=["component", "random_key", "id"], condition=OPEN_CONDITION, name="proposal_open_random"
            ),
            # The paginator's count and random's split filter on the tenant too: with the jurisdiction, the category
            # and the random key in the index, counting any status (and category) is an index-only scan, not a scan
            # of the table.
            models.Index(
                fields=["component", "status", "category", "jurisdiction", "random_key"], name="proposal_count"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=STATUSES), name="proposal_status_known"),
            models.CheckConstraint(
                condition=(models.Q(latitude=None) & models.Q(longitude=None))
                | (models.Q(latitude__gte=-90, latitude__lte=90) & models.Q(longitude__gte=-180, longitude__lte=180)),
                name="proposal_location_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="hidden") | ~models.Q(hidden_reason=""), name="proposal_hidden_has_reason"
            ),
            models.CheckConstraint(
                condition=models.Q(status_before_block="") | models.Q(status="hidden"),
                name="proposal_hidden_by_block_is_hidden",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="threshold_reached") | models.Q(threshold_reached_at__isnull=False),
                name="proposal_threshold_dated",
            ),
            models.CheckConstraint(
                condition=models.Q(status="merged", merged_into__isnull=False)
                | (~models.Q(status="merged") & models.Q(merged_into__isnull=True)),
                name="proposal_merged_has_target",
            ),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("id")), name="proposal_not_merged_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.component.get_absolute_url()}{self.pk}/"

    @property
    def is_published(self) -> bool:
        """Whether the public reads it (core's comments and search ask this)."""
        return self.status not in (self.Status.DRAFT, self.Status.HIDDEN, self.Status.HELD)

    def is_public_content(self) -> bool:
        return self.is_published and self.component.is_published and self.component.process.is_published

    @property
    def takes_supports(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.THRESHOLD_REACHED)

    @property
    def author_name(self) -> str:
        if self.author is None:
            return str(_("Deleted account"))
        return str(self.author.display_name)


class ProposalTag(TenantModel):
    """A free tag on a proposal, stored lower-case so that filters match whatever the case typed."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=40)

    objects = TenantManager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["proposal", "name"], name="proposal_tag_once")]
        # The index's tag filter starts from the tag's name.
        indexes = [models.Index(fields=["name", "proposal"], name="proposal_tag_name")]

    def __str__(self) -> str:
        return self.name


class Support(TenantModel):
    """A person's support for a proposal: once per person, whichever of their accounts cast it."""

    component = models.ForeignKey("core.ComponentInstance", on_delete=models.CASCADE, related_name="+")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    person = models.ForeignKey("core.Person", on_delete=models.CASCADE, related_name="+")
    # The account that cast it (kept for the resident's own data; gone if the account is deleted).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["component", "proposal", "person"], name="support_once_per_person")
        ]


class Debate(TenantModel):
    """An open question put to residents: agree or disagree, then talk it through in comments."""

    component = models.ForeignKey("core.ComponentInstance", on_delete=models.CASCADE, related_name="debates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("body"), max_length=BODY_MAX_LENGTH, help_text=_("Markdown"))
    agree_count = models.PositiveIntegerField(default=0)
    disagree_count = models.PositiveIntegerField(default=0)
    # Why it waits for a moderator before the public sees it (it looked like spam); empty when public.
    held_reason = models.CharField(_("held because"), max_length=300, blank=True)
    # A moderator hid it (a held debate that was spam after all): the public reason, empty when not hidden.
    hidden_reason = models.TextField(_("reason"), blank=True)
    # Hidden because a moderator blocked its author: shown again when the block is lifted.
    hidden_by_block = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hidden_by_block=False) | ~models.Q(hidden_reason=""),
                name="debate_hidden_by_block_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.component.get_absolute_url()}debates/{self.pk}/"

    @property
    def is_published(self) -> bool:
        return not self.held_reason and not self.hidden_reason

    def is_public_content(self) -> bool:
        return self.is_published and self.component.is_published and self.component.process.is_published

    @property
    def author_name(self) -> str:
        return str(self.author.display_name) if self.author else str(_("Deleted account"))


class DebateVote(TenantModel):
    """One account's position on a debate; changing it replaces it."""

    class Position(models.TextChoices):
        AGREE = "agree", _("I agree")
        DISAGREE = "disagree", _("I disagree")

    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    position = models.CharField(max_length=10, choices=Position.choices)
    created_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["debate", "user"], name="debate_vote_once_per_account"),
            models.CheckConstraint(condition=models.Q(position__in=["agree", "disagree"]), name="debate_vote_known"),
        ]


class Synthesis(TenantModel):
    """An official's published answer to a phase's proposals, grouped as Paris did for its climate plan."""

    component = models.ForeignKey("core.ComponentInstance", on_delete=models.CASCADE, related_name="+")
    phase = models.ForeignKey("core.Phase", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), max_length=BODY_MAX_LENGTH, blank=True, help_text=_("Markdown"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField()

    objects = TenantManager()

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.component.get_absolute_url()}synthesis/{self.pk}/"

    def is_public_content(self) -> bool:
        return self.component.is_published and self.component.process.is_published


class SynthesisGroup(TenantModel):
    """Proposals that say related things, and the written answer they get together."""

    synthesis = models.ForeignKey(Synthesis, on_delete=models.CASCADE, related_name="groups")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=200)
    answer = models.TextField(_("answer"), max_length=BODY_MAX_LENGTH, help_text=_("Markdown"))

    objects = TenantManager()

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["synthesis", "position"], name="synthesis_group_position_once")]

    def __str__(self) -> str:
        return self.title


class SynthesisEntry(TenantModel):
    """A proposal answered by a group; one group per proposal in a synthesis."""

    synthesis = models.ForeignKey(Synthesis, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(SynthesisGroup, on_delete=models.CASCADE, related_name="entries")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="synthesis_entries")

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["synthesis", "proposal"], name="synthesis_answers_a_proposal_once")
        ]
