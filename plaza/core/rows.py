"""Rows read and written with SQL built by hand from the models: for the few reads and writes on every request whose
queryset costs more to compile than to run (the jurisdiction chain of every page, an API token on every API write,
the rows of a new report).

`columns(model, alias, connection)` says what to select for a model's concrete fields under a table alias and how
Django would convert each value (the backend's converters for the column, then the field's: the compiler's own);
`instance(columns, values, connection)` makes the model instance from those values, as a queryset would.

`version_stamp(*tables)` is the SQL of rows' versions, for a process that keeps rows and checks them when it writes.

`insert(instance)`, `add(model, key, values)` (counters, one upsert) build statements; `run(statements)` runs them
atomically, as one statement on PostgreSQL; `insert_with(instance, then)` adds the rows that need the new row's key.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections, transaction

from plaza.core.prepared import prepared_cursor


@dataclass(frozen=True)
class Columns:
    model: type
    select: str  # "alias.col1, alias.col2, …", the primary key first
    names: list[str]  # the fields' attnames, in the same order
    converters: list  # (column expression, [converter, …]) per field

    def __len__(self) -> int:
        return len(self.names)


def columns(model, alias: str, connection) -> Columns:
    meta, quote = model._meta, connection.ops.quote_name
    fields = [meta.pk, *(f for f in meta.concrete_fields if not f.primary_key)]
    converters = []
    for field in fields:
        column = field.get_col(meta.db_table)
        converters.append((column, connection.ops.get_db_converters(column) + field.get_db_converters(connection)))
    select = ", ".join(f"{alias}.{quote(field.column)}" for field in fields)
    return Columns(model, select, [field.attname for field in fields], converters)


def instance(found: Columns, values, connection):
    """The model instance of one row's values (in `found`'s order), converted as Django converts them."""
    values = list(values)
    for index, (column, functions) in enumerate(found.converters):
        for convert in functions:
            values[index] = convert(values[index], column, connection)
    return found.model.from_db(connection.alias, found.names, values)


def version_stamp(*tables: str) -> str:
    """A SQL expression (PostgreSQL) that changes whenever one of these rows (tables or aliases of a query) changes:
    each row's version, its `xmin` (the transaction that wrote it: any UPDATE by another transaction makes a new
    one, the usual optimistic-concurrency token) with its `ctid` (where the version lies: an UPDATE in the same
    transaction as the version read puts the new one elsewhere, and a place freed by VACUUM is taken again only by
    a later transaction's version); NULLs for a missing row of an outer join. A lean write keeps rows in its
    process with their stamp and checks it in its one statement (votes' and budgets' API ballots)."""
    return "ROW(" + ", ".join(f"{t}.xmin, {t}.ctid" for t in tables) + ")::text"


# Writes: the rows one operation adds, in one statement on PostgreSQL.

Statement = tuple[str, list]  # SQL with %s placeholders, and its parameters


def insert(instance, connection) -> Statement:
    """INSERT of one unsaved model instance, its fields prepared as `save()` prepares them (defaults, auto_now_add:
    the instance's attributes are set as save() sets them). No signals are sent: only for models that have none."""
    sql, fields = _insert_sql(type(instance), connection.alias, instance.pk is None)
    return sql, [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]


@functools.cache
def _insert_sql(model, using: str, without_key: bool) -> tuple[str, list]:  # built once per model
    quote = connections[using].ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and without_key)]
    columns, marks = ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})", fields  # noqa: S608


def add(model, key: dict, values: dict, connection) -> Statement:
    """Add `values` (counters) to the row of `model` named by `key`, creating it on first use: one upsert.

    `key` names a row by fields that a unique constraint of the model covers: for each nullable field of the key,
    a partial one (`condition=Q(field__isnull=False)` beside one without the field for `isnull=True`), as
    reports' figures have; the conflict target names the constraint that applies to this row.
    """
    nulls = tuple(name for name, value in key.items() if value is None)
    conflict = _conflict_sql(model, connection.alias, tuple(key), nulls, tuple(values))
    sql, params = insert(model(**key, **values), connection)
    return sql + conflict, params


@functools.cache
def _conflict_sql(model, using: str, key: tuple, nulls: tuple, added: tuple) -> str:  # built once per shape
    quote = connections[using].ops.quote_name
    fields = {f.attname: f for f in model._meta.concrete_fields}
    target, conditions = [], []
    for name in key:
        column = quote(fields[name].column)
        if fields[name].null:
            conditions.append(f"{column} IS {'' if name in nulls else 'NOT '}NULL")
        if name not in nulls:
            target.append(column)
    table = quote(model._meta.db_table)
    sets = ", ".join(
        f"{quote(fields[n].column)} = {table}.{quote(fields[n].column)} + EXCLUDED.{quote(fields[n].column)}"
        for n in added
    )
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return f" ON CONFLICT ({', '.join(target)}){where} DO UPDATE SET {sets}"


def run(statements: list[Statement], using: str = "default") -> None:
    """Run the statements atomically: on PostgreSQL as ONE statement (every one but the last a data-modifying CTE of
    the last), which commits or fails as a whole without BEGIN and COMMIT (inside a caller's transaction, it is part
    of that); elsewhere one after the other in a transaction. The statements must not depend on each other's effects
    (PostgreSQL runs a statement's CTEs against the same snapshot) and must not touch the same row twice."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        heads = ", ".join(f"w{n} AS ({sql})" for n, (sql, _params) in enumerate(statements[:-1]))
        sql = f"WITH {heads} {statements[-1][0]}" if heads else statements[-1][0]
        with prepared_cursor(using) as cursor:
            cursor.execute(sql, [value for _sql, values in statements for value in values])
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        _one_by_one(cursor, statements)


def _one_by_one(cursor, statements: list[Statement]) -> None:
    for sql, params in statements:
        cursor.execute(sql, params)


_sequences: dict[tuple[str, str], str] = {}


def insert_with(instance, then: Callable[[], list[Statement]], using: str = "default") -> None:
    """Insert `instance` (its primary key unset) together with the statements `then()` builds once the key is known,
    atomically. PostgreSQL: the key taken from the table's sequence, then one statement (`run`); elsewhere the row
    is saved first (no signals) and the rest follows in the same transaction."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(*insert(instance, connection))
            instance.pk = connection.ops.last_insert_id(cursor, instance._meta.db_table, instance._meta.pk.column)
            instance._state.adding, instance._state.db = False, using
            _one_by_one(cursor, then())
        return
    meta = instance._meta
    with prepared_cursor(using) as cursor:
        name = _sequences.get((using, meta.db_table))
        if name is None:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])
            name = _sequences[(using, meta.db_table)] = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [name])
        instance.pk = cursor.fetchone()[0]
    instance._state.adding, instance._state.db = False, using
    run([insert(instance, connection), *then()], using)
