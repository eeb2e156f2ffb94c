"""Every write on civic reports: reporting, "me too", the staff workflow, categories, areas and templates."""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core.audit import record
from plaza.core.geo import Point
from plaza.core.models import ComponentInstance, Jurisdiction, Role, User
from plaza.core.operations.attachments import attach_file, check_upload
from plaza.core.operations.comments import start_following
from plaza.core.operations.notifications import followers, notify
from plaza.core.permissions import component_action_allowed, require_role
from plaza.core.search import index_object
from plaza.core.tenancy import jurisdiction_scope
from plaza.reports.models import AnswerTemplate, Area, Category, CloseReason, Report, Status, Support, Update
from plaza.reports.permissions import may_handle
from plaza.reports.routing import area_for, check_geometry
from plaza.reports.stats import count_change
from plaza.reports.workflow import REOPENABLE, staff_may_move

DESCRIPTION_MAX = 5000
NOTE_MAX = 5000
MAX_PHOTOS = 3


def _officials(jurisdiction: Jurisdiction, department: str) -> list[User]:
    from plaza.core.models import RoleGrant

    grants = RoleGrant.objects.with_scope(jurisdiction=jurisdiction).filter(
        role=Role.OFFICIAL, department=department, process__isnull=True
    )
    return list(User.objects.filter(pk__in=grants.values("user_id"), is_active=True))


def _after_commit(report: Report, event: str, actor, recipients=None) -> None:
    transaction.on_commit(
        lambda: notify(jurisdiction=report.jurisdiction, event=event, target=report, actor=actor, recipients=recipients)
    )


def _check_text(field: str, text: str, limit: int, empty_message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: empty_message})
    if len(text) > limit:
        raise ValidationError({field: _("Keep it under %(max)s characters.") % {"max": limit}})
    return text


def _check_location(point: Point | None, address: str) -> str:
    address = (address or "").strip()[:300]
    if point is None and not address:
        raise ValidationError(
            {"location": _("Say where the problem is: a point on the map, coordinates or an address.")}
        )
    return address


def submit_report(
    *,
    actor,
    component: ComponentInstance,
    category: Category,
    description: str,
    point: Point | None = None,
    address: str = "",
    is_anonymous: bool = False,
    photos: tuple = (),
) -> Report:
    """A resident reports a problem; it is routed to the category's department and the point's area."""
    allowed, why = component_action_allowed(actor, component, "report")
    if not allowed:
        raise PermissionDenied(why)
    jurisdiction = component.jurisdiction
    if category.jurisdiction_id != jurisdiction.pk or not category.is_active:
        raise ValidationError({"category": _("Choose one of the categories offered.")})
    description = _check_text("description", description, DESCRIPTION_MAX, _("Describe the problem."))
    address = _check_location(point, address)
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("Attach at most %(max)s photos.") % {"max": MAX_PHOTOS}})
    for photo in photos:  # refuse a bad photo before anything is written
        try:
            check_upload(photo)
        except ValidationError as bad:
            raise ValidationError({"photos": bad.messages}) from bad
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        area = area_for(jurisdiction, point)
        report = Report.objects.create(
            jurisdiction=jurisdiction,
            component=component,
            category=category,
            area=area,
            department=category.department,
            description=description,
            latitude=point.latitude if point else None,
            longitude=point.longitude if point else None,
            address=address,
            reporter=actor,
            is_anonymous=is_anonymous,
        )
        Update.objects.create(jurisdiction=jurisdiction, report=report, kind=Update.Kind.CREATED, to_status=Status.OPEN)
        count_change(report, previous=None, new=Status.OPEN, at=report.created_at, acknowledged_now=False)
        for number, photo in enumerate(photos, start=1):
            title = _("Photo %(number)s of report %(id)s") % {"number": number, "id": report.pk}
            attach_file(actor=actor, target=report, upload=photo, title=title, component=component, action="report")
        start_following(actor, report)
        record(jurisdiction=jurisdiction, actor=actor, action="report.create", target=report)
        index_object(report)
        _after_commit(report, "report.created", actor, recipients=_officials(jurisdiction, report.department))
    return report


def support_report(*, actor, report: Report) -> Report:
    """A resident adds their voice ("me too") to an open report instead of reporting it again."""
    allowed, why = component_action_allowed(actor, report.component, "report")
    if not allowed:
        raise PermissionDenied(why)
    if report.reporter_id == actor.pk:
        raise ValidationError(_("You reported this problem yourself."))
    if not report.is_open:
        raise ValidationError(_("This report is no longer open."))
    with transaction.atomic(), jurisdiction_scope(report.jurisdiction):
        try:
            with transaction.atomic():
                Support.objects.create(jurisdiction=report.jurisdiction, report=report, user=actor)
        except IntegrityError as again:
            raise ValidationError(_("You already added your voice to this report.")) from again
        report.supporters_count = Support.objects.filter(report=report).count()
        Report.objects.filter(pk=report.pk).update(supporters_count=report.supporters_count)
        start_following(actor, report)
    return report


