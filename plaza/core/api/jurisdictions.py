"""Jurisdictions and their processes: public reads, and writes for a jurisdiction's admins."""

from typing import Annotated

from django.db.models import Prefetch
from django.http import Http404
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from plaza.core.api.auth import PUBLIC_READ, SIGNED_IN
from plaza.core.api.pagination import Pagination
from plaza.core.api.schemas import SLUG_PATTERN, JurisdictionDetailOut, JurisdictionOut, ProcessIn, ProcessOut
from plaza.core.models import ComponentInstance, Jurisdiction, Process
from plaza.core.operations.processes import create_process, publish_process
from plaza.core.queries import processes as queries
from plaza.core.tenancy import jurisdiction_or_404, jurisdiction_scope

router = Router(tags=["jurisdictions"])

Slug = Annotated[str, Path(..., pattern=SLUG_PATTERN, max_length=80)]


def _with_components(processes, jurisdiction: Jurisdiction):
    components = (
        ComponentInstance.objects.with_scope(jurisdiction=jurisdiction)
        .filter(is_published=True)
        .select_related("jurisdiction", "process")
    )
    return processes.prefetch_related(Prefetch("components", queryset=components))


def _process(request, jurisdiction: Jurisdiction, slug: str) -> Process:
    """A published process, or a draft too when the caller administers the jurisdiction."""
    drafts = request.auth.is_admin_of(jurisdiction)
    try:
        return queries.process_page(jurisdiction, slug, include_unpublished=drafts)
    except Process.DoesNotExist as missing:
        raise Http404("No such process.") from missing


@router.get("/jurisdictions", response=list[JurisdictionOut], openapi_extra=PUBLIC_READ)
@paginate(Pagination)
def list_jurisdictions(
    request,
    kind: Jurisdiction.Kind | None = None,
    parent: Annotated[str | None, Query(None, pattern=SLUG_PATTERN, max_length=80)] = None,
):
    """Every active jurisdiction of the network, filtered by kind or by parent's address."""
    found = queries.active_jurisdictions().order_by("depth", "name", "pk")
    if kind:
        found = found.filter(kind=kind)
    if parent:
        found = found.filter(parent__slug=parent)
    return found


@router.get("/jurisdictions/{slug}", response=JurisdictionDetailOut, openapi_extra=PUBLIC_READ)
def get_jurisdiction(request, slug: Slug):
    """One jurisdiction, with its ancestors (root first) and its active children."""
    return jurisdiction_or_404(slug)


@router.get("/jurisdictions/{slug}/processes", response=list[ProcessOut], openapi_extra=PUBLIC_READ)
@paginate(Pagination)
def list_processes(request, slug: Slug):
    """The jurisdiction's published processes with their phases and components."""
    jurisdiction = jurisdiction_or_404(slug)
    with jurisdiction_scope(jurisdiction):
        published = _with_components(queries.published_processes(jurisdiction), jurisdiction)
        return list(published.order_by("-start_date", "title", "pk"))


@router.get("/jurisdictions/{slug}/processes/{process}", response=ProcessOut, openapi_extra=PUBLIC_READ)
def get_process(request, slug: Slug, process: Slug):
    jurisdiction = jurisdiction_or_404(slug)
    with jurisdiction_scope(jurisdiction):
        return _process(request, jurisdiction, process)


@router.post("/jurisdictions/{slug}/processes", response={201: ProcessOut}, auth=SIGNED_IN)
def create_process_endpoint(request, slug: Slug, payload: ProcessIn):
    """Create a draft process (a jurisdiction admin, with a token of write scope)."""
    jurisdiction = jurisdiction_or_404(slug)
    request.auth.require_write(jurisdiction)
    created = create_process(actor=request.auth.user, jurisdiction=jurisdiction, **payload.dict())
    with jurisdiction_scope(jurisdiction):
        return Status(201, queries.process_page(jurisdiction, created.slug, include_unpublished=True))


def _set_published(request, slug: str, process: str, published: bool) -> Process:
    jurisdiction = jurisdiction_or_404(slug)
    request.auth.require_write(jurisdiction)
    with jurisdiction_scope(jurisdiction):
        found = _process(request, jurisdiction, process)
        publish_process(actor=request.auth.user, process=found, published=published)
        return queries.process_page(jurisdiction, process, include_unpublished=True)


@router.post("/jurisdictions/{slug}/processes/{process}/publish", response=ProcessOut, auth=SIGNED_IN)
def publish_process_endpoint(request, slug: Slug, process: Slug):
    """Publish a process: it appears on the jurisdiction's pages and in the API."""
    return _set_published(request, slug, process, True)


@router.post("/jurisdictions/{slug}/processes/{process}/unpublish", response=ProcessOut, auth=SIGNED_IN)
def unpublish_process_endpoint(request, slug: Slug, process: Slug):
    """Take a process back to draft."""
    return _set_published(request, slug, process, False)
