"""Participatory processes, their dated phases and the components each phase switches on."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plaza.core.tenancy import TenantManager, TenantModel


class PhaseAction(models.TextChoices):
    PROPOSE = "propose", _("Propose")
    SUPPORT = "support", _("Support")
    VOTE = "vote", _("Vote")
    COMMENT = "comment", _("Comment")


class Process(TenantModel):
    slug = models.SlugField(_("address"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "slug"], name="process_slug_per_jurisdiction"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date"))
                | models.Q(end_date=None)
                | models.Q(start_date=None),
                name="process_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("core:process_detail", kwargs={"jurisdiction": self.jurisdiction.slug, "process": self.slug})

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The process cannot end before it starts.")})


class Phase(TenantModel):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    objects = TenantManager()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["process", "position"], name="phase_position_once"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="phase_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A phase must end after it starts.")})

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.starts_at <= now < self.ends_at

    @property
    def status(self) -> str:
        now = timezone.now()
        if now < self.starts_at:
            return "upcoming"
        return "active" if now < self.ends_at else "past"


class ComponentInstance(TenantModel):
    """A component (a registered manifest) switched on inside a process."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="components")
    manifest_name = models.CharField(max_length=60)
    slug = models.SlugField(_("address"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    settings = models.JSONField(default=dict, blank=True)
    is_published = models.BooleanField(_("published"), default=True)

    objects = TenantManager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["process", "slug"], name="component_slug_per_process"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def manifest(self):
        from plaza.core.components import registry

        return registry.get(self.manifest_name)

    def stats(self) -> list[tuple[str, int]]:
        """The component's own figures for the process page (its manifest decides what they are)."""
        manifest = self.manifest
        return list(manifest.stats(self)) if manifest is not None and manifest.stats else []

    def get_absolute_url(self) -> str:
        return reverse(
            "core:component",
            kwargs={
                "jurisdiction": self.jurisdiction.slug,
                "process": self.process.slug,
                "component": self.slug,
                "rest": "",
            },
        )


class ComponentStep(TenantModel):
    """What a phase does with a component: switched on or off, and which actions it allows."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="steps")
    component = models.ForeignKey(ComponentInstance, on_delete=models.CASCADE, related_name="steps")
    enabled = models.BooleanField(default=True)
    actions = models.JSONField(default=list, blank=True)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["phase", "component"], name="component_step_once"),
        ]
