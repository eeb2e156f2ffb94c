"""Roles: narrow powers granted per jurisdiction (or per process), each grant audited."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from plaza.core.tenancy import TenantManager, TenantModel


class Role(models.TextChoices):
    ADMIN = "admin", _("Jurisdiction admin")
    MODERATOR = "moderator", _("Moderator")
    VALUATOR = "valuator", _("Valuator")
    POLL_OFFICER = "poll_officer", _("Poll officer")
    OFFICIAL = "official", _("Department official")
    ASSESSOR = "assessor", _("Independent assessor")
    NETWORK_STAFF = "network_staff", _("Network staff")


class RoleGrant(TenantModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    process = models.ForeignKey(
        "core.Process",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_grants",
        verbose_name=_("process"),
    )
    department = models.CharField(_("department"), max_length=120, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "user", "role"],
                condition=models.Q(process=None),
                name="role_once_per_jurisdiction",
            ),
            models.UniqueConstraint(fields=["jurisdiction", "user", "role", "process"], name="role_once_per_process"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user}"
