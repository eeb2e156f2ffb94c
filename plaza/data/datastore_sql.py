"""CKAN's datastore_search_sql: one read-only SELECT over public datastore tables, checked twice.

First by a real SQL parser (sqlglot): one statement, a query and nothing that writes, locks or creates, only the
resources named as tables (by id, as in CKAN) that the caller may read, and only functions from a short list.
Each table is then rewritten into a subquery of its own rows in `DatastoreRow` (the columns typed from the
table's fields). Then by the database: on PostgreSQL a read-only transaction with `SET LOCAL statement_timeout`
and, where the role exists, `SET LOCAL ROLE plaza_datastore_reader` (it may read four columns of the rows table
and nothing else); on SQLite `PRAGMA query_only`, an authorizer that allows reading the rows table and the listed
functions only, and a progress handler as the timeout. The transaction is always rolled back.

CKAN's `_full_text` column is there when a query names it: on PostgreSQL the tsvector of the row's text (the
`simple` configuration, also the default of to_tsquery and friends here), so that `_full_text @@ to_tsquery(…)`
is served by the GIN index on that expression; on SQLite the row's text, matched by `datastore_text`.
"""

import secrets
import time
import uuid
from dataclasses import dataclass
from functools import partial

import sqlglot
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _
from sqlglot import exp

from plaza.data import datastore_text
from plaza.data.datastore import _json_value
from plaza.data.models import DatastoreRow, DatastoreTable

READER_ROLE = "plaza_datastore_reader"  # made by migration 0003 where the database user may make roles
ROWS_TABLE = DatastoreRow._meta.db_table

# What a query may call: aggregates, arithmetic, text, dates, conditionals and window numbering. Nothing that
# reads files, other tables, settings or large objects, sleeps, or has side effects.
ALLOWED_FUNCTIONS = (
    exp.Count, exp.Sum, exp.Avg, exp.Min, exp.Max, exp.GroupConcat, exp.ArrayAgg, exp.Stddev, exp.Variance,
    exp.Abs, exp.Round, exp.Floor, exp.Ceil, exp.Sqrt, exp.Pow, exp.Ln, exp.Log, exp.Exp, exp.Sign,
    exp.Lower, exp.Upper, exp.Length, exp.Substring, exp.Trim, exp.Concat, exp.ConcatWs, exp.Replace,
    exp.Left, exp.Right, exp.Initcap, exp.StrPosition, exp.Cast, exp.TryCast, exp.Coalesce, exp.Nullif,
    exp.Case, exp.If, exp.Greatest, exp.Least, exp.Extract, exp.TimestampTrunc, exp.DateTrunc,
    exp.CurrentDate, exp.CurrentTimestamp, exp.RowNumber, exp.Rank, exp.DenseRank, exp.Lag, exp.Lead,
    exp.FirstValue, exp.LastValue, exp.PercentileCont, exp.PercentileDisc,
)  # fmt: skip
CAST_TYPES = {
    getattr(exp.DataType.Type, name)
    for name in ("INT", "BIGINT", "SMALLINT", "DECIMAL", "FLOAT", "DOUBLE", "TEXT", "VARCHAR", "CHAR", "BOOLEAN",
                 "DATE", "TIMESTAMP", "TIMESTAMPTZ", "TIME", "INTERVAL")
}  # fmt: skip
# CKAN's full-text search: `_full_text @@ <tsquery>` (sqlglot reads `@@` as MatchAgainst) and these by name.
FULL_TEXT = "_full_text"
FULL_TEXT_SQL = "to_tsvector('simple'::regconfig, text)"  # the index's expression, character for character
TEXT_SEARCH_FUNCTIONS = {*datastore_text.MAKERS, "to_tsvector", "ts_rank"}
REFUSED_NODES = (exp.DML, exp.DDL, exp.Command, exp.Into, exp.Lock, exp.Placeholder, exp.Parameter)
SYSTEM_PREFIXES = ("pg_", "sqlite_", "information_schema")
# SQLite's own names of the functions above, and json_extract for the rewritten tables.
SQLITE_FUNCTIONS = {
    "count", "sum", "avg", "min", "max", "total", "group_concat", "abs", "round", "floor", "ceil", "ceiling",
    "sqrt", "pow", "power", "ln", "log", "exp", "sign", "lower", "upper", "length", "substr", "substring", "trim",
    "ltrim", "rtrim", "concat", "concat_ws", "replace", "instr", "coalesce", "ifnull", "nullif", "iif",
    "date", "datetime", "strftime", "julianday", "like", "glob", "row_number", "rank", "dense_rank",
    "lag", "lead", "first_value", "last_value", "json_extract", "cast", "printf", "format",
    "plaza_ts_match", "plaza_tsquery",
}  # fmt: skip
POSTGRES_TYPES = {
    "int": "bigint", "numeric": "numeric", "bool": "boolean", "date": "date", "timestamp": "timestamp",
    "time": "time",
}  # fmt: skip
POSTGRES_TYPE_NAMES = {
    16: "bool", 20: "int8", 21: "int2", 23: "int4", 25: "text", 700: "float4", 701: "float8", 1043: "text",
    1082: "date", 1083: "time", 1114: "timestamp", 1184: "timestamptz", 1700: "numeric", 114: "json", 3802: "json",
    3614: "tsvector", 3615: "tsquery",
}  # fmt: skip


