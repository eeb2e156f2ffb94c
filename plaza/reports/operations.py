"""Every write on civic reports: reporting, "me too", the staff workflow, categories, areas and templates."""

import json
from contextlib import nullcontext
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core import fragments, rows
from plaza.core.audit import new_entry, record
from plaza.core.geo import Point
from plaza.core.jobs import enqueue
from plaza.core.models import Attachment, ComponentInstance, Follow, Jurisdiction, Role, User
from plaza.core.operations.attachments import attach_file, check_upload
from plaza.core.operations.comments import start_following
from plaza.core.operations.moderation import blocked_message, standing
from plaza.core.operations.notifications import followers, notify
from plaza.core.permissions import ROLES_TOPIC, component_action_allowed, require_role
from plaza.core.search import index_object, new_document
from plaza.core.tenancy import jurisdiction_scope
from plaza.reports.forwarding import forward_if_configured, forwards
from plaza.reports.models import (
    AnswerTemplate,
    Area,
    Category,
    CloseReason,
    OriginalPhoto,
    PendingReport,
    Report,
    Status,
    Support,
    Update,
)
from plaza.reports.permissions import may_handle
from plaza.reports.routing import area_for, check_geometry
from plaza.reports.stats import change_of, change_statements, count_change, forget_figures
from plaza.reports.workflow import REOPENABLE, staff_may_move

DESCRIPTION_MAX = 5000
NOTE_MAX = 5000
MAX_PHOTOS = 3


def _official_ids(jurisdiction: Jurisdiction, department: str) -> list[int]:
    """The accounts of the department's officials: kept (ids only) until a grant or an account changes."""
    from plaza.core.models import RoleGrant

    def load() -> list[int]:
        grants = RoleGrant.objects.with_scope(jurisdiction=jurisdiction).filter(
            role=Role.OFFICIAL, department=department, process__isnull=True, user__is_active=True
        )
        return sorted(set(grants.values_list("user_id", flat=True)))

    return fragments.kept(ROLES_TOPIC, "officials", (jurisdiction.pk, department), load)


def _officials(jurisdiction: Jurisdiction, department: str) -> list[User]:
    ids = _official_ids(jurisdiction, department)
    return list(User.objects.filter(pk__in=ids, is_active=True)) if ids else []


def _after_commit(report: Report, event: str, actor, recipients=None) -> None:
    transaction.on_commit(
        lambda: notify(jurisdiction=report.jurisdiction, event=event, target=report, actor=actor, recipients=recipients)
    )


def _tell_department_after_commit(report: Report, actor) -> None:
    """A new report: its department's officials are found and told once it is committed, outside the reporter's
    transaction (nothing to write, and no transaction opened, when the department has nobody yet)."""

    def tell() -> None:
        officials = _officials(report.jurisdiction, report.department)
        if officials:
            notify(
                jurisdiction=report.jurisdiction,
                event="report.created",
                target=report,
                actor=actor,
                recipients=officials,
            )

    transaction.on_commit(tell)


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


def _check_report(*, component, category, description, address, point, photos) -> tuple[str, str, Area | None]:
    """What every report must satisfy, whoever sends it; refuses a bad photo before anything is written.

    Returns the description, the address and the area the point falls in (routed once, reused for the row).
    """
    jurisdiction = component.jurisdiction
    if category.jurisdiction_id != jurisdiction.pk or not category.is_active:
        raise ValidationError({"category": _("Choose one of the categories offered.")})
    description = _check_text("description", description, DESCRIPTION_MAX, _("Describe the problem."))
    address = _check_location(point, address)
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("Attach at most %(max)s photos.") % {"max": MAX_PHOTOS}})
    for photo in photos:
        try:
            check_upload(photo)
        except ValidationError as bad:
            raise ValidationError({"photos": bad.messages}) from bad
    area = area_for(jurisdiction, point)  # a point outside every area is refused here too
    return description, address, area


_ROUTE = object()  # _create_report's default: route the point now


