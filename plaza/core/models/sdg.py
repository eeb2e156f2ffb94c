"""The UN Sustainable Development Goals and targets, and the tags linking any content to them."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from plaza.core.tenancy import TenantManager, TenantModel

FALLBACK_LANGUAGE = "en"  # the source has no Portuguese: English stands in for any missing language


def _in_language(texts: dict, language: str | None) -> str:
    language = (language or get_language() or FALLBACK_LANGUAGE).split("-")[0]
    return texts.get(language) or texts.get(FALLBACK_LANGUAGE, "")


class SDGGoal(models.Model):
    """One of the 17 goals: reference data shared by every jurisdiction (not a tenant table)."""

    number = models.PositiveSmallIntegerField(unique=True)
    code = models.CharField(max_length=8, unique=True)
    short_titles = models.JSONField(default=dict)
    titles = models.JSONField(default=dict)
    colour = models.CharField(max_length=7)

    class Meta:
        ordering = ["number"]
        verbose_name = _("sustainable development goal")
        verbose_name_plural = _("sustainable development goals")
        constraints = [
            models.CheckConstraint(condition=models.Q(number__gte=1, number__lte=17), name="sdg_goal_number_range")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.short_title()}"

    def short_title(self, language: str | None = None) -> str:
        return _in_language(self.short_titles, language)

    def title(self, language: str | None = None) -> str:
        return _in_language(self.titles, language)

    def url_in(self, jurisdiction) -> str:
        return reverse("core:sdg_goal", kwargs={"jurisdiction": jurisdiction.slug, "number": self.number})


class SDGTarget(models.Model):
    """A target such as "11.3" (numbered) or "11.a" (means of implementation)."""

    code = models.CharField(max_length=8, unique=True)
    goal = models.ForeignKey(SDGGoal, on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveSmallIntegerField()
    titles = models.JSONField(default=dict)

    class Meta:
        ordering = ["goal__number", "position"]
        verbose_name = _("SDG target")
        verbose_name_plural = _("SDG targets")

    def __str__(self) -> str:
        return self.code

    def title(self, language: str | None = None) -> str:
        return _in_language(self.titles, language)


class SDGTag(TenantModel):
    """Content of any app tagged with a goal, or with one of its targets."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content = GenericForeignKey("content_type", "object_id")
    goal = models.ForeignKey(SDGGoal, on_delete=models.PROTECT, related_name="tags")
    target = models.ForeignKey(SDGTarget, null=True, blank=True, on_delete=models.PROTECT, related_name="tags")

    objects = TenantManager()

    class Meta:
        ordering = ["goal__number", "id"]
        verbose_name = _("SDG tag")
        verbose_name_plural = _("SDG tags")
        indexes = [models.Index(fields=["content_type", "object_id"], name="sdg_tag_content")]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "goal"], condition=models.Q(target=None), name="sdg_goal_tag_once"
            ),
            models.UniqueConstraint(fields=["content_type", "object_id", "target"], name="sdg_target_tag_once"),
        ]

    def __str__(self) -> str:
        return self.target.code if self.target_id else self.goal.code
