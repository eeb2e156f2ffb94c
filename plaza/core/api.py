"""The JSON API at /api/v1/ (OpenAPI 3 at /api/v1/openapi.json, docs at /api/v1/docs)."""

from datetime import date, datetime

from django.http import Http404
from django.utils.module_loading import import_string
from ninja import NinjaAPI, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from plaza.core.components import registry
from plaza.core.models import Jurisdiction, Process
from plaza.core.queries import processes as queries
from plaza.core.tenancy import jurisdiction_scope

api = NinjaAPI(
    title="Plaza API",
    version="1",
    urls_namespace="api",
    description="Open local government: jurisdictions, processes and their components.",
)


class JurisdictionOut(Schema):
    slug: str
    name: str
    kind: str
    parent: str | None
    languages: list[str]
    default_language: str
    time_zone: str
    url: str

    @staticmethod
    def resolve_parent(obj: Jurisdiction) -> str | None:
        return obj.parent.slug if obj.parent_id else None

    @staticmethod
    def resolve_url(obj: Jurisdiction) -> str:
        return obj.get_absolute_url()


class PhaseOut(Schema):
    position: int
    title: str
    starts_at: datetime
    ends_at: datetime
    status: str


class ProcessOut(Schema):
    slug: str
    jurisdiction: str
    title: str
    subtitle: str
    description: str
    start_date: date | None
    end_date: date | None
    phases: list[PhaseOut]
    url: str

    @staticmethod
    def resolve_jurisdiction(obj: Process) -> str:
        return obj.jurisdiction.slug

    @staticmethod
    def resolve_phases(obj: Process) -> list:
        return list(obj.phases.all())

    @staticmethod
    def resolve_url(obj: Process) -> str:
        return obj.get_absolute_url()


core_router = Router(tags=["jurisdictions"])


def _jurisdiction(slug: str) -> Jurisdiction:
    found = queries.active_jurisdictions().filter(slug=slug).first()
    if found is None:
        raise Http404("No such jurisdiction.")
    return found


@core_router.get("/jurisdictions", response=list[JurisdictionOut])
@paginate(LimitOffsetPagination)
def list_jurisdictions(request):
    return queries.active_jurisdictions().order_by("depth", "name")


@core_router.get("/jurisdictions/{slug}", response=JurisdictionOut)
def get_jurisdiction(request, slug: str):
    return _jurisdiction(slug)


@core_router.get("/jurisdictions/{slug}/processes", response=list[ProcessOut])
@paginate(LimitOffsetPagination)
def list_processes(request, slug: str):
    jurisdiction = _jurisdiction(slug)
    with jurisdiction_scope(jurisdiction):
        return list(queries.published_processes(jurisdiction))


@core_router.get("/jurisdictions/{slug}/processes/{process}", response=ProcessOut)
def get_process(request, slug: str, process: str):
    jurisdiction = _jurisdiction(slug)
    with jurisdiction_scope(jurisdiction):
        try:
            return queries.process_page(jurisdiction, process)
        except Process.DoesNotExist as missing:
            raise Http404("No such process.") from missing


api.add_router("/", core_router)
for manifest in registry:
    if manifest.api_router:
        api.add_router(f"/{manifest.name}/", import_string(manifest.api_router.replace(":", ".")))
