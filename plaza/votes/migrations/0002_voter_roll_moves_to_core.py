"""The voter roll moves to core (every binding ballot shares it): its rows are copied, then the old table goes."""

from django.db import migrations

COLUMNS = ("id", "jurisdiction_id", "election_key", "person_id", "channel", "booth", "voted_at")


def copy_roll(apps, schema_editor):
    old = apps.get_model("votes", "VoterRollEntry")
    new = apps.get_model("core", "VoterRollEntry")
    batch = []
    for row in old._base_manager.values(*COLUMNS).iterator(chunk_size=5000):
        batch.append(new(**row))
        if len(batch) == 5000:
            new._base_manager.bulk_create(batch)
            batch = []
    new._base_manager.bulk_create(batch)


def copy_back(apps, schema_editor):
    old = apps.get_model("votes", "VoterRollEntry")
    new = apps.get_model("core", "VoterRollEntry")
    old._base_manager.bulk_create(
        [old(**row) for row in new._base_manager.filter(election_key__startswith="votes.").values(*COLUMNS)]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("votes", "0001_initial"),
        ("core", "0006_voter_roll_and_content_links"),
    ]

    operations = [
        migrations.RunPython(copy_roll, copy_back),
        migrations.DeleteModel(name="VoterRollEntry"),
    ]
