"""Tenancy: every request and job runs inside one jurisdiction's scope.

Tenant models use `TenantManager`, a django-scopes manager: a query of tenant content
outside a scope raises `ScopeError`, so the unscoped query is the hard one to write.
Cross-jurisdiction reads say so with `across_jurisdictions()`.
"""

from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connections, models
from django.http import Http404
from django.urls import Resolver404, resolve
from django_scopes import ScopedManager, scope, scopes_disabled

from plaza.core import rows

TENANT_URL_KWARG = "jurisdiction"


def TenantManager(path: str = "jurisdiction", _manager_class=models.Manager):  # noqa: N802
    """The manager of every tenant model (named like a class: it builds one)."""
    return ScopedManager(_manager_class=_manager_class, jurisdiction=path)


class TenantModel(models.Model):
    """A row that belongs to exactly one jurisdiction."""

    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.CASCADE, related_name="+", db_index=True)

    objects = TenantManager()

    class Meta:
        abstract = True


@contextmanager
def jurisdiction_scope(jurisdiction):
    """Enter one jurisdiction (or several, given a list) for tenant queries."""
    value = list(jurisdiction) if isinstance(jurisdiction, Iterable) else jurisdiction
    if value is None:
        raise ValueError("A jurisdiction scope needs a jurisdiction.")
    with scope(jurisdiction=value):
        yield


@contextmanager
def across_jurisdictions():
    """Explicitly read across every jurisdiction (network-wide pages, the network's staff)."""
    with scopes_disabled():
        yield


# Addresses that never belong to one jurisdiction, even on a jurisdiction's own domain.
NETWORK_PATHS = ("/static/", "/media/", "/api/", "/accounts/", "/account/", "/i18n/", "/healthz", "/admin/")
JURISDICTIONS_TOPIC = "core.jurisdictions"  # what is kept of the jurisdictions (core/fragments.py): their domains


def mapped_domains() -> dict[str, str]:
    """{domain: jurisdiction slug}, kept until a jurisdiction is saved or deleted (plaza.core.signals)."""
    from plaza.core import fragments
    from plaza.core.models import Jurisdiction

    def load() -> dict[str, str]:
        return dict(Jurisdiction.objects.filter(is_active=True).exclude(domain=None).values_list("domain", "slug"))

    return fragments.kept(JURISDICTIONS_TOPIC, "domains", (), load, shared=True)  # only read


ANCESTOR_LEVELS = 4  # the breadcrumb's ancestors read with the jurisdiction; a deeper one is read when asked for
_chain_queries: dict[str, tuple[str, list[str], list]] = {}


def active_jurisdiction(slug: str, using: str = "default"):
    """The active jurisdiction at `/<slug>/` with its parents up to ANCESTOR_LEVELS, in one query, or None.

    What `filter(slug=…, is_active=True).select_related("parent__parent__parent__parent")` reads, with the
    same column conversions, from SQL written once per process: compiling that five-table queryset cost
    about 3 ms of CPU on every page, twenty times the query itself.
    """
    from plaza.core.models import Jurisdiction

    connection = connections[using]
    if connection.vendor not in _chain_queries:
        _chain_queries[connection.vendor] = _chain_query(connection)
    sql, found = _chain_queries[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug])
        row = cursor.fetchone()
    if row is None:
        return None
    parent_field, chain = Jurisdiction._meta.get_field("parent"), []
    width = len(found)
    for level in range(ANCESTOR_LEVELS + 1):
        values = row[level * width : (level + 1) * width]
        if values[0] is None:  # the id (first column): no parent at this level, the previous one's parent is None
            parent_field.set_cached_value(chain[-1], None)
            break
        node = rows.instance(found, values, connection)
        if chain:
            parent_field.set_cached_value(chain[-1], node)
        chain.append(node)
    return chain[0]


def jurisdiction_or_404(slug: str):
    """The active jurisdiction at `/<slug>/` (as `active_jurisdiction`), or Http404: every page and API address."""
    found = active_jurisdiction(slug)
    if found is None:
        raise Http404("No such jurisdiction.")
    return found


def _chain_query(connection) -> tuple[str, rows.Columns]:
    from plaza.core.models import Jurisdiction

    meta, quote = Jurisdiction._meta, connection.ops.quote_name
    table, key, parent = quote(meta.db_table), quote(meta.pk.column), quote(meta.get_field("parent").column)
    selects, joins = [], []
    for level in range(ANCESTOR_LEVELS + 1):
        selects.append(rows.columns(Jurisdiction, f"j{level}", connection).select)
        if level:
            joins.append(f"LEFT JOIN {table} j{level} ON j{level}.{key} = j{level - 1}.{parent}")
    where = f"j0.{quote('slug')} = %s AND j0.{quote('is_active')}"
    sql = f"SELECT {', '.join(selects)} FROM {table} j0 {' '.join(joins)} WHERE {where}"  # noqa: S608 - names from the model
    return sql, rows.columns(Jurisdiction, "j0", connection)


class JurisdictionMiddleware:
    """Resolves the jurisdiction once per request, from a mapped domain or `/<jurisdiction>/`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.jurisdiction = None
        if request.path_info.startswith(NETWORK_PATHS):
            return self.get_response(request)
        host = request.get_host().split(":")[0].lower() if request.META.get("HTTP_HOST") else ""
        mapped_slug = mapped_domains().get(host) if host else None
        if mapped_slug is not None and not request.path_info.startswith(f"/{mapped_slug}/"):
            request.path_info = f"/{mapped_slug}{request.path_info}"
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        slug = match.kwargs.get(TENANT_URL_KWARG)
        if slug is None:
            return self.get_response(request)
        jurisdiction = jurisdiction_or_404(slug)
        request.jurisdiction = jurisdiction
        with jurisdiction_scope(jurisdiction):
            return self.get_response(request)