def _require_handler(actor, report: Report) -> None:
    if not may_handle(actor, report):
        raise PermissionDenied(
            _("Only the %(department)s department handles this report.") % {"department": report.department}
        )


def _staff_change(report: Report, actor, action: str, update: Update, data: dict, event: str) -> None:
    """What every staff change shares: the timeline line, the public audit entry, the notification."""
    update.save()
    report.save()
    record(jurisdiction=report.jurisdiction, actor=actor, action=action, target=report, data=data, public=True)
    index_object(report)
    if update.is_public:
        _after_commit(report, event, actor)


def change_status(*, actor, report: Report, status: str, close_reason: str = "", note: str = "") -> Report:
    """Move a report along the transition table; closing needs a reason; a note goes on the timeline."""
    _require_handler(actor, report)
    if not staff_may_move(report.status, status):
        raise ValidationError(
            {
                "status": _("A report that is “%(current)s” cannot become “%(target)s”.")
                % {
                    "current": Status(report.status).label,
                    "target": Status(status).label if status in Status.values else status,
                }
            }
        )
    if status == Status.CLOSED and close_reason not in CloseReason.values:
        raise ValidationError({"close_reason": _("Say why the report is closed.")})
    note = (note or "").strip()[:NOTE_MAX]
    previous, now = report.status, timezone.now()
    with transaction.atomic(), jurisdiction_scope(report.jurisdiction):
        count_change(report, previous=previous, new=status, at=now, acknowledged_now=report.acknowledged_at is None)
        report.status = status
        report.close_reason = close_reason if status == Status.CLOSED else ""
        report.acknowledged_at = report.acknowledged_at or now
        report.fixed_at = now if status == Status.FIXED else None
        report.closed_at = now if status == Status.CLOSED else None
        update = Update(
            jurisdiction=report.jurisdiction,
            report=report,
            kind=Update.Kind.STATUS,
            from_status=previous,
            to_status=status,
            body=note,
            author=actor,
        )
        data = {"from": previous, "to": status, "close_reason": report.close_reason}
        _staff_change(report, actor, "report.status", update, data, "report.status")
    return report


def assign_report(*, actor, report: Report, assignee: User | None) -> Report:
    """Give the report to one official of its department (or to nobody)."""
    _require_handler(actor, report)
    if assignee is not None and not may_handle(assignee, report):
        raise ValidationError(
            {
                "assignee": _("Choose someone who works for the %(department)s department.")
                % {"department": report.department}
            }
        )
    with transaction.atomic(), jurisdiction_scope(report.jurisdiction):
        report.assignee = assignee
        name = str(assignee.display_name) if assignee else ""
        update = Update(
            jurisdiction=report.jurisdiction, report=report, kind=Update.Kind.ASSIGNED, body=name, author=actor
        )
        _staff_change(
            report, actor, "report.assign", update, {"assignee": assignee.pk if assignee else None}, "report.assigned"
        )
    return report


def add_note(
    *, actor, report: Report, body: str = "", is_public: bool, template: AnswerTemplate | None = None
) -> Update:
    """A public answer to the reporter and followers, or an internal note only staff read."""
    _require_handler(actor, report)
    if template is not None and template.category_id != report.category_id:
        raise ValidationError({"template": _("This answer belongs to another category.")})
    if not (body or "").strip() and template is not None:
        body = template.body
    body = _check_text("body", body, NOTE_MAX, _("Write the note."))
    with transaction.atomic(), jurisdiction_scope(report.jurisdiction):
        update = Update(
            jurisdiction=report.jurisdiction,
            report=report,
            kind=Update.Kind.NOTE,
            body=body,
            is_public=is_public,
            author=actor,
        )
        _staff_change(report, actor, "report.note", update, {"public": is_public}, "report.note")
    return update


