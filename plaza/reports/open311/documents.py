"""Our reports and categories as Open311 documents (services, service definitions, requests)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from plaza.core.models import Attachment, Jurisdiction
from plaza.reports.models import OPEN_STATUSES, Category, Report, Update
from plaza.reports.open311.format import ServiceRequest
from plaza.reports.open311.params import MAX_RESULTS, MAX_SPAN
from plaza.reports.queries import expected_at, first_photos

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


def service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": False,  # no extra attributes: the service definition's list is empty
        "type": "realtime",
        "keywords": "",
        "group": category.department,
    }


def service_definition(category: Category) -> dict:
    return {"service_code": category.code, "attributes": []}


def open311_status(report: Report) -> str:
    return "open" if report.status in OPEN_STATUSES else "closed"


def _absolute(path: str) -> str:
    return f"{settings.PLAZA_SITE_URL}{path}"


def service_request(report: Report, *, notes: str | None, photo: Attachment | None) -> ServiceRequest:
    zone = ZoneInfo(report.jurisdiction.time_zone)
    media = (
        reverse("core:attachment_download", kwargs={"jurisdiction": report.jurisdiction.slug, "attachment": photo.pk})
        if photo
        else None
    )
    return ServiceRequest(
        service_request_id=str(report.pk),
        status=open311_status(report),
        status_notes=notes,
        service_name=report.category.name,
        service_code=report.category.code,
        description=report.public_description,
        agency_responsible=report.department,
        service_notice=None,
        requested_datetime=report.created_at.astimezone(zone),
        updated_datetime=report.updated_at.astimezone(zone),
        expected_datetime=expected_at(report).astimezone(zone),
        address=report.address or None,
        address_id=report.address_id or None,
        zipcode=None,
        lat=report.latitude,
        long=report.longitude,
        media_url=_absolute(media) if media and not report.hidden_reason else None,
    )


ROW_FIELDS = (
    "pk",
    "status",
    "category_id",
    "description",
    "department",
    "created_at",
    "updated_at",
    "address",
    "address_id",
    "latitude",
    "longitude",
    "hidden_reason",
)


def service_request_rows(jurisdiction: Jurisdiction, rows: list[dict], services: dict[int, Category]):
    """Many reports' documents from plain rows (`ROW_FIELDS`): the same fields as `service_request`, three
    queries for the whole list and no per-row lookups (the media URL is reversed once, then filled in). A report whose
    reporter a moderator blocked has no description nor photo here, as on its page."""
    ids = [row["pk"] for row in rows]
    notes = latest_public_notes(jurisdiction, ids)
    photos = {pk: photo.pk for pk, photo in first_photos(jurisdiction, ids).items()}
    zone = ZoneInfo(jurisdiction.time_zone)
    media = _absolute(
        reverse("core:attachment_download", kwargs={"jurisdiction": jurisdiction.slug, "attachment": 0})
    ).replace("/0/", "/{}/")
    found = []
    for row in rows:
        category = services[row["category_id"]]
        hidden = bool(row["hidden_reason"])
        photo = None if hidden else photos.get(row["pk"])
        found.append(
            ServiceRequest(
                service_request_id=str(row["pk"]),
                status="open" if row["status"] in OPEN_STATUSES else "closed",
                status_notes=notes.get(row["pk"]),
                service_name=category.name,
                service_code=category.code,
                description="" if hidden else row["description"],
                agency_responsible=row["department"],
                service_notice=None,
                requested_datetime=row["created_at"].astimezone(zone),
                updated_datetime=row["updated_at"].astimezone(zone),
                expected_datetime=(row["created_at"] + timedelta(hours=category.fix_hours)).astimezone(zone),
                address=row["address"] or None,
                address_id=row["address_id"] or None,
                zipcode=None,
                lat=row["latitude"],
                long=row["longitude"],
                media_url=media.format(photo) if photo else None,
            )
        )
    return found


def latest_public_notes(jurisdiction: Jurisdiction, report_ids: list[int]) -> dict[int, str]:
    """Each report's latest public words from staff (a note or a status change's note): its status_notes."""
    found = (
        Update.objects.with_scope(jurisdiction=jurisdiction)
        .filter(report_id__in=report_ids, is_public=True, kind__in=[Update.Kind.NOTE, Update.Kind.STATUS])
        .exclude(body="")
        .order_by("report_id", "created_at", "id")
        .values_list("report_id", "body")
    )
    return dict(found)


def discovery(jurisdiction: Jurisdiction, changeset) -> dict:
    endpoint = _absolute(reverse("open311:root", kwargs={"jurisdiction": jurisdiction.slug}))
    return {
        "changeset": changeset.isoformat(timespec="seconds"),
        "contact": _absolute(jurisdiction.get_absolute_url()),
        "key_service": _absolute("/account/api-tokens/"),
        # Our extension: what requests.json serves at most (the spec leaves both caps to the server).
        "limits": {"max_requests": MAX_RESULTS, "max_days": MAX_SPAN.days},
        # Our extension: where a client finds the address_id of a typed address (candidates with their ids).
        "address_lookup": _absolute(reverse("api:geocode_address", kwargs={"slug": jurisdiction.slug})),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": endpoint,
                "changeset": changeset.isoformat(timespec="seconds"),
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
