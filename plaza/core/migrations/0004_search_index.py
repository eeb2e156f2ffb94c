"""The full-text index behind SearchDocument, built the way each database does it best.

SQLite: an external-content FTS5 table over the folded title and body, kept in sync by
triggers (so every write path, bulk or not, updates it). PostgreSQL: a GIN index on the
same tsvector expression `plaza.core.queries.search` builds with SearchVector, with the `simple` configuration
(no stemming) so both databases match the same words.
"""

from django.db import migrations

FTS = "core_searchdocument_fts"

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(folded_title, folded_body, content='core_searchdocument',"
    " content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON core_searchdocument BEGIN"
    f" INSERT INTO {FTS}(rowid, folded_title, folded_body) VALUES (new.id, new.folded_title, new.folded_body); END",
    f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON core_searchdocument BEGIN"
    f" INSERT INTO {FTS}({FTS}, rowid, folded_title, folded_body)"
    " VALUES ('delete', old.id, old.folded_title, old.folded_body); END",
    f"CREATE TRIGGER {FTS}_au AFTER UPDATE ON core_searchdocument BEGIN"
    f" INSERT INTO {FTS}({FTS}, rowid, folded_title, folded_body)"
    " VALUES ('delete', old.id, old.folded_title, old.folded_body);"
    f" INSERT INTO {FTS}(rowid, folded_title, folded_body) VALUES (new.id, new.folded_title, new.folded_body); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TABLE IF EXISTS {FTS}",
]
POSTGRES_CREATE = [
    "CREATE INDEX core_searchdocument_fts ON core_searchdocument USING GIN ("
    "(setweight(to_tsvector('simple'::regconfig, COALESCE(folded_title, '')), 'A')"
    " || setweight(to_tsvector('simple'::regconfig, COALESCE(folded_body, '')), 'B')))"
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS core_searchdocument_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0003_sdg_taxonomy")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
