"""CKAN's `_full_text` for datastore_search_sql on PostgreSQL: a GIN index on the tsvector of each row's text, and
the reader role's right to read that text (SQLite matches `_full_text` in Python and needs neither)."""

from django.db import migrations

ROLE = "plaza_datastore_reader"
INDEX = "data_datastore_row_full_text"


def full_text_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The expression is datastore_sql.FULL_TEXT_SQL's, character for character: the planner matches them.
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON data_datastorerow USING gin (to_tsvector('simple'::regconfig, text))"
    )
    schema_editor.execute(
        f"""
        DO $$
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}') THEN
                GRANT SELECT (text) ON data_datastorerow TO {ROLE};
            END IF;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'datastore_search_sql runs without the {ROLE} role';
        END
        $$
        """
    )


def drop_full_text_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(
        f"""
        DO $$
        BEGIN
            REVOKE SELECT (text) ON data_datastorerow FROM {ROLE};
        EXCEPTION WHEN undefined_object OR insufficient_privilege THEN NULL;
        END
        $$
        """
    )


class Migration(migrations.Migration):
    dependencies = [("data", "0003_datastore_sql_reader")]

    operations = [migrations.RunPython(full_text_index, drop_full_text_index)]
