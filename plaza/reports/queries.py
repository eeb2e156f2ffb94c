"""Reads shared by pages, the API, Open311 and exports: every one scoped to a jurisdiction."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from plaza.core import fragments
from plaza.core.geo import Point, bounding_box, haversine_km
from plaza.core.models import Attachment, ComponentInstance, Jurisdiction, Role, RoleGrant, User
from plaza.core.queries.processes import PROCESSES_TOPIC
from plaza.reports.models import (
    OPEN_STATUSES,
    AnswerTemplate,
    Area,
    Category,
    CloseReason,
    Forwarding,
    Open311Destination,
    OriginalPhoto,
    Report,
    Status,
    Update,
)

NEARBY_KM = 0.2


# The kept categories and areas' topic (core/fragments.py): any save or delete of a category, an area or a
# forwarding destination retires them (reports/signals.py).
SETUP_TOPIC = "reports.setup"


def reports_component(jurisdiction: Jurisdiction) -> ComponentInstance | None:
    """Where residents report here: the first published reports component of a published process.

    Every new report asks: kept under the processes' version (a change to a process or a component retires it).
    """

    def load() -> ComponentInstance | None:
        return (
            ComponentInstance.objects.with_scope(jurisdiction=jurisdiction)
            .filter(manifest_name="reports", is_published=True, process__is_published=True)
            .select_related("jurisdiction", "process")
            .order_by("process__start_date", "position", "id")
            .first()
        )

    return fragments.kept(PROCESSES_TOPIC, "reports_component", (jurisdiction.pk,), load)


def categories(jurisdiction: Jurisdiction, *, active_only: bool = True) -> QuerySet[Category]:
    """With where each forwards over Open311 (a join on a small table): creating a report then asks nothing more."""
    found = Category.objects.with_scope(jurisdiction=jurisdiction).select_related("open311_destination")
    return found.filter(is_active=True) if active_only else found


def category_by_code(jurisdiction: Jurisdiction, code: str) -> Category | None:
    """The active category with this code, with its forwarding destination: kept, since every new report asks.

    The destination's encrypted api_key is left out of what is kept (deferred: read from the database if asked).
    """
    if len(code) > Category._meta.get_field("code").max_length:
        return None

    def load() -> Category | None:
        found = categories(jurisdiction).defer("open311_destination__api_key_encrypted")
        return found.filter(code=code).first()

    return fragments.kept(SETUP_TOPIC, "category", (jurisdiction.pk, code), load)


def areas(jurisdiction: Jurisdiction) -> QuerySet[Area]:
    return Area.objects.with_scope(jurisdiction=jurisdiction).all()


def routing_areas(jurisdiction: Jurisdiction) -> list[Area]:
    """The jurisdiction's areas in routing order (a point goes to the first that holds it): kept until one changes."""
    return fragments.kept(
        SETUP_TOPIC,
        "areas",
        (jurisdiction.pk,),
        lambda: list(areas(jurisdiction).order_by("name", "id")),
        shared=True,  # only read (routing): no unpickling of every district's polygon on every report
    )


def _listed(found: QuerySet[Report]) -> QuerySet[Report]:
    return found.select_related("category", "area", "jurisdiction", "reporter")


def public_reports(
    jurisdiction: Jurisdiction, *, status: str = "", category: str = "", area: str = ""
) -> QuerySet[Report]:
    """Every report (they are all public; anonymity hides only the reporter), newest first."""
    found = Report.objects.with_scope(jurisdiction=jurisdiction)
    if status == "open":
        found = found.filter(status__in=OPEN_STATUSES)
    elif status in Status.values:
        found = found.filter(status=status)
    # By id through a one-row subquery (an InitPlan on PostgreSQL), not a join on the code or name: the planner then
    # walks the (jurisdiction, category/area, ..., created_at) index instead of the newest reports of every kind.
    if category:
        codes = Category.objects.with_scope(jurisdiction=jurisdiction).filter(code=category)
        found = found.filter(category_id=Subquery(codes.values("pk")[:1]))
    if area:
        names = Area.objects.with_scope(jurisdiction=jurisdiction).filter(name=area)
        found = found.filter(area_id=Subquery(names.values("pk")[:1]))
    return _listed(found).order_by("-created_at", "-id")


LIST_FIELDS = (
    "id",
    "jurisdiction_id",
    "category__name",
    "area__name",
    "description",
    "latitude",
    "longitude",
    "status",
    "close_reason",
    "supporters_count",
    "created_at",
    "hidden_reason",
)


def list_rows(jurisdiction: Jurisdiction, rows) -> list[Report]:
    """A page of the list and map: only the columns they show (no reporter, no jurisdiction joined per row), each
    with its `url` made from one reverse() rather than one per report and per use, its labels translated once per
    page and its date in the jurisdiction's zone (template filters per row cost more than the query)."""
    prefix = reverse("reports:report_list", kwargs={"jurisdiction": jurisdiction.slug})
    labels = {value: str(label) for value, label in [*Status.choices, *CloseReason.choices]}  # translated once
    zone = jurisdiction.zone
    page = list(rows)
    for report in page:
        report.jurisdiction = jurisdiction
        report.url = f"{prefix}{report.pk}/"
        report.status_label = labels[report.status]
        report.close_reason_label = labels.get(report.close_reason, "")
        local = timezone.localtime(report.created_at, zone)
        report.created_iso, report.created_text = local.isoformat(), local.strftime("%Y-%m-%d %H:%M")
    return page


