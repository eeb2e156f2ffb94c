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


class JurisdictionMiddleware:
    """Resolves the jurisdiction once per request, from a mapped domain or `/<jurisdiction>/`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from plaza.core.models import Jurisdiction

        request.jurisdiction = None
        host = request.get_host().split(":")[0].lower() if request.META.get("HTTP_HOST") else ""
        mapped = Jurisdiction.objects.filter(domain=host).first() if host else None
        unprefixed = (
            "/static/",
            "/media/",
            "/api/",
            "/accounts/",
            "/account/",
            "/i18n/",
            "/healthz",
            f"/{getattr(mapped, 'slug', '')}/",
        )
        if mapped is not None and not request.path_info.startswith(unprefixed):
            request.path_info = f"/{mapped.slug}{request.path_info}"
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        slug = match.kwargs.get(TENANT_URL_KWARG)
        if slug is None:
            return self.get_response(request)
        jurisdiction = Jurisdiction.objects.filter(slug=slug, is_active=True).first()
        if jurisdiction is None:
            raise Http404("No such jurisdiction.")
        request.jurisdiction = jurisdiction
        with jurisdiction_scope(jurisdiction):
            return self.get_response(request)
