"""Links between content of different components: what became of a proposal, which result tracks a winner."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from plaza.core.tenancy import TenantManager, TenantModel


class ContentLink(TenantModel):
    """`source` led to `target`, in one of a few named ways; both belong to the link's jurisdiction."""

    class Kind(models.TextChoices):
        # a proposal (or any content) sent to the votation or budget that decides it
        DECISION = "decision", _("Decided by")
        # a winner (budget project, approved proposal) followed by the result that tracks its execution
        RESULT = "result", _("Tracked by")
        # a resident's proposal taken up as (or considered for) a commitment of an action plan
        CANDIDATE = "candidate", _("Taken up in")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    source_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    source_id = models.PositiveBigIntegerField()
    source = GenericForeignKey("source_type", "source_id")
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    note = models.TextField(_("public note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("content link")
        verbose_name_plural = _("content links")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source_type", "source_id", "target_type", "target_id"], name="content_link_once"
            ),
            models.CheckConstraint(
                condition=~(models.Q(source_type=models.F("target_type")) & models.Q(source_id=models.F("target_id"))),
                name="content_link_not_to_itself",
            ),
        ]
        indexes = [
            models.Index(fields=["source_type", "source_id"], name="content_link_source"),
            models.Index(fields=["target_type", "target_id"], name="content_link_target"),
        ]

    def __str__(self) -> str:
        source, target = f"{self.source_type_id}/{self.source_id}", f"{self.target_type_id}/{self.target_id}"
        return f"{self.get_kind_display()}: {source} → {target}"
