"""The gazetteer: a jurisdiction's known addresses and named places, each with its point, for geocoding."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from plaza.core.tenancy import TenantModel


class GazetteerEntry(TenantModel):
    """One address (street + house number) or named place, found by its normalised key.

    `street_key` and `number_key` are what `plaza.core.geocoding.street_key` / `number_key` make of
    the street (or the place's name) and the house number: a typed address is looked up by equality
    on them, an index read whatever the size of the gazetteer.

    `address_id` is its stable public id (Open311's `address_id`): the source's own id when the file
    gives one (OpenAddresses' ID), else a hash of the normalised address, so importing the same
    address again finds the same entry (and moves its point) instead of adding a second one.
    """

    class Kind(models.TextChoices):
        ADDRESS = "address", _("Address")
        PLACE = "place", _("Named place")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ADDRESS)
    address_id = models.CharField(_("address id"), max_length=64)
    street_key = models.CharField(max_length=200)
    number_key = models.CharField(max_length=20, blank=True)
    # The house number's leading digits: the nearest known numbers when the one typed is not known.
    number_value = models.PositiveIntegerField(null=True, blank=True)
    street_type = models.CharField(max_length=20, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    number = models.CharField(_("number"), max_length=20, blank=True)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    label = models.CharField(_("address"), max_length=300)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        verbose_name = _("gazetteer entry")
        verbose_name_plural = _("gazetteer entries")
        indexes = [
            models.Index(fields=["jurisdiction", "street_key", "number_key"], name="gazetteer_lookup"),
            # The nearest known address to a point: a latitude band, longitudes checked in the index.
            models.Index(fields=["jurisdiction", "latitude", "longitude"], name="gazetteer_near"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="gazetteer_point_valid",
            ),
            models.CheckConstraint(condition=~models.Q(street_key=""), name="gazetteer_key_not_empty"),
            models.CheckConstraint(condition=~models.Q(address_id=""), name="gazetteer_address_id_not_empty"),
            # Also the index that finds an entry by its id.
            models.UniqueConstraint(fields=["jurisdiction", "address_id"], name="gazetteer_address_id_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class GazetteerName(TenantModel):
    """One distinct street or place key of a jurisdiction's gazetteer, for prefix and typo-tolerant matching.

    Written by the import beside the entries. A misspelt key is matched against these few rows (a city has
    thousands of streets, not millions): on PostgreSQL through a pg_trgm trigram index where migration
    0010 could make one, elsewhere through the keys sharing the typed key's first or last two characters
    (`head`, `tail`, both indexed), then ranked in Python (`plaza.core.geocoding.name_similarity`).
    """

    key = models.CharField(max_length=200)
    head = models.CharField(max_length=2)
    tail = models.CharField(max_length=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "key"], name="gazetteer_name_unique"),
            models.CheckConstraint(condition=~models.Q(key=""), name="gazetteer_name_not_empty"),
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "head"], name="gazetteer_name_head"),
            models.Index(fields=["jurisdiction", "tail"], name="gazetteer_name_tail"),
        ]

    def __str__(self) -> str:
        return self.key
