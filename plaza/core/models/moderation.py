"""Accounts a jurisdiction's moderators blocked: a moderation fact every component and core's comments ask."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from plaza.core.tenancy import TenantManager, TenantModel

BLOCK_REASON_MAX_LENGTH = 300


class BlockedAccount(TenantModel):
    """An account a moderator blocked in the jurisdiction: it writes nothing here, its content is hidden."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"))
    blocked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "user"], name="blocked_account_once"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="blocked_account_has_reason"),
        ]

    def __str__(self) -> str:
        return str(_("Blocked: %(account)s") % {"account": self.user_id})
