"""The reports' JSON API at /api/v1/reports/: categories, reports (public fields), and reporting."""

from datetime import datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate

from plaza.core.api.auth import PUBLIC_READ, SIGNED_IN
from plaza.core.api.pagination import Pagination
from plaza.core.api.schemas import SLUG_PATTERN
from plaza.core.geo import make_point
from plaza.core.geocoding import address_by_id, locate
from plaza.core.tenancy import jurisdiction_or_404, jurisdiction_scope
from plaza.reports import queries
from plaza.reports.operations import submit_report

router = Router(tags=["reports"])
Slug = Annotated[str, Path(..., pattern=SLUG_PATTERN, max_length=80)]


class CategoryOut(Schema):
    code: str
    name: str
    description: str
    department: str
    acknowledge_hours: int
    fix_hours: int


class ReportOut(Schema):
    id: int
    category: str = Field(..., alias="category.code")
    department: str
    area: str | None = None
    status: str
    close_reason: str
    # Empty, and `description_hidden` true, while a moderator has the reporter blocked (the report stays).
    description: str = Field(..., alias="public_description")
    description_hidden: bool
    latitude: float | None
    longitude: float | None
    address: str
    address_id: str = Field(..., description="The gazetteer entry it was located by (Open311's address_id), or ''")
    reporter: str = Field(..., alias="public_reporter")
    supporters: int = Field(..., alias="supporters_count")
    created_at: datetime
    acknowledged_at: datetime | None
    fixed_at: datetime | None
    closed_at: datetime | None
    url: str = Field(..., alias="get_absolute_url")

    @staticmethod
    def resolve_area(report) -> str | None:
        return report.area.name if report.area else None


class ReportIn(Schema):
    category: str = Field(..., max_length=60, description="A category's code")
    description: str = Field(..., max_length=5000)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    address: str = Field("", max_length=300)
    address_id: str = Field(
        "", max_length=64, description="A gazetteer entry's id (see /api/v1/jurisdictions/{slug}/geocode)"
    )
    is_anonymous: bool = False


@router.get("/{slug}/categories", response=list[CategoryOut], openapi_extra=PUBLIC_READ)
def list_categories(request, slug: Slug):
    """The categories residents report under (Open311's services)."""
    jurisdiction = jurisdiction_or_404(slug)
    with jurisdiction_scope(jurisdiction):
        return list(queries.categories(jurisdiction).order_by("code"))


@router.get("/{slug}/reports", response=list[ReportOut], openapi_extra=PUBLIC_READ)
@paginate(Pagination)
def list_reports(
    request,
    slug: Slug,
    status: Annotated[str, Field("", max_length=20)] = "",
    category: Annotated[str, Field("", max_length=60)] = "",
):
    """Reports, newest first; `status` is one of the statuses or `open` (every open one)."""
    jurisdiction = jurisdiction_or_404(slug)
    with jurisdiction_scope(jurisdiction):
        return list(queries.public_reports(jurisdiction, status=status, category=category)[:5000])


@router.get("/{slug}/reports/{report_id}", response=ReportOut, openapi_extra=PUBLIC_READ)
def get_report(request, slug: Slug, report_id: int):
    jurisdiction = jurisdiction_or_404(slug)
    with jurisdiction_scope(jurisdiction):
        found = queries.report_by_id(jurisdiction, report_id)
        if found is None:
            raise Http404("No such report.")
        return found


@router.post("/{slug}/reports", response={201: ReportOut}, auth=SIGNED_IN)
def create_report(request, slug: Slug, payload: ReportIn):
    """Report a problem (a signed-in resident, or a token of write scope): coordinates or an address."""
    jurisdiction = jurisdiction_or_404(slug)
    request.auth.require_write(jurisdiction)
    with jurisdiction_scope(jurisdiction):
        category = queries.category_by_code(jurisdiction, payload.category)
        component = queries.reports_component(jurisdiction)
        if category is None:
            raise ValidationError({"category": "Unknown category: see the categories endpoint."})
        if component is None:
            raise Http404("This jurisdiction does not take reports.")
        if (payload.latitude is None) != (payload.longitude is None):
            raise ValidationError({"latitude": "Give both latitude and longitude, or neither."})
        point = make_point(payload.latitude, payload.longitude) if payload.latitude is not None else None
        address, address_id = payload.address, payload.address_id.strip()
        place = address_by_id(jurisdiction, address_id) if address_id else None
        if address_id and place is None:
            raise ValidationError({"address_id": "Unknown address_id: look the address up with the geocode endpoint."})
        if place is not None:  # the gazetteer's address (its point, unless coordinates were sent too)
            point, address = point or place.point, place.label
        elif point is None and (found := locate(jurisdiction, address)):  # one place: it routes like a point
            point, address, address_id = found.point, found.label, found.address_id
        report = submit_report(
            actor=request.auth.user,
            component=component,
            category=category,
            description=payload.description,
            point=point,
            address=address,
            is_anonymous=payload.is_anonymous,
            address_id=address_id,
        )
        return Status(201, queries.report_by_id(jurisdiction, report.pk))