def _create_report(
    *,
    component,
    category,
    description,
    point,
    address,
    is_anonymous,
    reporter,
    email="",
    area=_ROUTE,
    open311_origin="",
    open311_hops=0,
    address_id="",
    audit_data=None,
) -> Report:
    """The report and everything written with it: its first timeline line, the reporter following it, the public
    audit entry, its search document and its figures; then its forwarding, if its category has an authority.

    The rows go in together (`plaza.core.rows.insert_with`: one statement on PostgreSQL, without BEGIN and COMMIT
    when the caller has no transaction open). A caller with more to write in the same transaction (photos, a held
    report's rows) opens one; so does this function when the report is forwarded (its Forwarding row and job).
    """
    jurisdiction = component.jurisdiction
    report = Report(
        jurisdiction=jurisdiction,
        component=component,
        category=category,
        area=area_for(jurisdiction, point) if area is _ROUTE else area,
        department=category.department,
        description=description,
        latitude=point.latitude if point else None,
        longitude=point.longitude if point else None,
        address=address,
        reporter=reporter,
        reporter_email=email,
        is_anonymous=is_anonymous,
        open311_origin=open311_origin,
        open311_hops=open311_hops,
        address_id=address_id,
    )
    using = router.db_for_write(Report)
    connection = connections[using]

    def rest() -> list[rows.Statement]:  # once the report's INSERT is built: its key and created_at are set
        created = Update(jurisdiction=jurisdiction, report=report, kind=Update.Kind.CREATED, to_status=Status.OPEN)
        written = [
            created,
            new_entry(
                jurisdiction=jurisdiction, actor=reporter, action="report.create", target=report, data=audit_data
            ),
            new_document(report),
        ]
        if reporter is not None:  # a new report has no followers yet: one INSERT
            content_type = ContentType.objects.get_for_model(Report)
            written.append(
                Follow(jurisdiction=jurisdiction, user=reporter, content_type=content_type, object_id=report.pk)
            )
        change = change_of(report, previous=None, new=Status.OPEN, at=report.created_at, acknowledged_now=False)
        return [*(rows.insert(row, connection) for row in written), *change_statements(report, change, connection)]

    forwarded = forwards(report)
    with transaction.atomic(using=using) if forwarded else nullcontext():
        rows.insert_with(report, rest, using)
        forget_figures(jurisdiction.pk)
        if forwarded:
            forward_if_configured(report)
    _tell_department_after_commit(report, reporter)
    return report


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
    open311_origin: str = "",
    open311_hops: int = 0,
    address_id: str = "",
) -> Report:
    """A resident reports a problem; it is routed to the category's department and the point's area.

    `address_id`: the gazetteer entry (core's `address_by_id`, resolved by the caller) the point and address are.

    `open311_origin`/`open311_hops`: the Open311 endpoint of the authority that forwarded it and its forwards
    so far (the loop guard in `forwarding.forward_if_configured`).
    """
    jurisdiction = component.jurisdiction
    level, blocked = standing(actor, jurisdiction)  # one query for both checks
    allowed, why = component_action_allowed(actor, component, "report", level=level)
    if not allowed:
        raise PermissionDenied(why)
    if blocked:
        raise PermissionDenied(blocked_message())
    with jurisdiction_scope(jurisdiction):
        description, address, area = _check_report(
            component=component,
            category=category,
            description=description,
            address=address,
            point=point,
            photos=photos,
        )
    # Photos are written with the report, in one transaction; without them the report's rows need none of their own.
    with transaction.atomic() if photos else nullcontext(), jurisdiction_scope(jurisdiction):
        report = _create_report(
            component=component,
            category=category,
            description=description,
            point=point,
            address=address,
            is_anonymous=is_anonymous,
            reporter=actor,
            area=area,
            open311_origin=(open311_origin or "")[:300],
            open311_hops=max(0, open311_hops),
            address_id=(address_id or "")[:64],
        )
        for number, photo in enumerate(photos, start=1):
            title = _("Photo %(number)s of report %(id)s") % {"number": number, "id": report.pk}
            public = attach_file(
                actor=actor, target=report, upload=photo, title=title, component=component, action="report"
            )
            _keep_original(public, photo, report=report)
    return report