class SqlRefused(Exception):
    """Why a query is not run: `authorization` (CKAN's 403) or `query` (CKAN's 409 Validation Error)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind, self.message = kind, message


@dataclass
class SqlResult:
    records: list[dict]
    fields: list[dict]
    truncated: bool


def max_rows() -> int:
    return int(getattr(settings, "PLAZA_DATASTORE_SQL_MAX_ROWS", 32000))  # CKAN's ckan.datastore.search.rows_max


def timeout_ms() -> int:
    return int(getattr(settings, "PLAZA_DATASTORE_SQL_TIMEOUT_MS", 10000))


# --- checking and rewriting ----------------------------------------------------------------------------------


def parse(sql: str) -> exp.Query:
    """The one query in `sql`, or SqlRefused with the reason."""
    try:
        statements = [s for s in sqlglot.parse(sql, read="postgres") if s is not None]
    except sqlglot.errors.SqlglotError as broken:
        raise SqlRefused("query", str(broken).splitlines()[0]) from None
    if len(statements) != 1:
        raise SqlRefused("query", _("Query is not a single statement."))
    query = statements[0]
    if not isinstance(query, exp.Query):
        raise SqlRefused("query", _("Only SELECT queries are allowed."))
    for node in query.walk():
        if isinstance(node, REFUSED_NODES):
            raise SqlRefused("query", _("Only SELECT queries are allowed."))
        if isinstance(node, exp.MatchAgainst) or _text_search_function(node):
            continue
        if isinstance(node, exp.Func) and not isinstance(node, ALLOWED_FUNCTIONS):
            name = node.name if isinstance(node, exp.Anonymous) else node.sql_name()
            raise SqlRefused("authorization", _("Not authorized to call function %(name)s") % {"name": name})
        if isinstance(node, exp.Cast) and node.to.this not in CAST_TYPES:
            raise SqlRefused("query", _("Cannot convert to %(type)s.") % {"type": node.to.sql(dialect="postgres")})
    return query


def _text_search_function(node: exp.Expression) -> bool:
    return isinstance(node, exp.Anonymous) and node.name.lower() in TEXT_SEARCH_FUNCTIONS


def table_names(query: exp.Query) -> set[str]:
    """The tables the query reads, beside its own WITH names; refuses qualified names, system tables, functions."""
    names = set()
    for table in query.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            raise SqlRefused("authorization", _("Not authorized to read from a function."))
        name = table.name
        if table.db or table.catalog or name.lower().startswith(SYSTEM_PREFIXES):
            raise SqlRefused("authorization", _("Not authorized to access system tables"))
        if not defined_by_with(table):
            names.add(name)
    return names


def defined_by_with(table: exp.Table) -> bool:
    """Whether the name is a WITH query visible where it is used, as PostgreSQL scopes them.

    A query's body sees all of its WITH names; a WITH query sees only the earlier ones (every one, itself
    included, under RECURSIVE); outside the query that defines it a name is a table again. So in
    `WITH core_user AS (SELECT * FROM core_user) …` the inner `core_user` is the real table.
    """
    came_from, node = table, table.parent
    while node is not None:
        if isinstance(node, exp.With):
            ctes = list(node.expressions)
            position = next((i for i, cte in enumerate(ctes) if cte is came_from), len(ctes))
            visible = ctes if node.args.get("recursive") else ctes[:position]
            if any(cte.alias_or_name == table.name for cte in visible):
                return True
        elif isinstance(node, exp.Query):
            with_ = node.args.get("with_")
            body_sees = with_ is not None and came_from is not with_
            if body_sees and any(cte.alias_or_name == table.name for cte in with_.expressions):
                return True
        came_from, node = node, node.parent
    return False


def resource_ids(names: set[str]) -> dict[str, uuid.UUID]:
    found = {}
    for name in names:
        try:
            found[name] = uuid.UUID(name)
        except ValueError:
            raise SqlRefused("authorization", not_readable(name)) from None
    return found


def not_readable(name: str) -> str:
    # The same answer for a private, unloaded or unknown resource: nothing tells them apart.
    return _("Not authorized to read resource “%(id)s”.") % {"id": name}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _rows_of(table: DatastoreTable, vendor: str, full_text: bool) -> str:
    """The table's rows as a subquery: `_id` and each column, typed from the fields found when it was loaded, and
    `_full_text` when the query names it: on PostgreSQL the very expression of the GIN index
    `data_datastore_row_full_text` (migration 0004), so that a `_full_text @@ …` condition is served by it."""
    columns = ['number AS "_id"']
    if full_text and FULL_TEXT not in table.column_names():
        columns.append(f'{FULL_TEXT_SQL if vendor == "postgresql" else "text"} AS "{FULL_TEXT}"')
    for field in table.fields:
        name = field["id"]
        if vendor == "postgresql":
            kind = POSTGRES_TYPES.get(field["type"])
            if kind in {"bigint", "numeric", "boolean"}:
                value = f"(data -> {_literal(name)})::{kind}"
            elif kind:
                value = f"(data ->> {_literal(name)})::{kind}"
            else:
                value = f"(data ->> {_literal(name)})"
        else:
            path = '$."' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
            value = f"json_extract(data, {_literal(path)})"
        columns.append(f"{value} AS {_quoted(name)}")
    # Names and keys are quoted above, the id is an integer: nothing here comes unquoted from the caller.
    return f"(SELECT {', '.join(columns)} FROM {ROWS_TABLE} WHERE table_id = {int(table.pk)})"  # noqa: S608


def rewrite(query: exp.Query, tables: dict[str, DatastoreTable], vendor: str) -> str:
    """The query in the database's dialect, each resource table replaced by the subquery of its rows."""
    nonce = secrets.token_hex(12)  # unguessable markers: no literal or name in the query can collide
    subqueries = {}
    full_text = any(column.name.lower() == FULL_TEXT for column in query.find_all(exp.Column))
    if vendor != "postgresql":
        _text_search_for_sqlite(query)
    for number, table in enumerate(list(query.find_all(exp.Table))):
        if table.name not in tables or defined_by_with(table):
            continue
        marker = f"plaza_{nonce}_{number}"
        subqueries[marker] = _rows_of(tables[table.name], vendor, full_text)
        replacement = exp.Table(this=exp.to_identifier(marker, quoted=True))
        replacement.set("alias", exp.TableAlias(this=exp.to_identifier(table.alias or table.name, quoted=True)))
        table.replace(replacement)
    sql = query.sql(dialect="postgres" if vendor == "postgresql" else "sqlite", comments=False)
    for marker, subquery in subqueries.items():
        sql = sql.replace(f'"{marker}"', subquery)
    # One more row than the limit, as CKAN asks, to tell whether the records were cut.
    return f"SELECT * FROM ({sql}) AS plaza_sql LIMIT {max_rows() + 1}"  # noqa: S608 - the checked query


