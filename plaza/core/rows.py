"""Model instances from SQL written once per process: for the few reads on every request whose queryset costs
more to compile than to run (the jurisdiction chain of every page, an API token on every API write).

`columns(model, alias, connection)` says what to select for a model's concrete fields under a table alias and how
Django would convert each value (the backend's converters for the column, then the field's: the compiler's own);
`instance(columns, values, connection)` makes the model instance from those values, as a queryset would.
"""

from dataclasses import dataclass


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
