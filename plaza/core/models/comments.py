"""Comments on any content, their votes and flags, and follows: core's shared participation tables."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from plaza.core.tenancy import TenantManager, TenantModel

COMMENT_MAX_LENGTH = 5000


class Comment(TenantModel):
    """A comment on any commentable object, or a reply to another comment (any depth)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    depth = models.PositiveSmallIntegerField(default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    body = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Vote totals are kept on the row (recounted from CommentVote in the voting transaction)
    # so that ordering a thread by votes needs no aggregate.
    upvotes = models.PositiveIntegerField(default=0)
    downvotes = models.PositiveIntegerField(default=0)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(_("public reason"), max_length=300, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TenantManager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="comment_target_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True, depth=0) | models.Q(parent__isnull=False, depth__gt=0),
                name="comment_depth_matches_parent",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Comment %(number)s") % {"number": self.pk})

    @property
    def score(self) -> int:
        return self.upvotes - self.downvotes


class CommentVote(TenantModel):
    class Value(models.IntegerChoices):
        UP = 1, _("Up")
        DOWN = -1, _("Down")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField(choices=Value.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="comment_vote_once_per_account"),
            models.CheckConstraint(condition=models.Q(value__in=[1, -1]), name="comment_vote_up_or_down"),
        ]


class CommentFlag(TenantModel):
    """A resident's report that a comment breaks the rules; open until a moderator decides."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        OFFENSIVE = "offensive", _("Offensive, racist or hateful")
        PERSONAL_DATA = "personal_data", _("Reveals someone's personal data")
        OFF_TOPIC = "off_topic", _("Off topic")
        OTHER = "other", _("Something else")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    details = models.CharField(_("details"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="comment_flag_once_per_account"),
        ]


class Follow(TenantModel):
    """An account following any followable object, to be notified of what happens to it."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id"], name="follow_target_idx")]
        constraints = [
            models.UniqueConstraint(fields=["user", "content_type", "object_id"], name="follow_once_per_account"),
        ]
