"""The Open311 GeoReport v2 server of one jurisdiction: discovery, services, requests, tokens."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from plaza.core.geo import Point, make_point
from plaza.core.geocoding import address_by_id, locate
from plaza.core.models import ApiToken
from plaza.core.operations.api_tokens import use_api_token
from plaza.reports import queries
from plaza.reports.models import OPEN_STATUSES, Category, Report, Status
from plaza.reports.open311 import documents
from plaza.reports.open311.format import dumps_json, dumps_xml, errors, request_to_dict, requests_to_xml
from plaza.reports.open311.params import MAX_RESULTS, BadParameter, request_filters
from plaza.reports.operations import submit_report

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


def _answer(fmt: str, data, *, root: str, item: str | None, status: int = 200) -> HttpResponse:
    body = dumps_json(data) if fmt == "json" else dumps_xml(root, item, data)
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    return _answer(fmt, errors(status, *descriptions), root="errors", item="error", status=status)


def _format(fmt: str) -> str:
    return fmt if fmt in CONTENT_TYPES else "json"


def _checked(view=None, *, methods: tuple[str, ...] = ("GET",)):
    """Unknown format: 404; a method the spec does not name: 405; both in Open311's error format."""
    if view is None:
        return lambda inner: _checked(inner, methods=methods)

    def wrapper(request, *args, fmt: str, **kwargs):
        if fmt not in CONTENT_TYPES:
            return _error("json", 404, "Unknown format: use .json or .xml.")
        allowed = methods
        if request.method not in allowed:
            response = _error(fmt, 405, f"Use {' or '.join(allowed)}.")
            response["Allow"] = ", ".join(allowed)
            return response
        jurisdiction_id = request.GET.get("jurisdiction_id") or (
            request.POST.get("jurisdiction_id") if request.method == "POST" else None
        )
        if jurisdiction_id and jurisdiction_id != request.jurisdiction.slug:
            return _error(fmt, 404, f"This endpoint serves jurisdiction_id {request.jurisdiction.slug} only.")
        return view(request, *args, fmt=fmt, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


def root(request, jurisdiction):
    return discovery(request, jurisdiction, fmt="json")


@_checked
def discovery(request, jurisdiction, fmt):
    changeset = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    return _answer(fmt, documents.discovery(request.jurisdiction, changeset), root="discovery", item=None)


@_checked
def services(request, jurisdiction, fmt):
    found = [documents.service(c) for c in queries.categories(request.jurisdiction).order_by("code")]
    return _answer(fmt, found, root="services", item="service")


@_checked
def service_definition(request, jurisdiction, code, fmt):
    category = queries.category_by_code(request.jurisdiction, code)
    if category is None:
        return _error(fmt, 404, f"service_code {code} not found.")
    return _answer(fmt, documents.service_definition(category), root="service_definition", item=None)


def _requests_document(jurisdiction, reports: list[Report]):
    ids = [r.pk for r in reports]
    notes = documents.latest_public_notes(jurisdiction, ids)
    photos = queries.first_photos(jurisdiction, ids)
    return [documents.service_request(r, notes=notes.get(r.pk), photo=photos.get(r.pk)) for r in reports]


def _send_requests(fmt: str, found) -> HttpResponse:
    if fmt == "xml":
        response = HttpResponse(requests_to_xml(found), content_type=CONTENT_TYPES["xml"])
        response["Access-Control-Allow-Origin"] = "*"
        return response
    return _answer(fmt, [request_to_dict(r) for r in found], root="service_requests", item="request")


def _filtered(jurisdiction, query, services: dict[int, Category]):
    """The list's rows as plain values (no model instances: a thousand of them cost more than the query)."""
    filters = request_filters(query)
    found = Report.objects.with_scope(jurisdiction=jurisdiction).order_by("-created_at", "-id")
    if filters.ids is not None:  # the spec: service_request_id overrides every other argument
        return found.filter(pk__in=filters.ids).values(*documents.ROW_FIELDS)
    found = found.filter(created_at__gte=filters.start, created_at__lte=filters.end)
    if filters.service_codes:  # by category id, so the (jurisdiction, category, status, created_at) index serves it
        found = found.filter(category_id__in=[pk for pk, c in services.items() if c.code in filters.service_codes])
    if filters.statuses == ["open"]:
        found = found.filter(status__in=OPEN_STATUSES)
    elif filters.statuses == ["closed"]:
        found = found.filter(status__in=[Status.FIXED, Status.CLOSED])
    return found.values(*documents.ROW_FIELDS)


@csrf_exempt  # a program posts with its api_key, never with a browser's cookies
@_checked(methods=("GET", "POST"))
def service_requests(request, jurisdiction, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    services = {c.pk: c for c in queries.categories(request.jurisdiction, active_only=False)}
    try:
        rows = list(_filtered(request.jurisdiction, request.GET, services)[:MAX_RESULTS])
    except BadParameter as bad:
        return _error(fmt, 400, str(bad))
    return _send_requests(fmt, documents.service_request_rows(request.jurisdiction, rows, services))


@_checked
def service_request(request, jurisdiction, request_id, fmt):
    report = queries.report_by_id(request.jurisdiction, request_id)
    if report is None:
        return _error(fmt, 404, f"service_request_id {request_id} not found.")
    return _send_requests(fmt, _requests_document(request.jurisdiction, [report]))


@_checked
def token(request, jurisdiction, token, fmt):
    report = Report.objects.filter(token=token).only("pk").first()
    if report is None:
        return _error(fmt, 404, f"token {token} not found.")
    found = [{"service_request_id": str(report.pk), "token": token}]
    return _answer(fmt, found, root="service_requests", item="request")


def _api_key(request, fmt) -> tuple[ApiToken | None, HttpResponse | None]:
    found = use_api_token((request.POST.get("api_key") or "").strip())
    if found is None:
        return None, _error(fmt, 403, "Invalid api_key received -- can't proceed with create_request.")
    if not found.can_write:
        return None, _error(fmt, 403, "This api_key can only read; create a token with the write scope.")
    if found.jurisdiction_id not in (None, request.jurisdiction.pk):
        return None, _error(fmt, 403, "This api_key is restricted to another jurisdiction.")
    return found, None


def _location(post, jurisdiction) -> tuple[Point | None, str, str]:
    """(point, address, address_id) from the spec's location parameters: lat & long, address_id or address_string.

    An address_id must name an entry of the jurisdiction's gazetteer; it gives the address (and the point, unless
    lat & long are sent too). An address_string that means one place gets its point and address_id.
    """
    address_id = (post.get("address_id") or "").strip()
    place = address_by_id(jurisdiction, address_id) if address_id else None
    if address_id and place is None:
        raise BadParameter(f"address_id {address_id[:64]} not found: it is not an address of this jurisdiction.")
    if post.get("lat") or post.get("long"):
        try:
            point = make_point(float(post.get("lat", "")), float(post.get("long", "")))
        except (ValueError, ValidationError) as bad:
            raise BadParameter("lat and long must be a latitude and a longitude in degrees.") from bad
        return point, place.label if place else "", address_id
    if place is not None:
        return place.point, place.label, place.address_id
    if post.get("address_string", "").strip():
        found = locate(jurisdiction, post["address_string"])  # one place: its point routes the request
        return (found.point, found.label, found.address_id) if found else (None, post["address_string"].strip(), "")
    raise BadParameter("Give lat and long, address_string or address_id.")


def _origin(post) -> tuple[str, int]:
    """Plaza's extension parameters from a forwarding Plaza: its endpoint and the forwards so far."""
    origin = (post.get("plaza_origin") or "").strip()
    if not origin:
        return "", 0
    try:
        URLValidator(schemes=["https", "http"])(origin)
        hops = int(post.get("plaza_hops") or 1)
    except (ValidationError, ValueError) as bad:
        raise BadParameter("plaza_origin must be an Open311 address and plaza_hops a whole number.") from bad
    if not 0 < hops < 100:
        raise BadParameter("plaza_hops must be between 1 and 99.")
    return origin[:300], hops


def _create(request, fmt) -> HttpResponse:
    api_key, refused = _api_key(request, fmt)
    if refused:
        return refused
    post = request.POST
    category = queries.category_by_code(request.jurisdiction, post.get("service_code", ""))
    component = queries.reports_component(request.jurisdiction)
    if category is None:
        return _error(fmt, 400, "service_code not found: see services.json.")
    if component is None:
        return _error(fmt, 404, "This jurisdiction does not take service requests.")
    try:
        point, address, address_id = _location(post, request.jurisdiction)
        origin, hops = _origin(post)
        report = submit_report(
            actor=api_key.user,
            component=component,
            category=category,
            description=post.get("description", "").strip() or category.name,
            point=point,
            address=address,
            open311_origin=origin,
            open311_hops=hops,
            address_id=address_id,
        )
    except BadParameter as bad:
        return _error(fmt, 400, str(bad))
    except PermissionDenied as denied:
        return _error(fmt, 403, str(denied))
    except ValidationError as bad:
        return _error(fmt, 400, *bad.messages)
    created = [{"service_request_id": str(report.pk), "service_notice": "", "account_id": None}]
    return _answer(fmt, created, root="service_requests", item="request", status=201)
