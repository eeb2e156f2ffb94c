# Budgets' booths were free text, kept only on the roll beside each booth ballot. They become core's booths (keyed by
# the budget's election key), one per name the roll holds, so that officers choose them and totals reconcile.

from django.db import migrations

BUDGET_KEYS = "budgets.budget:"


def booths_from_the_roll(apps, schema_editor):
    roll = apps.get_model("core", "VoterRollEntry")._base_manager
    booths = apps.get_model("core", "Booth")._base_manager
    named = (
        roll.filter(election_key__startswith=BUDGET_KEYS, channel="booth")
        .exclude(booth="")
        .values_list("jurisdiction_id", "election_key", "booth")
        .distinct()
        .order_by()
    )
    for jurisdiction_id, election_key, name in named:
        booths.get_or_create(jurisdiction_id=jurisdiction_id, election_key=election_key, name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0002_budget_amount"),
        ("core", "0010_booths"),
    ]

    # Backwards, the booths stay in core's table (it goes with core's 0010 if that is undone too).
    operations = [migrations.RunPython(booths_from_the_roll, migrations.RunPython.noop)]
