"""The portal in Plaza's own JSON API: /api/v1/data/<jurisdiction>/datasets (public datasets only)."""

from datetime import date, datetime
from typing import Annotated

from django.http import Http404
from ninja import Path, Router, Schema
from ninja.pagination import paginate

from plaza.core.api.auth import PUBLIC_READ
from plaza.core.api.pagination import Pagination
from plaza.core.api.schemas import SLUG_PATTERN
from plaza.core.models import Jurisdiction
from plaza.core.tenancy import jurisdiction_or_404, jurisdiction_scope
from plaza.data.queries import dataset_request, dataset_requests, public_datasets

router = Router(tags=["data"])
Slug = Annotated[str, Path(..., pattern=SLUG_PATTERN, max_length=100)]


class ResourceOut(Schema):
    id: str
    name: str
    format: str
    url: str


class DatasetOut(Schema):
    id: str
    name: str
    title: str
    description: str
    organization: str
    licence_id: str
    themes: list[str]
    keywords: list[str]
    temporal_start: date | None
    temporal_end: date | None
    spatial: str
    frequency: str
    modified_at: datetime
    url: str
    resources: list[ResourceOut]


def _out(request, dataset) -> dict:
    return {
        "id": str(dataset.uuid),
        "name": dataset.name,
        "title": dataset.title,
        "description": dataset.description,
        "organization": dataset.organization.name,
        "licence_id": dataset.licence_id,
        "themes": [t.code for t in dataset.themes.all()],
        "keywords": [k.name for k in dataset.keywords.all()],
        "temporal_start": dataset.temporal_start,
        "temporal_end": dataset.temporal_end,
        "spatial": dataset.spatial,
        "frequency": dataset.frequency,
        "modified_at": dataset.modified_at,
        "url": request.build_absolute_uri(dataset.get_absolute_url()),
        "resources": [
            {"id": str(r.uuid), "name": r.name, "format": r.format, "url": request.build_absolute_uri(r.download_url())}
            for r in dataset.resources.all()
        ],
    }


@router.get("/{jurisdiction}/datasets", response=list[DatasetOut], openapi_extra=PUBLIC_READ)
@paginate(Pagination)
def list_datasets(request, jurisdiction: Slug):
    """The jurisdiction's public datasets, by short name."""
    return _Page(request, jurisdiction_or_404(jurisdiction))


@router.get("/{jurisdiction}/datasets/{name}", response=DatasetOut, openapi_extra=PUBLIC_READ)
def get_dataset(request, jurisdiction: Slug, name: Slug):
    """One public dataset with its resources."""
    j = jurisdiction_or_404(jurisdiction)
    with jurisdiction_scope(j):
        found = public_datasets([j]).filter(name=name).first()
        shaped = _out(request, found) if found else None
    if shaped is None:
        raise Http404("No such dataset.")
    return shaped


class _Page:
    """Lets the paginator count and slice the queryset, and shapes only the page it keeps."""

    def __init__(self, request, jurisdiction: Jurisdiction):
        self.request, self.jurisdiction = request, jurisdiction

    def count(self) -> int:
        with jurisdiction_scope(self.jurisdiction):
            return public_datasets([self.jurisdiction]).count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[dict]:
        # The paginator slices after the endpoint returned: enter the scope for the read.
        with jurisdiction_scope(self.jurisdiction):
            return [_out(self.request, d) for d in public_datasets([self.jurisdiction])[window]]


class DatasetRequestOut(Schema):
    id: int
    title: str
    description: str
    status: str
    answer: str
    organization: str | None
    dataset: str | None
    supports: int
    created_at: datetime
    url: str


def _request_out(request, found) -> dict:
    return {
        "id": found.pk,
        "title": found.title,
        "description": found.description,
        "status": found.status,
        "answer": found.answer,
        "organization": found.organization.name if found.organization else None,
        "dataset": found.dataset.name if found.dataset else None,
        "supports": found.support_count,
        "created_at": found.created_at,
        "url": request.build_absolute_uri(found.get_absolute_url()),
    }


@router.get("/{jurisdiction}/requests", response=list[DatasetRequestOut], openapi_extra=PUBLIC_READ)
def list_requests(request, jurisdiction: Slug, status: str = ""):
    """Residents' dataset requests, most supported first (status: open, planned, published, declined)."""
    j = jurisdiction_or_404(jurisdiction)
    with jurisdiction_scope(j):
        return [_request_out(request, r) for r in dataset_requests(j, status)[:500]]


@router.get("/{jurisdiction}/requests/{request_id}", response=DatasetRequestOut, openapi_extra=PUBLIC_READ)
def get_request(request, jurisdiction: Slug, request_id: int):
    """One dataset request with the publisher's answer."""
    j = jurisdiction_or_404(jurisdiction)
    with jurisdiction_scope(j):
        found = dataset_request(j, request_id)
        if found is None:
            raise Http404("No such request.")
        return _request_out(request, found)
