"""Polling booths and their end-of-day totals: the writes every kind of binding ballot shares (votes, budgets).

A booth belongs to one election, named by the voter roll's election key. Setting booths up is part of
setting up the election, so the app's own operation checks who may do it and calls `add_booths` or
`remove_booth` (as it calls `roll.cast_once` to cast). Reporting a day's total is the same act in every
app, so `report_booth_total` checks the poll officer itself; its audit entry points at the election.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from plaza.core.audit import record
from plaza.core.models import Booth, BoothTotal, Jurisdiction, Role, VoterRollEntry
from plaza.core.models.booths import BOOTH_NAME_MAX_LENGTH
from plaza.core.models.roll import Channel
from plaza.core.permissions import require_role
from plaza.core.tenancy import jurisdiction_scope

MAX_BOOTH_TOTAL = 1_000_000  # ballots one booth takes in a day, at most (a typo's guard, and the form's limit)


def booth_names(names: Iterable[str]) -> list[str]:
    """The names given, trimmed, without blanks or repeats; a name too long for the roll is refused."""
    clean = list(dict.fromkeys(name.strip() for name in names if name and name.strip()))
    too_long = [name for name in clean if len(name) > BOOTH_NAME_MAX_LENGTH]
    if too_long:
        raise ValidationError(
            {
                "name": _("Keep a booth's name to %(max)s characters: “%(name)s…” is longer.")
                % {"max": BOOTH_NAME_MAX_LENGTH, "name": too_long[0][:40]}
            }
        )
    return clean


def add_booths(*, jurisdiction: Jurisdiction, election_key: str, names: Iterable[str]) -> list[Booth]:
    """Add the named booths to the election (a name it already has stays as it is); the booths named.

    The caller, the app's set-up operation, has checked that its actor may set up this election.
    """
    clean = booth_names(names)
    booths = Booth.objects.with_scope(jurisdiction=jurisdiction)
    with transaction.atomic():
        return [
            booths.get_or_create(jurisdiction=jurisdiction, election_key=election_key, name=name)[0] for name in clean
        ]


def booth_in_use(booth: Booth) -> bool:
    """Whether a ballot was recorded at the booth (the roll names it) or a day's total reported for it."""
    roll = VoterRollEntry.objects.with_scope(jurisdiction=booth.jurisdiction_id)
    totals = BoothTotal.objects.with_scope(jurisdiction=booth.jurisdiction_id)
    return (
        totals.filter(booth=booth).exists()
        or roll.filter(election_key=booth.election_key, channel=Channel.BOOTH, booth=booth.name).exists()
    )


def remove_booth(*, booth: Booth) -> None:
    """Remove a booth nobody used (a name mistyped, a station that did not open).

    Refused once a ballot was recorded there or a total reported, so that reconciliation keeps both.
    The caller, the app's set-up operation, has checked that its actor may set up this election.
    """
    with transaction.atomic(), jurisdiction_scope(booth.jurisdiction):
        if booth_in_use(booth):
            raise ValidationError(
                _("Ballots or a day's total were recorded at %(booth)s: it stays, so that they can be reconciled.")
                % {"booth": booth.name},
                code="booth_in_use",
            )
        booth.delete()


def report_booth_total(*, officer, election: models.Model, booth: Booth, day: date, count: int) -> BoothTotal:
    """A poll officer reports how many ballots the booth took that day (a second report replaces the first).

    `election` is the votation or budget the booth serves (its `election_key` names it); the public audit
    entry, `<app>.booth_tally`, points at it. A day still to come, or a count out of range, is refused.
    """
    require_role(officer, booth.jurisdiction, Role.POLL_OFFICER, Role.ADMIN)
    if booth.election_key != election.election_key or booth.jurisdiction_id != election.jurisdiction_id:
        raise ValidationError({"booth": _("This booth belongs to another election.")})
    if count < 0:
        raise ValidationError({"count": _("Enter a number of ballots of zero or more.")})
    if count > MAX_BOOTH_TOTAL:
        raise ValidationError(
            {
                "count": _("Enter at most %(max)s ballots.")
                % {"max": number_format(MAX_BOOTH_TOTAL, force_grouping=True)}
            }
        )
    if day > timezone.localdate(timezone=booth.jurisdiction.zone):
        raise ValidationError({"day": _("This day has not come yet: report a day's total at its end.")})
    with transaction.atomic(), jurisdiction_scope(booth.jurisdiction):
        total, _created = BoothTotal.objects.update_or_create(
            booth=booth, day=day, defaults={"jurisdiction": booth.jurisdiction, "count": count, "reported_by": officer}
        )
        record(
            jurisdiction=booth.jurisdiction,
            actor=officer,
            action=f"{election._meta.app_label}.booth_tally",
            target=election,
            data={"booth": booth.name, "day": day.isoformat(), "count": count},
            public=True,
        )
    return total