def _keep_original(public: Attachment, upload, *, report=None, pending=None) -> OriginalPhoto | None:
    """The photo as sent (EXIF location and all) beside its public, stripped copy, in the private storage.

    Only images are re-encoded by core, so only they have an original worth keeping. The upload was already checked
    (type, content, size) by `check_upload`; its bytes are read again from the start.
    """
    if not public.is_image:
        return None
    upload.seek(0)
    content = b"".join(upload.chunks())
    original = OriginalPhoto(
        jurisdiction_id=public.jurisdiction_id,
        attachment=public,
        report=report,
        pending=pending,
        mime_type=public.mime_type,
        size=len(content),
    )
    original.file.save(public.original_name, ContentFile(content), save=False)
    try:
        original.save()
    except Exception:
        original.file.delete(save=False)  # no private file without its row
        raise
    return original


def open_original_photo(*, actor, report: Report, attachment_id: int) -> OriginalPhoto:
    """Staff of the handling department (and admins) read a photo's original, with its location; each read is
    audited privately. Raises PermissionDenied for anyone else, OriginalPhoto.DoesNotExist when there is none."""
    _require_handler(actor, report)
    with transaction.atomic(), jurisdiction_scope(report.jurisdiction):
        original = OriginalPhoto.objects.select_related("attachment").get(report=report, attachment_id=attachment_id)
        record(
            jurisdiction=report.jurisdiction,
            actor=actor,
            action="report.photo.original",
            target=report,
            data={"attachment": attachment_id},
            public=False,
        )
    return original


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
        if report.reporter_email:  # reported without an account: told by e-mail
            enqueue(jurisdiction=report.jurisdiction, kind="reports.email_reporter", params={"update": update.pk})


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


def _check_merge(actor, duplicate: Report, original: Report) -> None:
    _require_handler(actor, duplicate)
    if original.jurisdiction_id != duplicate.jurisdiction_id:
        raise ValidationError({"original": _("Choose a report of this jurisdiction.")})
    if original.pk == duplicate.pk:
        raise ValidationError({"original": _("A report cannot duplicate itself.")})
    if original.duplicate_of_id is not None:
        raise ValidationError(
            {
                "original": _("Report #%(id)s is itself a duplicate: merge into #%(original)s instead.")
                % {"id": original.pk, "original": original.duplicate_of_id}
            }
        )
    if not staff_may_move(duplicate.status, Status.CLOSED):
        raise ValidationError({"original": _("Only a report that is not yet fixed or closed can be merged.")})


def _move_people(duplicate: Report, original: Report) -> int:
    """The duplicate's followers follow the original; its reporter and supporters add their voice to it."""
    for person in followers(duplicate):
        start_following(person, original)
    voices = {s.user_id for s in Support.objects.filter(report=duplicate)}
    if duplicate.reporter_id:
        voices.add(duplicate.reporter_id)
    voices -= {original.reporter_id} | set(Support.objects.filter(report=original).values_list("user_id", flat=True))
    Support.objects.bulk_create(
        [Support(jurisdiction=original.jurisdiction, report=original, user_id=pk) for pk in voices],
        ignore_conflicts=True,
    )
    original.supporters_count = Support.objects.filter(report=original).count()
    Report.objects.filter(pk=original.pk).update(supporters_count=original.supporters_count)
    return len(voices)


