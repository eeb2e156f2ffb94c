"""The reports' open data: public fields only (no reporter, no internal note, no photo's original, no description
while a moderator has its reporter blocked)."""

from plaza.core.models import Jurisdiction
from plaza.reports.open311.documents import open311_status
from plaza.reports.queries import public_reports

COLUMNS = (
    "id",
    "category_code",
    "category",
    "department",
    "area",
    "status",
    "open311_status",
    "close_reason",
    "description",
    "latitude",
    "longitude",
    "address",
    "supporters",
    "created_at",
    "acknowledged_at",
    "fixed_at",
    "closed_at",
    "url",
)


def report_rows(jurisdiction: Jurisdiction):
    for report in public_reports(jurisdiction).order_by("id").iterator(chunk_size=1000):
        yield {
            "id": report.pk,
            "category_code": report.category.code,
            "category": report.category.name,
            "department": report.department,
            "area": report.area.name if report.area else "",
            "status": report.status,
            "open311_status": open311_status(report),
            "close_reason": report.close_reason,
            "description": report.public_description,
            "latitude": report.latitude,
            "longitude": report.longitude,
            "address": report.address,
            "supporters": report.supporters_count,
            "created_at": report.created_at,
            "acknowledged_at": report.acknowledged_at,
            "fixed_at": report.fixed_at,
            "closed_at": report.closed_at,
            "url": report.get_absolute_url(),
        }