def reopen_report(*, actor, report: Report, reason: str) -> Report:
    """The reporter says the problem is still there: the report is open again and its department is told."""
    if actor is None or not actor.is_authenticated or report.reporter_id != actor.pk:
        raise PermissionDenied(_("Only the person who reported the problem can reopen it."))
    if report.status not in REOPENABLE:
        raise ValidationError({"reason": _("Only a fixed or closed report can be reopened.")})
    reason = _check_text("reason", reason, NOTE_MAX, _("Say why the problem is not solved."))
    previous = report.status
    with transaction.atomic(), jurisdiction_scope(report.jurisdiction):
        count_change(report, previous=previous, new=Status.OPEN, at=timezone.now(), acknowledged_now=False)
        report.status, report.close_reason = Status.OPEN, ""
        report.fixed_at = report.closed_at = None
        report.save()
        Update.objects.create(
            jurisdiction=report.jurisdiction,
            report=report,
            kind=Update.Kind.REOPENED,
            from_status=previous,
            to_status=Status.OPEN,
            body=reason,
            author=actor,
        )
        record(
            jurisdiction=report.jurisdiction,
            actor=actor,
            action="report.reopen",
            target=report,
            data={"from": previous},
            public=False,
        )
        index_object(report)
        people = {u.pk: u for u in [*followers(report), *_officials(report.jurisdiction, report.department)]}
        _after_commit(report, "report.reopened", actor, recipients=list(people.values()))
    return report


def save_category(
    *,
    actor,
    jurisdiction: Jurisdiction,
    code: str,
    name: str,
    department: str,
    description: str = "",
    acknowledge_hours: int = 48,
    fix_hours: int = 720,
    is_active: bool = True,
) -> Category:
    """Create or change a category (found by its code): an admin's power."""
    require_role(actor, jurisdiction, Role.ADMIN)
    if fix_hours < acknowledge_hours:
        raise ValidationError({"fix_hours": _("Fixing cannot be promised sooner than acknowledging.")})
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        category, created = Category.objects.update_or_create(
            jurisdiction=jurisdiction,
            code=code,
            defaults={
                "name": name.strip(),
                "department": department.strip(),
                "description": description.strip(),
                "acknowledge_hours": acknowledge_hours,
                "fix_hours": fix_hours,
                "is_active": is_active,
            },
        )
        category.full_clean()
        record(
            jurisdiction=jurisdiction,
            actor=actor,
            action="report.category.create" if created else "report.category.update",
            target=category,
            data={"department": category.department},
            public=True,
        )
    return category


def add_answer_template(*, actor, category: Category, title: str, body: str) -> AnswerTemplate:
    require_role(actor, category.jurisdiction, Role.ADMIN)
    title = _check_text("title", title, 200, _("Give the answer a title."))
    body = _check_text("body", body, NOTE_MAX, _("Write the answer."))
    with transaction.atomic(), jurisdiction_scope(category.jurisdiction):
        if AnswerTemplate.objects.filter(category=category, title=title).exists():
            raise ValidationError({"title": _("This category already has an answer with this title.")})
        template = AnswerTemplate.objects.create(
            jurisdiction=category.jurisdiction, category=category, title=title, body=body
        )
        record(
            jurisdiction=category.jurisdiction,
            actor=actor,
            action="report.template.create",
            target=category,
            data={"title": title},
            public=True,
        )
    return template


def _features(text: str) -> list[dict]:
    try:
        data = json.loads(text)
    except (ValueError, TypeError) as bad:
        raise ValidationError({"geojson": _("This is not valid JSON: %(error)s") % {"error": bad}}) from bad
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise ValidationError({"geojson": _("Upload a GeoJSON FeatureCollection of polygons.")})
    if not data["features"]:
        raise ValidationError({"geojson": _("The file holds no areas.")})
    return data["features"]


def _area_values(number: int, feature) -> dict:
    properties = feature.get("properties") or {} if isinstance(feature, dict) else {}
    name = str(properties.get("name") or "").strip()[:200]
    if not name:
        raise ValidationError({"geojson": _("Area %(n)s has no “name” property.") % {"n": number}})
    try:
        geometry = check_geometry(feature.get("geometry"))
    except ValidationError as bad:
        raise ValidationError(
            {"geojson": _("Area “%(name)s”: %(error)s") % {"name": name, "error": bad.messages[0]}}
        ) from bad
    return {"name": name, "code": str(properties.get("code") or "")[:60], "geometry": geometry}


def upload_areas(*, actor, jurisdiction: Jurisdiction, geojson: str) -> list[Area]:
    """Add or replace (by name) the jurisdiction's districts or wards from a GeoJSON FeatureCollection."""
    require_role(actor, jurisdiction, Role.ADMIN)
    values = [_area_values(n, f) for n, f in enumerate(_features(geojson), start=1)]
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        areas = [
            Area.objects.update_or_create(
                jurisdiction=jurisdiction, name=v["name"], defaults={"code": v["code"], "geometry": v["geometry"]}
            )[0]
            for v in values
        ]
        record(
            jurisdiction=jurisdiction,
            actor=actor,
            action="report.areas.upload",
            data={"areas": [a.name for a in areas]},
            public=True,
        )
    return areas