def merge_duplicate(*, actor, duplicate: Report, original: Report, note: str = "") -> Report:
    """Close `duplicate` as a duplicate of `original`: its people move over, both timelines say so."""
    _check_merge(actor, duplicate, original)
    note = (note or "").strip()[:NOTE_MAX]
    previous, now = duplicate.status, timezone.now()
    with transaction.atomic(), jurisdiction_scope(duplicate.jurisdiction):
        count_change(
            duplicate, previous=previous, new=Status.CLOSED, at=now, acknowledged_now=not duplicate.acknowledged_at
        )
        moved = _move_people(duplicate, original)
        duplicate.status, duplicate.close_reason, duplicate.duplicate_of = (
            Status.CLOSED,
            CloseReason.DUPLICATE,
            original,
        )
        duplicate.acknowledged_at = duplicate.acknowledged_at or now
        duplicate.closed_at, duplicate.fixed_at = now, None
        update = Update(
            jurisdiction=duplicate.jurisdiction,
            report=duplicate,
            kind=Update.Kind.STATUS,
            from_status=previous,
            to_status=Status.CLOSED,
            other_report=original,
            body=note,
            author=actor,
        )
        data = {"from": previous, "to": Status.CLOSED, "close_reason": CloseReason.DUPLICATE, "original": original.pk}
        _staff_change(duplicate, actor, "report.merge", update, data, "report.status")
        merged = Update(
            jurisdiction=original.jurisdiction,
            report=original,
            kind=Update.Kind.MERGED,
            other_report=duplicate,
            author=actor,
        )
        _staff_change(
            original, actor, "report.merged_into", merged, {"duplicate": duplicate.pk, "voices": moved}, "report.merged"
        )
    return duplicate


def reopen_report(*, actor, report: Report, reason: str) -> Report:
    """The reporter says the problem is still there: the report is open again and its department is told."""
    if actor is None or not actor.is_authenticated or report.reporter_id != actor.pk:
        raise PermissionDenied(_("Only the person who reported the problem can reopen it."))
    return _reopen(report, reason, actor)


REOPEN_SALT = "plaza.reports.reopen"
REOPEN_LINK_DAYS = 90


def reopen_link_token(report: Report) -> str:
    """The signed token of the link mailed to someone who reported with only an e-mail address: it names the
    report and the address (a link stops working if the report's address changes), and expires."""
    return signing.dumps({"r": report.pk, "e": report.reporter_email}, salt=REOPEN_SALT)


def report_for_reopen_link(jurisdiction: Jurisdiction, token: str) -> Report:
    """The report a reopen link names, or a ValidationError saying why the link does not work."""
    invalid = _("This link is not valid. Copy the whole link from the e-mail.")
    try:
        named = signing.loads(token, salt=REOPEN_SALT, max_age=REOPEN_LINK_DAYS * 86400)
    except signing.SignatureExpired as old:
        raise ValidationError(_("This link has expired: please report the problem again."), code="expired") from old
    except signing.BadSignature as bad:
        raise ValidationError(invalid, code="invalid") from bad
    report = (
        Report.objects.with_scope(jurisdiction=jurisdiction).filter(pk=named.get("r")).first()
        if isinstance(named, dict)
        else None
    )
    if report is None or not report.reporter_email or report.reporter_email != named.get("e"):
        raise ValidationError(invalid, code="invalid")
    return report


def reopen_report_by_link(*, jurisdiction: Jurisdiction, token: str, reason: str) -> Report:
    """Someone who reported with only an e-mail address reopens it through the signed link mailed to them."""
    report = report_for_reopen_link(jurisdiction, token)
    return _reopen(report, reason, None)


def _reopen(report: Report, reason: str, actor) -> Report:
    if report.status not in REOPENABLE:
        raise ValidationError({"reason": _("Only a fixed or closed report can be reopened.")})
    reason = _check_text("reason", reason, NOTE_MAX, _("Say why the problem is not solved."))
    previous = report.status
    with transaction.atomic(), jurisdiction_scope(report.jurisdiction):
        count_change(report, previous=previous, new=Status.OPEN, at=timezone.now(), acknowledged_now=False)
        report.status, report.close_reason, report.duplicate_of = Status.OPEN, "", None
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


# Reporting with only an e-mail address, confirmed by a link

