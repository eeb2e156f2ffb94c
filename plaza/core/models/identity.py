"""Verified identity: census records (keyed hashes only), persons and account verifications.

A `Person` is the verified human in one jurisdiction's census; several accounts may verify
as the same person, and binding votes are counted per person.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from plaza.core.tenancy import TenantManager, TenantModel


class CensusImport(TenantModel):
    """One upload of a census file, kept as the record of who loaded what (no identifiers)."""

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(max_length=255)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class CensusRecord(TenantModel):
    """A resident on the census. Identifiers are stored only as keyed hashes (HMAC-SHA256)."""

    document_hash = models.CharField(max_length=64)
    match_hash = models.CharField(max_length=64, help_text="HMAC of document, birth date and postal code")
    # Non-identifying attributes kept for electorates and turnout statistics.
    district = models.CharField(_("district"), max_length=100, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=20, blank=True)
    # The contacts the census gives, if any: where a one-time voting code is sent (votes without an account).
    email = models.EmailField(blank=True, default="")
    phone = models.CharField(max_length=20, blank=True, default="", help_text="E.164, e.g. +33612345678")
    census_import = models.ForeignKey(CensusImport, null=True, on_delete=models.SET_NULL, related_name="+")
    is_active = models.BooleanField(default=True)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "document_hash"], name="census_document_once"),
        ]


class Person(TenantModel):
    """The verified human, distinct from any account: one census record, one person."""

    census_record = models.OneToOneField(CensusRecord, on_delete=models.PROTECT, related_name="person")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("person")


class Verification(TenantModel):
    """An account's proof that it is a person in a jurisdiction."""

    class Level(models.IntegerChoices):
        UNVERIFIED = 0, _("Unverified")
        VERIFIED = 1, _("Verified (census match)")
        OFFICER_VERIFIED = 2, _("Verified in person by an officer")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verifications")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="verifications")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "jurisdiction"], name="one_verification_per_account"),
            models.CheckConstraint(condition=models.Q(level__in=[1, 2]), name="verification_level_known"),
        ]