def _text_search_for_sqlite(query: exp.Query) -> None:
    """SQLite has no text search: `a @@ q` becomes plaza_ts_match(a, q) and a tsquery maker the tsquery it makes
    (`datastore_text`); a literal is read here, so that a broken one is refused before anything runs."""
    for node in list(query.find_all(exp.Anonymous)):
        name = node.name.lower()
        if name == "ts_rank":
            raise SqlRefused("query", _("ts_rank needs PostgreSQL: this portal's database is SQLite."))
        if name == "to_tsvector":
            node.replace(node.expressions[-1])  # the text itself (a configuration is PostgreSQL's only)
        elif name in datastore_text.MAKERS:
            node.replace(_tsquery_for_sqlite(name, node.expressions[-1]))
    for match in list(query.find_all(exp.MatchAgainst)):
        _tsquery_for_sqlite("to_tsquery", match.this)  # a literal written as a tsquery is checked too
        match.replace(exp.Anonymous(this="plaza_ts_match", expressions=[match.expressions[0], match.this]))


def _tsquery_for_sqlite(maker: str, text: exp.Expression) -> exp.Expression:
    if not (isinstance(text, exp.Literal) and text.is_string):
        return exp.Anonymous(this="plaza_tsquery", expressions=[exp.Literal.string(maker), text])
    try:
        return exp.Literal.string(datastore_text.tsquery(maker, text.this))
    except datastore_text.TsqueryError as broken:
        raise SqlRefused("query", str(broken)) from None


# --- running -------------------------------------------------------------------------------------------------

_reader_role: dict[str, bool] = {}


def _reader_role_usable(cursor) -> bool:
    """Whether this database has the reader role and may take it (checked once per database and process)."""
    name = connection.settings_dict["NAME"]
    if name not in _reader_role:
        cursor.execute(
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s) "
            "THEN pg_has_role(current_user, %s, 'MEMBER') "
            "AND has_column_privilege(%s, %s, 'data', 'SELECT') "
            "AND has_column_privilege(%s, %s, 'text', 'SELECT') ELSE false END",
            [READER_ROLE, READER_ROLE, READER_ROLE, ROWS_TABLE, READER_ROLE, ROWS_TABLE],
        )
        _reader_role[name] = bool(cursor.fetchone()[0])
    return _reader_role[name]