CONFIRM_SALT = "plaza.reports.confirm"
EMAIL_REPORTS_PER_HOUR = 5


def confirm_hours() -> int:
    """How long a confirmation link works (setting PLAZA_REPORT_CONFIRM_HOURS, 48 by default)."""
    return int(getattr(settings, "PLAZA_REPORT_CONFIRM_HOURS", 48))


def email_reporting_allowed(component: ComponentInstance) -> bool:
    """Whether residents may report here without an account: the component allows it and asks no verification."""
    manifest = component.manifest
    required = component.settings.get("report_verification_level", manifest.action("report").verification_level)
    return bool(component.settings.get("report_by_email", True)) and not required


def confirmation_token(pending: PendingReport) -> str:
    """A signed token naming the pending report; it expires with `PLAZA_REPORT_CONFIRM_HOURS` (nothing stored)."""
    return signing.dumps({"j": pending.jurisdiction_id, "p": pending.pk}, salt=CONFIRM_SALT)


def _keep_photo_privately(pending: PendingReport, upload, number: int) -> Attachment:
    """A photo of an unconfirmed report: metadata stripped now, attached to the private pending row."""
    checked = check_upload(upload)
    attachment = Attachment(
        jurisdiction=pending.jurisdiction,
        content_type=ContentType.objects.get_for_model(PendingReport),
        object_id=pending.pk,
        title=_("Photo %(number)s") % {"number": number},
        original_name=checked.original_name,
        mime_type=checked.mime_type,
        size=len(checked.content),
    )
    attachment.file.save(f"upload{checked.extension}", ContentFile(checked.content), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    _keep_original(attachment, upload, pending=pending)
    return attachment


def request_report_by_email(
    *,
    component: ComponentInstance,
    category: Category,
    description: str,
    email: str,
    point: Point | None = None,
    address: str = "",
    is_anonymous: bool = False,
    photos: tuple = (),
    language: str = "",
) -> PendingReport:
    """Hold a report from someone without an account and mail them the link that publishes it."""
    if not email_reporting_allowed(component):
        raise PermissionDenied(_("Sign in to report a problem here."))
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as bad:
        raise ValidationError({"email": _("Give a valid e-mail address.")}) from bad
    jurisdiction = component.jurisdiction
    with jurisdiction_scope(jurisdiction):
        description, address, _area = _check_report(
            component=component,
            category=category,
            description=description,
            address=address,
            point=point,
            photos=photos,
        )
        recent = PendingReport.objects.filter(email=email, created_at__gte=timezone.now() - timedelta(hours=1))
        if recent.count() >= EMAIL_REPORTS_PER_HOUR:
            raise ValidationError({"email": _("Too many reports from this address in the last hour: try later.")})
    now = timezone.now()
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        pending = PendingReport.objects.create(
            jurisdiction=jurisdiction,
            component=component,
            category=category,
            description=description,
            latitude=point.latitude if point else None,
            longitude=point.longitude if point else None,
            address=address,
            is_anonymous=is_anonymous,
            email=email,
            language=language[:12],
            expires_at=now + timedelta(hours=confirm_hours()),
        )
        for number, photo in enumerate(photos, start=1):
            _keep_photo_privately(pending, photo, number)
        record(jurisdiction=jurisdiction, actor=None, action="report.request_by_email", target=category)
        enqueue(jurisdiction=jurisdiction, kind="reports.send_confirmation", params={"pending": pending.pk})
    return pending


def _pending_from(jurisdiction: Jurisdiction, token: str) -> PendingReport:
    max_age = confirm_hours() * 3600
    try:
        named = signing.loads(token, salt=CONFIRM_SALT, max_age=max_age)
    except signing.SignatureExpired as old:
        raise ValidationError(_("This link has expired: please report the problem again."), code="expired") from old
    except signing.BadSignature as bad:
        raise ValidationError(
            _("This link is not valid. Copy the whole link from the e-mail."), code="invalid"
        ) from bad
    if not isinstance(named, dict) or named.get("j") != jurisdiction.pk:
        raise ValidationError(_("This link is not valid. Copy the whole link from the e-mail."), code="invalid")
    pending = PendingReport.objects.select_for_update().filter(pk=named.get("p")).first()
    if pending is None:
        raise ValidationError(_("This link has expired: please report the problem again."), code="expired")
    return pending


def confirm_report_by_email(*, jurisdiction: Jurisdiction, token: str) -> Report:
    """The link was followed: publish the held report (once; following it again leads to the same report)."""
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        pending = _pending_from(jurisdiction, token)
        if pending.report_id is not None:
            return Report.objects.get(pk=pending.report_id)
        point = Point(pending.latitude, pending.longitude) if pending.latitude is not None else None
        report = _create_report(
            component=pending.component,
            category=pending.category,
            description=pending.description,
            point=point,
            address=pending.address,
            is_anonymous=pending.is_anonymous,
            reporter=None,
            email=pending.email,
            audit_data={"by": "email"},
        )
        Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(PendingReport), object_id=pending.pk
        ).update(content_type=ContentType.objects.get_for_model(Report), object_id=report.pk)
        OriginalPhoto.objects.filter(pending=pending).update(pending=None, report=report)
        pending.report = report
        pending.save(update_fields=["report"])
    return report


