"""Jurisdictions: the tenants, in a tree (network → country → province → city, any depth)."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plaza.core import geo

COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB."))
COUNTRY_CODE = RegexValidator(r"^[A-Z]{2}$", _("Enter a two-letter country code in capitals, such as FR."))
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
RESERVED_SLUGS = {
    "api",
    "accounts",
    "account",
    "admin",
    "static",
    "media",
    "catalog",
    "network",
    "jobs",
    "i18n",
    "back-office",
    "search",
}


def validate_languages(value) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one language."))
    unknown = [code for code in value if code not in LANGUAGE_CODES]
    if unknown:
        raise ValidationError(_("Unknown language: %(codes)s."), params={"codes": ", ".join(unknown)})


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(zone)s."), params={"zone": value})


def validate_slug_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This address is reserved."))


class Jurisdiction(models.Model):
    class Kind(models.TextChoices):
        NETWORK = "network", _("Network")
        COUNTRY = "country", _("Country")
        PROVINCE = "province", _("Province or region")
        CITY = "city", _("City or municipality")
        OTHER = "other", _("Other")

    slug = models.SlugField(_("address"), max_length=60, unique=True, validators=[validate_slug_not_reserved])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CITY)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    description = models.TextField(_("description"), blank=True)
    languages = models.JSONField(_("languages"), default=list, validators=[validate_languages])
    default_language = models.CharField(_("default language"), max_length=8, default="en")
    country = models.CharField(
        _("country code"),
        max_length=2,
        blank=True,
        validators=[COUNTRY_CODE],
        help_text=_("ISO 3166 two-letter code, e.g. FR: how national phone numbers and addresses are read."),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_time_zone])
    domain = models.CharField(_("domain"), max_length=253, unique=True, null=True, blank=True)
    logo = models.FileField(_("logo"), upload_to="logos/", blank=True)
    primary_colour = models.CharField(_("primary colour"), max_length=7, default="#1d4e89", validators=[COLOUR])
    accent_colour = models.CharField(_("accent colour"), max_length=7, default="#b8450b", validators=[COLOUR])
    is_active = models.BooleanField(_("active"), default=True)
    # Where the jurisdiction is (its seat), for maps of the network; optional.
    latitude = models.FloatField(_("latitude"), null=True, blank=True, validators=[geo.validate_latitude])
    longitude = models.FloatField(_("longitude"), null=True, blank=True, validators=[geo.validate_longitude])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["depth", "name"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        constraints = [
            models.CheckConstraint(condition=~models.Q(parent=models.F("id")), name="jurisdiction_not_own_parent"),
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90) | models.Q(latitude=None),
                name="jurisdiction_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180) | models.Q(longitude=None),
                name="jurisdiction_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.depth = (self.parent.depth + 1) if self.parent_id else 0
        if self.domain == "":
            self.domain = None
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("core:jurisdiction_home", kwargs={"jurisdiction": self.slug})

    def clean(self) -> None:
        if self.default_language and self.languages and self.default_language not in self.languages:
            raise ValidationError({"default_language": _("The default language must be one of the languages.")})
        node = self.parent
        while node is not None:
            if self.pk and node.pk == self.pk:
                raise ValidationError({"parent": _("A jurisdiction cannot be inside itself.")})
            node = node.parent

    def ancestors(self) -> list["Jurisdiction"]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)
