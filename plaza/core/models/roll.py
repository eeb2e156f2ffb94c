"""The voter roll: that a person voted in an election, how and when, and nothing about how they voted."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plaza.core.tenancy import TenantManager, TenantModel


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    BOOTH = "booth", _("At a polling booth")


class VoterRollEntry(TenantModel):
    """A person has voted in an election (a votation, a budget's ballot), named by a string key."""

    # The unique constraint and the booths' index both lead with the jurisdiction: it needs no index of its own
    # (one index less to write with every ballot).
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.CASCADE, related_name="+", db_index=False)
    election_key = models.CharField(max_length=100)
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    booth = models.CharField(max_length=120, blank=True)
    voted_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager()

    class Meta:
        verbose_name = _("voter roll entry")
        verbose_name_plural = _("voter roll")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "election_key", "person"], name="roll_one_vote_per_person"),
        ]
        # The booths' rows, read for their day totals and reconciliation; online rows (most of them) write no entry
        # here, and turnout by channel counts the election's rows through the unique constraint's index.
        indexes = [
            models.Index(
                fields=["jurisdiction", "election_key", "booth"],
                condition=models.Q(channel=Channel.BOOTH),
                name="voter_roll_at_booths",
            )
        ]
