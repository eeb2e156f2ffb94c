"""Tenancy: every request and job runs inside one jurisdiction's scope.

Tenant models use `TenantManager`, a django-scopes manager: a query of tenant content
outside a scope raises `ScopeError`, so the unscoped query is the hard one to write.
Cross-jurisdiction reads say so with `across_jurisdictions()`.
"""

from collections.abc import Iterable
from contextlib import contextmanager

from django.db import models
from django.http import Http404
from django.urls import Resolver404, resolve
from django_scopes import ScopedManager, scope, scopes_disabled

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
DOMAIN_MAP_CACHE_KEY = "plaza:jurisdiction-domains"


def mapped_domains() -> dict[str, str]:
    """{domain: jurisdiction slug}, cached; a jurisdiction's save clears it (plaza.core.signals)."""
    from django.core.cache import cache

    from plaza.core.models import Jurisdiction

    domains = cache.get(DOMAIN_MAP_CACHE_KEY)
    if domains is None:
        rows = Jurisdiction.objects.filter(is_active=True).exclude(domain=None).values_list("domain", "slug")
        domains = dict(rows)
        cache.set(DOMAIN_MAP_CACHE_KEY, domains, 300)
    return domains


class JurisdictionMiddleware:
    """Resolves the jurisdiction once per request, from a mapped domain or `/<jurisdiction>/`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from plaza.core.models import Jurisdiction

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
        jurisdiction = (
            Jurisdiction.objects.filter(slug=slug, is_active=True)
            .select_related("parent__parent__parent__parent")  # the breadcrumb's ancestors, in this one query
            .first()
        )
        if jurisdiction is None:
            raise Http404("No such jurisdiction.")
        request.jurisdiction = jurisdiction
        with jurisdiction_scope(jurisdiction):
            return self.get_response(request)