def purge_unconfirmed_reports(jurisdiction: Jurisdiction) -> int:
    """Forget reports whose link expired unconfirmed, with their photos (their originals go with the pending rows,
    and the originals' files once this commits: `models._forget_original_file`); returns how many."""
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        expired = list(PendingReport.objects.filter(report__isnull=True, expires_at__lt=timezone.now()))
        photos = Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(PendingReport), object_id__in=[p.pk for p in expired]
        )
        files = [photo.file for photo in photos]
        photos.delete()
        PendingReport.objects.filter(pk__in=[p.pk for p in expired]).delete()
        transaction.on_commit(lambda: [f.delete(save=False) for f in files])
    return len(expired)


# --- Blocked reporters ------------------------------------------------------------------------------------------------


def _set_hidden(*, actor, jurisdiction, reports: list[Report], reason: str, action: str) -> dict[str, int]:
    """Hide (or show again) the reports' public words and photos; staff keep every report as it was. The public
    audit entry of the block counts only the reports made under the reporter's name: an anonymous report's link to
    the account stays off the public record (like its creation), and goes in a private entry listing them all."""
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(hidden_reason=reason)
    for report in reports:
        report.hidden_reason = reason
        index_object(report)  # the search index forgets (or learns again) its description
    if reports:
        record(jurisdiction=jurisdiction, actor=actor, action=action, data={"reports": [r.pk for r in reports]})
    return {"reports": sum(1 for r in reports if not r.is_anonymous)}


def hide_blocked_content(*, actor, jurisdiction, user, reason: str) -> dict[str, int]:
    """Core's `block_account` asks this (the manifest's hook) in its transaction. A blocked account's reports stay in
    the departments' inboxes, the workflow and the figures (the pothole is still there); the public no longer reads
    their description, sees their photos or learns who made them (FixMyStreet hides an abusive user's report text
    the same way, not the problem it points at)."""
    found = list(
        Report.objects.filter(reporter=user, hidden_reason="").select_related("category", "area", "jurisdiction")
    )
    return _set_hidden(
        actor=actor, jurisdiction=jurisdiction, reports=found, reason=reason, action="report.hide_blocked"
    )


def show_unblocked_content(*, actor, jurisdiction, user, reason: str) -> dict[str, int]:
    """Core's `unblock_account` asks this in its transaction: the reports the block hid are public again."""
    found = list(
        Report.objects.filter(reporter=user, hidden_reason=reason).select_related("category", "area", "jurisdiction")
    )
    return _set_hidden(actor=actor, jurisdiction=jurisdiction, reports=found, reason="", action="report.show_unblocked")
