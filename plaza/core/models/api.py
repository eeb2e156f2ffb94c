"""API tokens: a resident's keys to the JSON API (only a hash of each secret is kept)."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "plaza_"  # noqa: S105 - a public marker, not a secret


def hash_secret(token: str) -> str:
    """SHA-256 is enough here: the token is 256 random bits, nothing to guess, unlike a password."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    """Belongs to an account, not to a jurisdiction: it may be restricted to one, or to none.

    Not a tenant table: the owner lists their tokens across every jurisdiction.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    # The public part of the token (e.g. "plaza_ab12cd34"), shown in lists to tell tokens apart.
    prefix = models.CharField(max_length=20)
    secret_hash = models.CharField(max_length=64)
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("only for jurisdiction"),
    )
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        # Unique constraints rather than unique fields: on PostgreSQL a unique CharField gets a second index for LIKE
        # queries, which nobody makes of these; every index is written again when a use is recorded.
        constraints = [
            models.CheckConstraint(condition=models.Q(scope__in=["read", "write"]), name="api_token_scope_known"),
            models.UniqueConstraint(fields=["prefix"], name="api_token_prefix_once"),
            models.UniqueConstraint(fields=["secret_hash"], name="api_token_secret_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE
