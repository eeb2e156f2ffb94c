"""Gazetteer entries get a stable `address_id` (Open311's), and the gazetteer its distinct names for fuzzy matching.

Existing entries get the id an import now gives them (a hash of the normalised address). The same address
imported twice was two entries; it is now one: the newest is kept. On PostgreSQL the names get a pg_trgm
trigram index (with the jurisdiction in it through btree_gin) where the database user may enable the
extensions (both are trusted from PostgreSQL 13 on);
elsewhere, or without it, `plaza.core.queries.gazetteer` narrows by the names' first and last characters.
"""

import django.db.models.deletion
from django.db import migrations, models

from plaza.core.geocoding import derived_address_id

BATCH = 2000


def give_address_ids(apps, schema_editor):
    Entry = apps.get_model("core", "GazetteerEntry")
    seen: set[tuple[int, str]] = set()
    changed, repeated = [], []
    for entry in Entry.objects.order_by("-pk").iterator(chunk_size=BATCH):  # newest first: it is the one kept
        entry.address_id = derived_address_id(
            kind=entry.kind,
            street_key=entry.street_key,
            number_key=entry.number_key,
            street_type=entry.street_type,
            street=entry.street,
            number=entry.number,
            unit=entry.unit,
            postcode=entry.postcode,
            city=entry.city,
            district=entry.district,
            region=entry.region,
        )
        if (entry.jurisdiction_id, entry.address_id) in seen:
            repeated.append(entry.pk)
            continue
        seen.add((entry.jurisdiction_id, entry.address_id))
        changed.append(entry)
        if len(changed) >= BATCH:
            Entry.objects.bulk_update(changed, ["address_id"])
            changed = []
    Entry.objects.bulk_update(changed, ["address_id"])
    for start in range(0, len(repeated), BATCH):
        Entry.objects.filter(pk__in=repeated[start : start + BATCH]).delete()


def fill_names(apps, schema_editor):
    Entry = apps.get_model("core", "GazetteerEntry")
    Name = apps.get_model("core", "GazetteerName")
    keys = Entry.objects.values_list("jurisdiction_id", "street_key").distinct().order_by()
    batch = []
    for jurisdiction_id, key in keys.iterator(chunk_size=BATCH):
        batch.append(Name(jurisdiction_id=jurisdiction_id, key=key, head=key[:2], tail=key[-2:]))
        if len(batch) >= BATCH:
            Name.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Name.objects.bulk_create(batch, ignore_conflicts=True)


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        """
        DO $$
        BEGIN
            CREATE EXTENSION IF NOT EXISTS pg_trgm;
            BEGIN  -- with btree_gin the jurisdiction is in the index: the planner then prefers it to the tenant index
                CREATE EXTENSION IF NOT EXISTS btree_gin;
                CREATE INDEX IF NOT EXISTS gazetteer_name_trigram
                    ON core_gazetteername USING gin (jurisdiction_id, key gin_trgm_ops);
            EXCEPTION WHEN insufficient_privilege OR undefined_file OR undefined_object OR feature_not_supported THEN
                CREATE INDEX IF NOT EXISTS gazetteer_name_trigram ON core_gazetteername USING gin (key gin_trgm_ops);
            END;
        EXCEPTION WHEN insufficient_privilege OR undefined_file OR undefined_object OR feature_not_supported THEN
            RAISE NOTICE 'pg_trgm is not available: misspelt addresses are matched without trigrams';
        END
        $$
        """
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS gazetteer_name_trigram")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_merge_gazetteer_census_phone_blocks"),
    ]

    operations = [
        migrations.AddField(
            model_name="gazetteerentry",
            name="address_id",
            field=models.CharField(default="", max_length=64, verbose_name="address id"),
            preserve_default=False,
        ),
        migrations.RunPython(give_address_ids, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="gazetteerentry",
            constraint=models.CheckConstraint(
                condition=models.Q(("address_id", ""), _negated=True), name="gazetteer_address_id_not_empty"
            ),
        ),
        migrations.AddConstraint(
            model_name="gazetteerentry",
            constraint=models.UniqueConstraint(
                fields=("jurisdiction", "address_id"), name="gazetteer_address_id_unique"
            ),
        ),
        migrations.CreateModel(
            name="GazetteerName",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=200)),
                ("head", models.CharField(max_length=2)),
                ("tail", models.CharField(max_length=2)),
                (
                    "jurisdiction",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.jurisdiction"
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["jurisdiction", "head"], name="gazetteer_name_head"),
                    models.Index(fields=["jurisdiction", "tail"], name="gazetteer_name_tail"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("jurisdiction", "key"), name="gazetteer_name_unique"),
                    models.CheckConstraint(condition=models.Q(("key", ""), _negated=True), name="gazetteer_name_not_empty"),
                ],
            },
        ),
        migrations.RunPython(fill_names, migrations.RunPython.noop),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