class _Rollback(Exception):
    pass


def run(sql: str, tables: dict[str, DatastoreTable]) -> SqlResult:
    """Run the checked, rewritten query; the transaction is rolled back whatever happens."""
    found: list = []
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                found = _run_on_postgresql(cursor, sql)
            else:
                found = _run_on_sqlite(cursor, sql)
            raise _Rollback
    except _Rollback:
        pass
    except DatabaseError as failed:
        raise _refusal(failed) from None
    description, rows = found
    names = [column[0] for column in description]
    limit = max_rows()
    records = [{n: _json_value(v) for n, v in zip(names, row, strict=True)} for row in rows[:limit]]
    return SqlResult(records, _fields(description, names, records), truncated=len(rows) > limit)


def _run_on_postgresql(cursor, sql: str):
    cursor.execute("SET LOCAL transaction_read_only = on")
    cursor.execute(f"SET LOCAL statement_timeout = {timeout_ms()}")
    cursor.execute("SET LOCAL default_text_search_config = 'pg_catalog.simple'")  # `_full_text`'s, for to_tsquery('…')
    if _reader_role_usable(cursor):
        cursor.execute(f"SET LOCAL ROLE {READER_ROLE}")
    cursor.execute(sql)
    return cursor.description, cursor.fetchall()


def _run_on_sqlite(cursor, sql: str):
    raw = connection.connection
    deadline = time.monotonic() + timeout_ms() / 1000
    tables = {name.lower() for name in connection.introspection.table_names(cursor)}
    problems: list[str] = []
    cursor.execute("PRAGMA query_only = 1")
    for name, function in (("plaza_ts_match", datastore_text.matches), ("plaza_tsquery", datastore_text.tsquery)):
        raw.create_function(name, 2, partial(_reporting, function, problems), deterministic=True)
    raw.set_authorizer(partial(_sqlite_authorizer, tables))
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 10000)
    try:
        cursor.execute(sql)
        return cursor.description, cursor.fetchall()
    except DatabaseError:
        if problems:  # a tsquery read from the rows themselves: its own message, not SQLite's
            raise SqlRefused("query", problems[0]) from None
        raise
    finally:
        raw.set_authorizer(None)
        raw.set_progress_handler(None, 0)
        for name in ("plaza_ts_match", "plaza_tsquery"):
            raw.create_function(name, 2, None)
        cursor.execute("PRAGMA query_only = 0")


def _reporting(function, problems: list[str], *arguments):
    try:
        return function(*arguments)
    except datastore_text.TsqueryError as broken:
        problems.append(str(broken))
        raise


def _sqlite_authorizer(tables: set[str], action: int, first, second, database, trigger) -> int:
    """Reads of the rows table's four columns, of the query's own WITH names, and listed functions; nothing else."""
    import sqlite3

    if action == sqlite3.SQLITE_SELECT or action == sqlite3.SQLITE_RECURSIVE:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_READ:
        if first == ROWS_TABLE and second in {"table_id", "number", "data", "text", ""}:
            return sqlite3.SQLITE_OK
        if str(first).lower() not in tables and second == "" and database is None:
            return sqlite3.SQLITE_OK  # a WITH name of the query itself, not a table of the database
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and str(second).lower() in SQLITE_FUNCTIONS:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _refusal(failed: DatabaseError) -> SqlRefused:
    cause = failed.__cause__
    code = getattr(getattr(cause, "diag", None), "sqlstate", None) or getattr(cause, "sqlstate", None)
    text = str(failed).strip().splitlines()[0] if str(failed).strip() else failed.__class__.__name__
    if code == "57014" or text == "interrupted":
        return SqlRefused("query", _("Query took too long"))
    if code in {"42501", "25006"} or "not authorized" in text or text.endswith("is prohibited"):
        return SqlRefused("authorization", _("Not authorized to read resource."))
    return SqlRefused("query", text)


def _fields(description, names: list[str], records: list[dict]) -> list[dict]:
    if connection.vendor == "postgresql":
        types = [POSTGRES_TYPE_NAMES.get(column[1], "text") for column in description]
        return [{"id": n, "type": kind} for n, kind in zip(names, types, strict=True)]
    return [{"id": n, "type": _inferred(records, n)} for n in names]


def _inferred(records: list[dict], name: str) -> str:
    value = next((r[name] for r in records if r[name] is not None), None)
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int8"
    if isinstance(value, float):
        return "float8"
    return "text"
