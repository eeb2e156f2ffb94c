"""Loads the SDG goals and targets shipped with Plaza, so every database (demo, tests, production) has them."""

from django.db import migrations


def load(apps, schema_editor):
    from plaza.core.sdg import load_sdg_taxonomy

    load_sdg_taxonomy(apps.get_model("core", "SDGGoal"), apps.get_model("core", "SDGTarget"))


class Migration(migrations.Migration):
    dependencies = [("core", "0002_services")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