def listed_reports(
    jurisdiction: Jurisdiction, *, status: str = "", category: str = "", area: str = ""
) -> QuerySet[Report]:
    """`public_reports` narrowed to what the list and map show (pair with `list_rows`)."""
    found = public_reports(jurisdiction, status=status, category=category, area=area)
    return found.select_related(None).select_related("category", "area").only(*LIST_FIELDS)


def report_by_id(jurisdiction: Jurisdiction, report_id: int) -> Report | None:
    return (
        _listed(Report.objects.with_scope(jurisdiction=jurisdiction))
        .select_related("component", "assignee")
        .filter(pk=report_id)
        .first()
    )


def timeline(report: Report, *, include_internal: bool) -> list[Update]:
    updates = Update.objects.with_scope(jurisdiction=report.jurisdiction_id).filter(report=report)
    if not include_internal:
        updates = updates.filter(is_public=True)
    return list(updates.select_related("author").order_by("created_at", "id"))


def photos(report: Report) -> list[Attachment]:
    return list(
        Attachment.objects.with_scope(jurisdiction=report.jurisdiction_id)
        .filter(content_type=ContentType.objects.get_for_model(Report), object_id=report.pk)
        .order_by("id")
    )


def photos_with_original(report: Report) -> set[int]:
    """Which of a report's photos (attachment ids) have their original kept: staff see a link to it."""
    found = OriginalPhoto.objects.with_scope(jurisdiction=report.jurisdiction_id).filter(report=report)
    return set(found.values_list("attachment_id", flat=True))


def first_photos(jurisdiction: Jurisdiction, report_ids: list[int]) -> dict[int, Attachment]:
    """Each report's first photo, for Open311's media_url (one query for a whole list)."""
    found = Attachment.objects.with_scope(jurisdiction=jurisdiction).filter(
        content_type=ContentType.objects.get_for_model(Report), object_id__in=report_ids
    )
    first: dict[int, Attachment] = {}
    for attachment in found.order_by("id"):
        first.setdefault(int(attachment.object_id), attachment)
    return first


def nearby_open(jurisdiction: Jurisdiction, category: Category, point: Point, radius_km: float = NEARBY_KM):
    """Open reports of the same category within `radius_km`, nearest first, as (report, metres)."""
    box = bounding_box(point, radius_km)
    found = Report.objects.with_scope(jurisdiction=jurisdiction).filter(
        category=category,
        status__in=OPEN_STATUSES,
        latitude__gte=box.min_latitude,
        latitude__lte=box.max_latitude,
    )
    if box.min_longitude <= box.max_longitude:
        found = found.filter(longitude__gte=box.min_longitude, longitude__lte=box.max_longitude)
    else:
        found = found.filter(Q(longitude__gte=box.min_longitude) | Q(longitude__lte=box.max_longitude))
    near = []
    for report in _listed(found)[:200]:
        km = haversine_km(point, Point(report.latitude, report.longitude))
        if km <= radius_km:
            near.append((report, round(km * 1000)))
    return sorted(near, key=lambda pair: pair[1])


def inbox(jurisdiction: Jurisdiction, departments: list[str] | None, *, status: str = "open") -> QuerySet[Report]:
    """The reports of some departments (None: all of them, for admins), oldest waiting first."""
    found = public_reports(jurisdiction, status=status).select_related("assignee")
    if departments is not None:
        found = found.filter(department__in=departments)
    return found.order_by("created_at", "id")


def templates_for(report: Report) -> list[AnswerTemplate]:
    return list(
        AnswerTemplate.objects.with_scope(jurisdiction=report.jurisdiction_id).filter(category=report.category_id)
    )


def department_staff(report: Report) -> list[User]:
    """Who a report may be assigned to: officials of its department."""
    grants = RoleGrant.objects.with_scope(jurisdiction=report.jurisdiction_id).filter(
        role=Role.OFFICIAL, department=report.department, process__isnull=True
    )
    return list(User.objects.filter(pk__in=grants.values("user_id"), is_active=True).order_by("public_name", "id"))


def has_supported(report: Report, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return report.supports.filter(user=user).exists()


def report_stats(jurisdiction: Jurisdiction) -> dict:
    """Open now, and fixed and the average hours to acknowledge over the last 12 months, from the aggregates."""
    from plaza.reports.stats import summary

    return summary(jurisdiction)


def with_categories(jurisdiction: Jurisdiction) -> QuerySet[Category]:
    templates = AnswerTemplate.objects.with_scope(jurisdiction=jurisdiction).all()
    return categories(jurisdiction, active_only=False).prefetch_related(Prefetch("templates", queryset=templates))


def expected_at(report: Report):
    return report.created_at + timedelta(hours=report.category.fix_hours)


def destinations(jurisdiction: Jurisdiction) -> list[Open311Destination]:
    """Where categories are forwarded, with how many reports were sent or failed (for the admins' page)."""
    return list(
        Open311Destination.objects.with_scope(jurisdiction=jurisdiction)
        .select_related("category")
        .annotate(
            sent=Count("forwardings", filter=Q(forwardings__state=Forwarding.State.SENT)),
            failed=Count("forwardings", filter=Q(forwardings__state=Forwarding.State.FAILED)),
        )
        .order_by("category__name")
    )
