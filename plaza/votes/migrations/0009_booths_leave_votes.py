# A ballot's booth is core's booth again under a constraint; votes' own booth and tally tables go (copied in 0008).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0010_booths"),
        ("votes", "0008_booths_move_to_core"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ballot",
            name="booth",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.booth",
            ),
        ),
        migrations.DeleteModel(name="BoothTally"),
        migrations.DeleteModel(name="Booth"),
    ]
