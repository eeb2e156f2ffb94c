# Each votation's booths and their officers' end-of-day totals are copied to core's tables (the booth keyed by the
# votation's election key), and each booth ballot is pointed at its booth's new row. Nothing is lost; 0009 then
# puts the constraint back and drops votes' tables. Each step is its own migration (one transaction each on
# PostgreSQL), so no table is altered while it has rows written in the same transaction.

from django.db import migrations
from django.db.models import F

VOTES_KEYS = "votes.votation:"


def move_to_core(apps, schema_editor):
    old_booths = apps.get_model("votes", "Booth")._base_manager
    old_tallies = apps.get_model("votes", "BoothTally")._base_manager
    booths = apps.get_model("core", "Booth")._base_manager
    totals = apps.get_model("core", "BoothTotal")._base_manager
    ballots = apps.get_model("votes", "Ballot")._base_manager
    moved = {}
    for old in old_booths.order_by("pk"):
        moved[old.pk], _created = booths.get_or_create(
            jurisdiction_id=old.jurisdiction_id, election_key=f"{VOTES_KEYS}{old.votation_id}", name=old.name
        )
    _repoint(ballots, {old_id: booth.pk for old_id, booth in moved.items()})
    _flip(ballots)
    for tally in old_tallies.order_by("pk"):
        total, _created = totals.update_or_create(
            booth=moved[tally.booth_id],
            day=tally.day,
            defaults={
                "jurisdiction_id": tally.jurisdiction_id,
                "count": tally.count,
                "reported_by_id": tally.reported_by_id,
            },
        )
        totals.filter(pk=total.pk).update(reported_at=tally.reported_at)  # auto_now stamped the copy with today


def _repoint(ballots, new_ids: dict[int, int]) -> None:
    """Ballots' booth ids from old to new, negated until `_flip`: so that a new id equal to another old one is
    not moved twice (the column has no constraint meanwhile, see 0007)."""
    for old_id, new_id in new_ids.items():
        ballots.filter(booth_id=old_id).update(booth_id=-new_id)


def _flip(ballots) -> None:
    ballots.filter(booth_id__lt=0).update(booth_id=F("booth_id") * -1)


def move_back(apps, schema_editor):
    old_booths = apps.get_model("votes", "Booth")._base_manager
    old_tallies = apps.get_model("votes", "BoothTally")._base_manager
    booths = apps.get_model("core", "Booth")._base_manager
    totals = apps.get_model("core", "BoothTotal")._base_manager
    ballots = apps.get_model("votes", "Ballot")._base_manager
    new_ids = {}
    for booth in booths.filter(election_key__startswith=VOTES_KEYS).order_by("pk"):
        old = old_booths.create(
            jurisdiction_id=booth.jurisdiction_id,
            votation_id=int(booth.election_key.removeprefix(VOTES_KEYS)),
            name=booth.name,
        )
        new_ids[booth.pk] = old.pk
        for total in totals.filter(booth=booth).order_by("pk"):
            tally = old_tallies.create(
                jurisdiction_id=total.jurisdiction_id,
                booth=old,
                day=total.day,
                count=total.count,
                reported_by_id=total.reported_by_id,
            )
            old_tallies.filter(pk=tally.pk).update(reported_at=total.reported_at)
    _repoint(ballots, new_ids)
    # While the ballots' ids are negated no ballot protects a core booth from being deleted.
    totals.filter(booth__election_key__startswith=VOTES_KEYS).delete()
    booths.filter(election_key__startswith=VOTES_KEYS).delete()
    _flip(ballots)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0010_booths"),
        ("votes", "0007_ballot_booth_unconstrained"),
    ]

    operations = [migrations.RunPython(move_to_core, move_back)]
