"""PostgreSQL keeps each search document's weighted tsvector in a column, kept by a trigger, under a GIN index.

It replaces migration `search_index`'s GIN index on the same expression: the index served matching, but
ranking (`ts_rank`) parsed every matching document's title and body again. The trigger computes the very
expression `search_index` indexed (the `simple` configuration, title weight A, body weight B), on every
insert and on every update, whatever writes the row (bulk or not). SQLite keeps its FTS5 table; the column
stays empty there.
"""

import django.contrib.postgres.search
from django.db import migrations

VECTOR = (
    "setweight(to_tsvector('simple'::regconfig, COALESCE({row}folded_title, '')), 'A')"
    " || setweight(to_tsvector('simple'::regconfig, COALESCE({row}folded_body, '')), 'B')"
)
CREATE = [
    "CREATE FUNCTION core_searchdocument_vector() RETURNS trigger LANGUAGE plpgsql AS $$"
    f" BEGIN NEW.search_vector := {VECTOR.format(row='NEW.')}; RETURN NEW; END $$",
    "CREATE TRIGGER core_searchdocument_vector BEFORE INSERT OR UPDATE ON core_searchdocument"
    " FOR EACH ROW EXECUTE FUNCTION core_searchdocument_vector()",
    f"UPDATE core_searchdocument SET search_vector = {VECTOR.format(row='')}",
    "CREATE INDEX core_searchdocument_vector ON core_searchdocument USING GIN (search_vector)",
    "DROP INDEX IF EXISTS core_searchdocument_fts",
]
DROP = [
    f"CREATE INDEX core_searchdocument_fts ON core_searchdocument USING GIN (({VECTOR.format(row='')}))",
    "DROP INDEX IF EXISTS core_searchdocument_vector",
    "DROP TRIGGER IF EXISTS core_searchdocument_vector ON core_searchdocument",
    "DROP FUNCTION IF EXISTS core_searchdocument_vector()",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0011_merge_booths_gazetteer_ids")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(_run(CREATE), _run(DROP)),
    ]
