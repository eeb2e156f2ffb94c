"""Polling booths of an election (keyed like the voter roll) and their poll officers' end-of-day totals."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from plaza.core.tenancy import TenantManager, TenantModel

BOOTH_NAME_MAX_LENGTH = 120  # as the roll's `booth`, which names the booth a person voted at


class Booth(TenantModel):
    """A named polling station of one election (a votation, a budget's ballot), where poll officers record ballots.

    The election is named by the roll's election key (`"votes.votation:12"`, `"budgets.budget:3"`), so core
    holds booths without knowing the apps; the roll names a booth ballot's booth by this name.
    """

    election_key = models.CharField(max_length=100)
    name = models.CharField(_("booth name"), max_length=BOOTH_NAME_MAX_LENGTH)

    objects = TenantManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "election_key", "name"], name="booth_name_once_per_election"
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="booth_has_a_name"),
        ]

    def __str__(self) -> str:
        return self.name


class BoothTotal(TenantModel):
    """A poll officer's end-of-day count of the ballots taken at a booth, to reconcile with the recorded ones."""

    booth = models.ForeignKey(Booth, on_delete=models.CASCADE, related_name="totals")
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("ballots counted"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        ordering = ["day", "booth__name"]
        constraints = [models.UniqueConstraint(fields=["booth", "day"], name="booth_total_once_a_day")]
