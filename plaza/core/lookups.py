"""`<field>__any_of=[...]`: membership in a list of values sent as ONE parameter on PostgreSQL.

Django's `__in` writes one placeholder per value and adapts each: with the few hundred member ids
of a network on every overview query, building and sending those parameters cost more than the
queries themselves. On PostgreSQL `__any_of` writes `column = ANY(%s)` with the list as one array
parameter (the same plans as IN: PostgreSQL rewrites IN lists to `= ANY` itself); elsewhere it is
`IN (...)`. An empty list matches nothing, as `__in` does.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [self.lhs.output_field.get_prep_value(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]
        marks = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({marks})", [*lhs_params, *self.rhs]


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)
