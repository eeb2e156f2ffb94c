"""Votations, their questions and options, and the anonymous ballots (the voter roll and booths are core's)."""

import uuid

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from plaza.core.models.roll import Channel
from plaza.core.tenancy import TenantManager, TenantModel

__all__ = ["AccessCode", "Ballot", "Option", "Question", "Votation"]


class Votation(TenantModel):
    """A binding vote: questions, a window, an electorate (part of the census) and channels."""

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        OPEN = "open", pgettext_lazy("votation status", "Open")
        CLOSED = "closed", pgettext_lazy("votation status", "Closed")

    component = models.ForeignKey(
        "core.ComponentInstance", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    slug = models.SlugField(_("address"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown"))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    online = models.BooleanField(_("online voting"), default=True)
    booth = models.BooleanField(_("voting at polling booths"), default=False)
    is_secret = models.BooleanField(_("secret ballot"), default=True)
    # Whether a person who voted online may replace their ballot until closing (only the last counts).
    allows_changes = models.BooleanField(_("votes can be changed until closing"), default=False)
    # The electorate: the jurisdiction's active census, optionally one district and a minimum age.
    district = models.CharField(_("district"), max_length=100, blank=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-closes_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "slug"], name="votation_slug_once"),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="votation_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=models.Q(online=True) | models.Q(booth=True), name="votation_has_a_channel"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def election_key(self) -> str:
        return f"votes.votation:{self.pk}"

    def status_at(self, now=None) -> str:
        now = now or timezone.now()
        if now < self.opens_at:
            return self.Status.UPCOMING
        return self.Status.OPEN if now < self.closes_at else self.Status.CLOSED

    @property
    def status(self) -> str:
        return self.status_at()

    @property
    def status_label(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def channels(self) -> list[str]:
        return [c for c, on in ((Channel.ONLINE, self.online), (Channel.BOOTH, self.booth)) if on]

    def get_absolute_url(self) -> str:
        return reverse("votes:votation", kwargs={"jurisdiction": self.jurisdiction.slug, "votation": self.slug})

    def is_public_content(self) -> bool:
        return self.is_published


class Question(TenantModel):
    class Kind(models.TextChoices):
        SINGLE = "single", _("One choice")
        MULTIPLE = "multiple", _("Several choices")
        YES_NO = "yes_no", _("Yes, no or abstain")
        RANKED = "ranked", _("Ranked (instant-runoff)")

    votation = models.ForeignKey(Votation, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    min_choices = models.PositiveSmallIntegerField(default=1)
    max_choices = models.PositiveSmallIntegerField(default=1)

    objects = TenantManager()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["votation", "position"], name="question_position_once"),
            models.CheckConstraint(
                condition=models.Q(min_choices__gte=1, max_choices__gte=models.F("min_choices")),
                name="question_choices_range",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def key(self) -> str:
        return f"q{self.position}"


class Option(TenantModel):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=20)  # stable in ballots files: "yes", "no", "abstain", or "o1", "o2"…
    label = models.CharField(_("option"), max_length=200)

    objects = TenantManager()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="option_position_once"),
            models.UniqueConstraint(fields=["question", "key"], name="option_key_once"),
        ]

    def __str__(self) -> str:
        return self.label


class Ballot(TenantModel):
    """One anonymous ballot. For a secret votation nothing here points at a person or an account.

    The key is random (not a sequence, whose order would follow the roll's) and the time is
    rounded down to the hour; see docs/secret-ballot.md.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Ballots are read by votation (ballot_receipt_once leads with it; the jurisdiction is the votation's), and a
    # secret online ballot has no booth and no voter: indexes only where they help, fewer to write per ballot.
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.CASCADE, related_name="+", db_index=False)
    votation = models.ForeignKey(Votation, on_delete=models.PROTECT, related_name="ballots", db_index=False)
    answers = models.JSONField()  # {"q1": ["yes"], "q2": ["o1", "o3"]}
    receipt_hash = models.CharField(max_length=64)
    # SHA-256 of the change code the voter holds, for a votation that allows changing a vote; never published.
    change_hash = models.CharField(max_length=64, blank=True, default="")
    cast_at = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # One of the votation's booths (core's, keyed by the votation's election key) for a ballot taken there.
    booth = models.ForeignKey(
        "core.Booth", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # Only for a votation that is NOT secret: whose ballot this is.
    voter = models.ForeignKey(
        "core.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    objects = TenantManager()

    class Meta:
        ordering = ["receipt_hash"]
        constraints = [
            models.UniqueConstraint(fields=["votation", "receipt_hash"], name="ballot_receipt_once"),
            models.UniqueConstraint(
                fields=["votation", "change_hash"], condition=~models.Q(change_hash=""), name="ballot_change_code_once"
            ),
            models.CheckConstraint(
                condition=models.Q(channel="online", booth__isnull=True)
                | models.Q(channel="booth", booth__isnull=False),
                name="ballot_booth_matches_channel",
            ),
        ]
        indexes = [
            models.Index(fields=["booth"], condition=models.Q(booth__isnull=False), name="ballot_by_booth"),
            models.Index(fields=["voter"], condition=models.Q(voter__isnull=False), name="ballot_by_voter"),
        ]


class AccessCode(TenantModel):
    """A one-time code that lets a person on the census vote in one votation without an account.

    Sent to the e-mail address or mobile number on the census, or handed over by a poll officer. Only a keyed hash of
    the code is kept; it expires, dies after a few wrong tries, and is spent by the ballot it casts
    (in the same transaction). One row per person and votation: a new code replaces the old one.
    """

    class Delivery(models.TextChoices):
        EMAIL = "email", _("Sent by e-mail")
        SMS = "sms", _("Sent by text message")
        OFFICER = "officer", _("Handed over by a poll officer")

    votation = models.ForeignKey(Votation, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("core.Person", on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    issued_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["votation", "person"], name="access_code_one_per_person"),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("issued_at")), name="access_code_expires"
            ),
        ]
