# Booths move to core (votes and budgets share them, keyed by the election key). First step: a ballot's booth
# column loses its constraint to votes' booth table, so that 0008 can point it at the booths' new rows in core.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0010_booths"),
        ("votes", "0006_access_code_by_sms"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ballot",
            name="booth",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.booth",
            ),
        ),
    ]
