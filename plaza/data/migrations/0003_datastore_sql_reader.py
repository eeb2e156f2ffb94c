"""The role datastore_search_sql takes on PostgreSQL: it may read the datastore rows' three columns and nothing else."""

from django.db import migrations

ROLE = "plaza_datastore_reader"


def reader_role(apps, schema_editor):
    # A cluster-wide role: made once, granted per database. A database user that may not make roles skips it
    # (datastore_search_sql then runs without it, still read-only and checked by the parser).
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"""
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}') THEN
                CREATE ROLE {ROLE} NOLOGIN NOINHERIT;
            END IF;
            GRANT {ROLE} TO CURRENT_USER;
            GRANT SELECT (table_id, number, data) ON data_datastorerow TO {ROLE};
        EXCEPTION WHEN insufficient_privilege OR duplicate_object OR unique_violation THEN
            RAISE NOTICE 'datastore_search_sql runs without the {ROLE} role';
        END
        $$
        """
    )


def revoke_reader(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"""
            DO $$
            BEGIN
                REVOKE ALL ON data_datastorerow FROM {ROLE};
            EXCEPTION WHEN undefined_object OR insufficient_privilege THEN NULL;
            END
            $$
            """
        )


class Migration(migrations.Migration):
    dependencies = [("data", "0002_datastore_requests_usage_harvest")]

    operations = [migrations.RunPython(reader_role, revoke_reader)]
