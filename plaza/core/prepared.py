"""Hot statements prepared once per database connection on PostgreSQL (the lean write path's few statements).

Planning a join of six tables costs PostgreSQL about a millisecond of CPU, more than running it;
the ballot's lean path runs the same three statements thousands of times a minute. A
`prepared_cursor()` runs its statements with server-side parameters and `prepare=True`, so each
connection plans each statement once (psycopg's protocol-level prepared statements: they work
through PgBouncer 1.21+ with `max_prepared_statements` set, else set PLAZA_PREPARED_STATEMENTS=0;
see docs/deploy.md). The rest of Plaza
keeps Django's default client-side binding. On other databases it is Django's ordinary cursor.
Statements still go through Django's cursor wrapper, so tests count them as any other.
"""

import functools

from django.conf import settings
from django.db import connections


def _prepared_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor
    from psycopg import _queries

    # psycopg converts a statement's %s placeholders to $n once and keeps the result, except for statements over
    # 4,096 characters or 50 parameters (an ORM's many-row INSERTs, seldom the same twice). A lean write's one
    # statement (a new report's seven rows: 8 kB, 140 parameters) is the same every time, and converting it
    # afresh cost half a millisecond: here every statement's conversion is kept (they are few and fixed).
    # Kept by the statement's text as given (a str hashes once and keeps its hash): no encoding, no hashing of the
    # statement's bytes on every call.
    @functools.lru_cache(maxsize=64)
    def converted(query: str | bytes, encoding: str):
        return _queries._query2pg_nocache(query.encode(encoding) if isinstance(query, str) else query, encoding)

    class KeptQuery(_queries.PostgresQuery):
        __slots__ = ()

        def convert(self, query, vars):  # noqa: A002 - psycopg's own signature
            if vars is None or not isinstance(query, str | bytes):
                return super().convert(query, vars)
            self.query, self._want_formats, self._order, self._parts = converted(query, self._tx.encoding)
            self.dump(vars)
            return None

    class PreparedCursor(ServerBindingCursor):
        """Kept for its connection (`prepared_cursor`): closing it, as Django's cursor wrapper does when its block
        ends, leaves it open for the next statement (the next execute replaces the last result)."""

        _query_cls = KeptQuery

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

        def close(self) -> None:
            return None

    return PreparedCursor


_classes: list = []


# Django turns psycopg's preparing off (prepare_threshold None); with a threshold no statement reaches by
# itself, only the statements run here (prepare=True) are prepared. Django's own cursors bind on the
# client side and are never prepared.
ONLY_WHEN_ASKED = 2**31


def prepared_cursor(using: str = "default"):
    """The connection's one prepared cursor (made once per connection): read a statement's rows before running the
    next statement through `prepared_cursor`, which reuses it."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not settings.PLAZA_PREPARED_STATEMENTS:
        return connection.cursor()
    if not _classes:
        _classes.append(_prepared_cursor_class())
    connection.ensure_connection()
    connection.validate_thread_sharing()
    if connection.connection.prepare_threshold is None:
        connection.connection.prepare_threshold = ONLY_WHEN_ASKED
    kept = connection.__dict__.get("plaza_prepared_cursor")  # one per connection (and so per thread), made once
    if kept is None or kept.connection is not connection.connection or kept.closed:
        kept = connection.__dict__["plaza_prepared_cursor"] = _classes[0](connection.connection)
    return connection.make_debug_cursor(kept) if connection.queries_logged else connection.make_cursor(kept)
