"""Every write of accountability: plans, co-creation record, partners, commitments, milestones, progress.

Each operation checks permission first, validates, writes in one transaction inside the plan's
jurisdiction scope, records the audit entry and keeps the search index current.
"""

import re
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plaza.accountability.models import (
    ActionPlan,
    Assessment,
    Candidate,
    CandidateDecision,
    Commitment,
    CommitmentTopic,
    ForumMeeting,
    ForumMember,
    Milestone,
    OGPValue,
    OpenedGovernment,
    PlanPartner,
    PlanStatus,
    PotentialImpact,
    ProgressStatus,
    ProgressUpdate,
    Relevance,
    Result,
    ResultMilestone,
    ResultStatus,
    ResultUpdate,
    Sector,
    Side,
    TopicKind,
)
from plaza.accountability.queries import sides_for
from plaza.accountability.signals import TOPIC
from plaza.core import fragments
from plaza.core.audit import record
from plaza.core.jobs import enqueue
from plaza.core.models import Attachment, ComponentInstance, Job, Jurisdiction, Role
from plaza.core.operations.attachments import attach_file, remove_attachment
from plaza.core.operations.sdg import set_sdg_tags
from plaza.core.permissions import has_role, require_role
from plaza.core.search import index_object
from plaza.core.tenancy import jurisdiction_scope

OFFICIALS = (Role.ADMIN, Role.OFFICIAL)
STATUS_ORDER = [PlanStatus.CO_CREATION, PlanStatus.IMPLEMENTATION, PlanStatus.CLOSED]
MAX_LINKS = 10
CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_MONEY = Decimal("1e15")
PARTNER_EVIDENCE = "partner_evidence"


def _required(**values: str) -> None:
    missing = {name: _("This field is required.") for name, value in values.items() if not (value or "").strip()}
    if missing:
        raise ValidationError(missing)


def create_plan(
    *,
    actor,
    jurisdiction: Jurisdiction,
    slug: str,
    title: str,
    period_start: date,
    period_end: date,
    description: str = "",
) -> ActionPlan:
    require_role(actor, jurisdiction, Role.ADMIN)
    _required(slug=slug, title=title)
    if period_end <= period_start:
        raise ValidationError({"period_end": _("The period must end after it starts.")})
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        if ActionPlan.objects.filter(slug=slug).exists():
            raise ValidationError({"slug": _("Another action plan already has this address.")})
        plan = ActionPlan.objects.create(
            jurisdiction=jurisdiction,
            slug=slug,
            title=title.strip(),
            description=description,
            period_start=period_start,
            period_end=period_end,
        )
        record(jurisdiction=jurisdiction, actor=actor, action="action_plan.create", target=plan, public=True)
        index_object(plan)
    return plan


def update_plan(
    *,
    actor,
    plan: ActionPlan,
    title: str,
    period_start: date,
    period_end: date,
    description: str = "",
    reason: str = "",
) -> ActionPlan:
    """Correct a plan's title, description or period; the audit log keeps what it was (its public history).

    The address stays (people bookmark it). The period must still hold every commitment's dates and every
    milestone's due date; a closed plan is kept as it was.
    """
    require_role(actor, plan.jurisdiction, Role.ADMIN)
    _required(title=title)
    if period_end <= period_start:
        raise ValidationError({"period_end": _("The period must end after it starts.")})
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError({"title": _("This plan is closed: it is kept as it was.")})
    values = {
        "title": title.strip(),
        "description": (description or "").strip(),
        "period_start": period_start,
        "period_end": period_end,
    }
    changes = _changes(plan, values)
    if not changes:
        return plan
    with transaction.atomic(), jurisdiction_scope(plan.jurisdiction):
        ActionPlan.objects.select_for_update().filter(pk=plan.pk).first()  # no commitment is added meanwhile
        _check_period_holds_dates(plan, period_start, period_end)
        _save_changes(plan, values)
        _record_edit(actor, "action_plan.edit", plan, reason, {"changes": changes})
        index_object(plan)
    return plan


def _check_period_holds_dates(plan: ActionPlan, period_start: date, period_end: date) -> None:
    """ValidationError when a commitment's dates or a milestone's due date would fall outside the new period."""
    dates = Commitment.objects.filter(plan=plan).aggregate(first=Min("start_date"), last=Max("end_date"))
    due = Milestone.objects.filter(commitment__plan=plan).aggregate(first=Min("due_date"), last=Max("due_date"))
    first = min((d for d in (dates["first"], due["first"]) if d), default=None)
    last = max((d for d in (dates["last"], due["last"]) if d), default=None)
    message = _(
        "The plan's commitments and milestones run from %(first)s to %(last)s: the period must cover them "
        "(change their dates first)."
    )
    if first and first < period_start:
        raise ValidationError({"period_start": message % {"first": first, "last": last}})
    if last and last > period_end:
        raise ValidationError({"period_end": message % {"first": first, "last": last}})


def set_plan_status(*, actor, plan: ActionPlan, status: str, reason: str = "") -> ActionPlan:
    """Move a plan one step forward: co-creation → implementation → closed (never back, never skipping).

    A plan goes into implementation with at least one commitment and every candidate decided (residents see
    which proposals made it and why the others did not).
    """
    require_role(actor, plan.jurisdiction, Role.ADMIN)
    step = STATUS_ORDER.index(plan.status) + 1
    if step >= len(STATUS_ORDER) or status != STATUS_ORDER[step]:
        raise ValidationError(
            {"status": _("A plan only moves forward, one step at a time: co-creation, implementation, closed.")}
        )
    before = plan.status
    with transaction.atomic(), jurisdiction_scope(plan.jurisdiction):
        ActionPlan.objects.select_for_update().filter(pk=plan.pk).first()
        if status == PlanStatus.IMPLEMENTATION:
            _check_ready_for_implementation(plan)
        plan.status = status
        plan.save(update_fields=["status"])
        _record_edit(actor, "action_plan.status", plan, reason, {"before": before, "after": status})
    return plan


def _check_ready_for_implementation(plan: ActionPlan) -> None:
    if not Commitment.objects.filter(plan=plan).exists():
        raise ValidationError({"status": _("A plan is implemented once it has at least one commitment.")})
    pending = Candidate.objects.filter(plan=plan, decision=CandidateDecision.PENDING).count()
    if pending:
        raise ValidationError(
            {
                "status": ngettext(
                    "Decide on every candidate commitment first: %(n)s is still under consideration.",
                    "Decide on every candidate commitment first: %(n)s are still under consideration.",
                    pending,
                )
                % {"n": pending}
            }
        )


def add_forum_member(
    *, actor, plan: ActionPlan, name: str, organisation: str, sector: str, role: str = ""
) -> ForumMember:
    require_role(actor, plan.jurisdiction, *OFFICIALS)
    _check_forum_member(plan=plan, name=name, organisation=organisation, sector=sector)
    with transaction.atomic(), jurisdiction_scope(plan.jurisdiction):
        member = ForumMember.objects.create(
            jurisdiction=plan.jurisdiction,
            plan=plan,
            name=name.strip(),
            organisation=organisation.strip(),
            sector=sector,
            role=role.strip(),
        )
        record(
            jurisdiction=plan.jurisdiction,
            actor=actor,
            action="forum.member.add",
            target=plan,
            data={"member": str(member)},
            public=True,
        )
    return member


def _check_forum_member(*, plan: ActionPlan, name: str, organisation: str, sector: str) -> None:
    _required(name=name, organisation=organisation)
    if sector not in Sector.values:
        raise ValidationError({"sector": _("Choose government, civil society or other.")})
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError({"name": _("This plan is closed: its forum's record is kept as it was.")})


def update_forum_member(
    *, actor, member: ForumMember, name: str, organisation: str, sector: str, role: str = "", reason: str = ""
) -> ForumMember:
    """Correct a forum member's name, organisation, sector or role; the public history keeps what it was."""
    plan = member.plan
    require_role(actor, plan.jurisdiction, *OFFICIALS)
    _check_forum_member(plan=plan, name=name, organisation=organisation, sector=sector)
    values = {"name": name.strip(), "organisation": organisation.strip(), "sector": sector, "role": role.strip()}
    changes = _changes(member, values)
    if not changes:
        return member
    with transaction.atomic(), jurisdiction_scope(plan.jurisdiction):
        _save_changes(member, values)
        _record_edit(actor, "forum.member.edit", plan, reason, {"member": member.pk, "changes": changes})
    return member


def remove_forum_member(*, actor, member: ForumMember, reason: str = "") -> None:
    """Take a member off the forum's list (listed by mistake, or left); the public history keeps who it was."""
    plan = member.plan
    require_role(actor, plan.jurisdiction, *OFFICIALS)
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError({"reason": _("This plan is closed: its forum's record is kept as it was.")})
    with transaction.atomic(), jurisdiction_scope(plan.jurisdiction):
        data = {"member": str(member), "sector": member.sector, "role": member.role}
        member.delete()
        _record_edit(actor, "forum.member.remove", plan, reason, data)


def record_meeting(
    *,
    actor,
    plan: ActionPlan,
    title: str,
    held_on: date,
    place: str,
    attendees: int,
    minutes: str = "",
    documents: Sequence[tuple[str, object]] = (),
) -> ForumMeeting:
    """Record a forum meeting with its minutes; `documents` are (title, uploaded file) pairs."""
    require_role(actor, plan.jurisdiction, *OFFICIALS)
    _check_meeting(plan=plan, title=title, place=place, attendees=attendees)
    with transaction.atomic(), jurisdiction_scope(plan.jurisdiction):
        meeting = ForumMeeting.objects.create(
            jurisdiction=plan.jurisdiction,
            plan=plan,
            title=title.strip(),
            held_on=held_on,
            place=place.strip(),
            attendees=attendees,
            minutes=minutes,
        )
        record(jurisdiction=plan.jurisdiction, actor=actor, action="forum.meeting.record", target=meeting, public=True)
        _attach_documents(actor, meeting, documents)
    return meeting


def _check_meeting(*, plan: ActionPlan, title: str, place: str, attendees: int) -> None:
    errors = {}
    for name, value in (("title", title), ("place", place)):
        if not (value or "").strip():
            errors[name] = _("This field is required.")
        elif len(value.strip()) > 200:
            errors[name] = _("Use at most 200 characters.")
    if attendees < 0:
        errors["attendees"] = _("Enter a number of at least 0.")
    if plan.status == PlanStatus.CLOSED:
        errors.setdefault("title", _("This plan is closed: its forum's record is kept as it was."))
    if errors:
        raise ValidationError(errors)


def _attach_documents(actor, meeting: ForumMeeting, documents: Sequence[tuple[str, object]]) -> list[str]:
    """Attach (title, upload) pairs through core; a refusal names the page's document fields. Returns the titles."""
    titles = []
    for document_title, upload in documents:
        try:
            attachment = attach_file(actor=actor, target=meeting, upload=upload, title=document_title)
        except ValidationError as refused:
            names = {"upload": "document", "title": "document_title"}
            raise ValidationError(
                {names.get(field, field): messages for field, messages in refused.message_dict.items()}
            ) from refused
        titles.append(attachment.title)
    return titles


def update_meeting(
    *,
    actor,
    meeting: ForumMeeting,
    title: str,
    held_on: date,
    place: str,
    attendees: int,
    minutes: str = "",
    add_documents: Sequence[tuple[str, object]] = (),
    remove_documents: Sequence[int] = (),
    reason: str = "",
) -> ForumMeeting:
    """Correct a recorded meeting: its details, minutes and documents (added, or taken off by attachment id).

    The plan's page then says when it was corrected; the public history keeps what it was and why. A document
    taken off goes (core's remove_attachment): the history keeps its title and file name.
    """
    plan = meeting.plan
    require_role(actor, plan.jurisdiction, *OFFICIALS)
    _check_meeting(plan=plan, title=title, place=place, attendees=attendees)
    values = {
        "title": title.strip(),
        "held_on": held_on,
        "place": place.strip(),
        "attendees": attendees,
        "minutes": minutes or "",
    }
    with transaction.atomic(), jurisdiction_scope(plan.jurisdiction):
        current = ForumMeeting.objects.select_for_update().filter(pk=meeting.pk).first()  # one correction at a time
        if current is None or current.removed_at is not None:
            raise ValidationError({"title": _("This meeting was removed from the record: it is kept as it was.")})
        changes = _changes(current, values)
        documents = _meeting_documents(current, remove_documents)
        if not (changes or add_documents or documents):
            return current
        for attachment in documents:
            remove_attachment(actor=actor, attachment=attachment, reason=reason)
        added = _attach_documents(actor, current, add_documents)
        _save_changes(current, {**values, "corrected_at": timezone.now()})
        data = {"changes": changes}
        if added:
            data["documents_added"] = added
        if documents:
            data["documents_removed"] = [f"{a.title} ({a.original_name})" for a in documents]
        _record_edit(actor, "forum.meeting.edit", current, reason, data, jurisdiction=plan.jurisdiction)
    return current


def _meeting_documents(meeting: ForumMeeting, ids: Sequence[int]) -> list[Attachment]:
    """The meeting's own attachments with these ids (ValidationError if one is not among them)."""
    if not ids:
        return []
    content_type = ContentType.objects.get_for_model(ForumMeeting)
    found = list(
        Attachment.objects.filter(content_type=content_type, object_id=meeting.pk, pk__in=set(ids)).select_related(
            "jurisdiction"
        )
    )
    if len(found) != len(set(ids)):
        raise ValidationError({"remove_documents": _("Choose among this meeting's documents.")})
    return found


def remove_meeting(*, actor, meeting: ForumMeeting, reason: str) -> ForumMeeting:
    """Take a meeting off the forum's record (recorded twice, or never held), with a public reason.

    Nothing is deleted: the plan's page lists it as removed, with when and why; its minutes and documents
    leave the public record (officials can still open the documents).
    """
    plan = meeting.plan
    require_role(actor, plan.jurisdiction, *OFFICIALS)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the meeting is removed: the public record keeps the reason.")})
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError({"reason": _("This plan is closed: its forum's record is kept as it was.")})
    now = timezone.now()
    with transaction.atomic(), jurisdiction_scope(plan.jurisdiction):
        removed = ForumMeeting.objects.filter(pk=meeting.pk, removed_at__isnull=True).update(
            removed_at=now, removal_reason=reason
        )
        if not removed:
            raise ValidationError({"reason": _("This meeting was already removed from the record.")})
        fragments.changed(TOPIC)  # an UPDATE sends no signal
        meeting.removed_at, meeting.removal_reason = now, reason
        data = {
            "title": meeting.title,
            "held_on": meeting.held_on.isoformat(),
            "place": meeting.place,
            "attendees": meeting.attendees,
        }
        _record_edit(actor, "forum.meeting.remove", meeting, reason, data, jurisdiction=plan.jurisdiction)
    return meeting


def grant_partner(*, actor, plan: ActionPlan, user, organisation: str, reason: str = "") -> PlanPartner:
    """Let a civil society account post counter-assessments on this plan."""
    require_role(actor, plan.jurisdiction, Role.ADMIN)
    _required(organisation=organisation)
    with transaction.atomic(), jurisdiction_scope(plan.jurisdiction):
        partner, created = PlanPartner.objects.get_or_create(
            plan=plan,
            user=user,
            defaults={"jurisdiction": plan.jurisdiction, "organisation": organisation.strip(), "granted_by": actor},
        )
        if created:
            record(
                jurisdiction=plan.jurisdiction,
                actor=actor,
                action="action_plan.partner.grant",
                target=plan,
                reason=reason,
                data={"user": user.pk, "organisation": partner.organisation},
                public=True,
            )
    return partner


def revoke_partner(*, actor, plan: ActionPlan, user, reason: str = "") -> None:
    require_role(actor, plan.jurisdiction, Role.ADMIN)
    with transaction.atomic(), jurisdiction_scope(plan.jurisdiction):
        deleted, _rows = PlanPartner.objects.filter(plan=plan, user=user).delete()
        if deleted:
            record(
                jurisdiction=plan.jurisdiction,
                actor=actor,
                action="action_plan.partner.revoke",
                target=plan,
                reason=reason,
                data={"user": user.pk},
                public=True,
            )


def _check_commitment(values: dict, plan: ActionPlan) -> None:
    _required(
        title=values["title"],
        problem=values["problem"],
        description=values["description"],
        contribution=values["contribution"],
        lead_institution=values["lead_institution"],
    )
    errors = {}
    unknown = [v for v in values["ogp_values"] if v not in OGPValue.values]
    if unknown or not values["ogp_values"]:
        errors["ogp_values"] = _("Choose at least one of the four OGP values.")
    if values["end_date"] < values["start_date"]:
        errors["end_date"] = _("The end date cannot be before the start date.")
    for name in ("start_date", "end_date"):
        if not plan.period_start <= values[name] <= plan.period_end:
            errors.setdefault(
                name,
                _("The date must fall within the plan's period (%(start)s to %(end)s).")
                % {"start": plan.period_start, "end": plan.period_end},
            )
    if plan.status == PlanStatus.CLOSED:
        errors["title"] = _("This plan is closed: no commitment can be added.")
    if errors:
        raise ValidationError(errors)


def _commitment_values(
    plan: ActionPlan, *, policy_areas, supporting_government, supporting_civil_society, **fields
) -> dict:
    """A commitment's OGP fields checked against the plan (ValidationError), trimmed, lists without blanks."""
    fields["ogp_values"] = list(dict.fromkeys(fields["ogp_values"]))
    _check_commitment(fields, plan)
    return {
        **{name: value.strip() if isinstance(value, str) else value for name, value in fields.items()},
        "policy_areas": _clean_list(policy_areas),
        "supporting_government": _clean_list(supporting_government),
        "supporting_civil_society": _clean_list(supporting_civil_society),
    }


def _check_external_id(queryset, external_id: str) -> str:
    """The stripped external id, or ValidationError if it is too long or another row already has it."""
    external_id = (external_id or "").strip()
    if len(external_id) > 100:
        raise ValidationError({"external_id": _("An external id has at most 100 characters.")})
    if external_id and queryset.filter(external_id=external_id).exists():
        raise ValidationError({"external_id": _("Another one already has this external id.")})
    return external_id


def _clean_list(items: Sequence[str]) -> list[str]:
    return [item.strip() for item in items if item and item.strip()]


def create_commitment(
    *,
    actor,
    plan: ActionPlan,
    title: str,
    problem: str,
    description: str,
    contribution: str,
    ogp_values: Sequence[str],
    lead_institution: str,
    start_date: date,
    end_date: date,
    policy_areas: Sequence[str] = (),
    supporting_government: Sequence[str] = (),
    supporting_civil_society: Sequence[str] = (),
    sdg_goals: Sequence[int] = (),
    sdg_targets: Sequence[str] = (),
    external_id: str = "",
) -> Commitment:
    require_role(actor, plan.jurisdiction, *OFFICIALS)
    values = _commitment_values(
        plan,
        title=title,
        problem=problem,
        description=description,
        contribution=contribution,
        ogp_values=ogp_values,
        lead_institution=lead_institution,
        start_date=start_date,
        end_date=end_date,
        policy_areas=policy_areas,
        supporting_government=supporting_government,
        supporting_civil_society=supporting_civil_society,
    )
    with transaction.atomic(), jurisdiction_scope(plan.jurisdiction):
        ActionPlan.objects.select_for_update().filter(pk=plan.pk).first()  # numbers are given one at a time
        number = (Commitment.objects.filter(plan=plan).aggregate(n=Max("number"))["n"] or 0) + 1
        commitment = Commitment.objects.create(
            jurisdiction=plan.jurisdiction,
            plan=plan,
            number=number,
            external_id=_check_external_id(Commitment.objects.all(), external_id),
            **values,
        )
        set_topics(commitment)
        record(jurisdiction=plan.jurisdiction, actor=actor, action="commitment.create", target=commitment, public=True)
        if sdg_goals or sdg_targets:
            set_sdg_tags(actor=actor, content=commitment, goals=list(sdg_goals), targets=list(sdg_targets))
        index_object(commitment)
    return commitment


FIGURES_BATCH = 1000


def refresh_figures(commitment_ids) -> None:
    """Recompute the commitments' kept figures: milestones, and each side's completion (the mean of the
    milestones' current percentages, a milestone not yet assessed counting 0; civil society's None until a
    partner assesses one). Called inside the transaction of every write that changes them."""
    ids = sorted(set(commitment_ids))
    with transaction.atomic(savepoint=False):  # the caller's transaction, or one of its own (a bulk load)
        for start in range(0, len(ids), FIGURES_BATCH):
            _refresh_batch(ids[start : start + FIGURES_BATCH])


def _refresh_batch(chunk: list[int]) -> None:
    # Writers of one commitment take turns: each then reads the others' committed updates (no lost figure).
    list(Commitment.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk", flat=True))
    counts = dict(
        Milestone.objects.filter(commitment_id__in=chunk)
        .order_by()
        .values("commitment_id")
        .annotate(n=Count("id"))
        .values_list("commitment_id", "n")
    )
    sums: dict[tuple[int, str], int] = defaultdict(int)
    current = ProgressUpdate.objects.filter(milestone__commitment_id__in=chunk, superseded_by__isnull=True)
    for commitment_id, side, percentage in current.order_by().values_list(
        "milestone__commitment_id", "side", "percentage"
    ):
        sums[(commitment_id, side)] += percentage
    figures = []
    for pk in chunk:
        n, civil = counts.get(pk, 0), (pk, Side.CIVIL_SOCIETY)
        government = round(sums[(pk, Side.GOVERNMENT)] / n) if n else 0
        figures.append((pk, n, government, round(sums[civil] / n) if n and civil in sums else None))
    _write_figures(figures)


def _write_figures(figures: list[tuple[int, int, int, int | None]]) -> None:
    """One UPDATE … FROM (VALUES …) for the lot: bulk_update's CASE per field and row cost more CPU than the rest
    of a 10,000-row progress import."""
    table = connection.ops.quote_name(Commitment._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s)"] * len(figures))
    # Only the quoted table name and %s placeholders are formatted in; every value is a parameter.
    sql = (
        f"WITH v(id, milestones, government, civil) AS (VALUES {values}) "  # noqa: S608
        f"UPDATE {table} SET milestone_count = CAST(v.milestones AS INTEGER), "
        f"completion = CAST(v.government AS INTEGER), civil_society_completion = CAST(v.civil AS INTEGER) "
        f"FROM v WHERE {table}.id = CAST(v.id AS BIGINT)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in figures for value in row])
    fragments.changed(TOPIC)  # an UPDATE sends no signal


def topics_for(commitment: Commitment) -> list[CommitmentTopic]:
    """The topic rows a commitment's policy areas and OGP values give (unsaved)."""
    rows: dict[tuple[str, str], CommitmentTopic] = {}
    pairs = [(TopicKind.POLICY_AREA, area) for area in commitment.policy_areas]
    pairs += [(TopicKind.OGP_VALUE, value) for value in commitment.ogp_values]
    for kind, label in pairs:
        slug = slugify(label)[:120] if kind == TopicKind.POLICY_AREA else label
        if slug:
            rows[(kind, slug)] = CommitmentTopic(
                jurisdiction_id=commitment.jurisdiction_id,
                commitment=commitment,
                kind=kind,
                slug=slug,
                label=label[:200],  # an OGP value's label is its code, shown translated
            )
    return list(rows.values())


def set_topics(commitment: Commitment) -> None:
    """Rewrite the commitment's topic rows from its policy areas and OGP values (inside the caller's transaction)."""
    CommitmentTopic.objects.with_scope(jurisdiction=commitment.jurisdiction_id).filter(commitment=commitment).delete()
    CommitmentTopic.objects.bulk_create(topics_for(commitment))
    fragments.changed(TOPIC)  # bulk_create sends no signal


def add_milestone(
    *, actor, commitment: Commitment, deliverable: str, due_date: date, external_id: str = ""
) -> Milestone:
    require_role(actor, commitment.jurisdiction, *OFFICIALS)
    _required(deliverable=deliverable)
    plan = commitment.plan
    if not plan.period_start <= due_date <= plan.period_end:
        raise ValidationError(
            {
                "due_date": _("The date must fall within the plan's period (%(start)s to %(end)s).")
                % {"start": plan.period_start, "end": plan.period_end}
            }
        )
    with transaction.atomic(), jurisdiction_scope(commitment.jurisdiction):
        Commitment.objects.select_for_update().filter(pk=commitment.pk).first()
        position = (Milestone.objects.filter(commitment=commitment).aggregate(n=Max("position"))["n"] or 0) + 1
        milestone = Milestone.objects.create(
            jurisdiction=commitment.jurisdiction,
            commitment=commitment,
            position=position,
            deliverable=deliverable.strip(),
            due_date=due_date,
            external_id=_check_external_id(Milestone.objects.filter(commitment=commitment), external_id),
        )
        refresh_figures([commitment.pk])
        record(
            jurisdiction=commitment.jurisdiction,
            actor=actor,
            action="milestone.add",
            target=commitment,
            data={"milestone": position, "deliverable": milestone.deliverable, "due_date": due_date.isoformat()},
            public=True,
        )
    return milestone


def _changes(obj, values: dict) -> dict[str, dict]:
    """{field: {"before": old, "after": new}} for the values that differ (dates as ISO text), for the audit log."""

    def plain(value):
        return value.isoformat() if isinstance(value, date) else value

    return {
        name: {"before": plain(getattr(obj, name)), "after": plain(value)}
        for name, value in values.items()
        if getattr(obj, name) != value
    }


def _save_changes(obj, values: dict) -> None:
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save(update_fields=list(values))


def _record_edit(actor, action: str, target, reason: str, data: dict, jurisdiction: Jurisdiction | None = None) -> None:
    """The public audit entry of a change: what it was and became, and why (the object's history)."""
    record(
        jurisdiction=jurisdiction or target.jurisdiction,
        actor=actor,
        action=action,
        target=target,
        reason=(reason or "").strip(),
        data=data,
        public=True,
    )


def _outside(plan: ActionPlan) -> str:
    return _("The date must fall within the plan's period (%(start)s to %(end)s).") % {
        "start": plan.period_start,
        "end": plan.period_end,
    }


def update_milestone(
    *, actor, milestone: Milestone, deliverable: str, due_date: date, external_id: str = "", reason: str = ""
) -> Milestone:
    """Correct a milestone's deliverable or due date; the audit log keeps what it was (its history)."""
    require_role(actor, milestone.jurisdiction, *OFFICIALS)
    _required(deliverable=deliverable)
    plan = milestone.commitment.plan
    if not plan.period_start <= due_date <= plan.period_end:
        raise ValidationError({"due_date": _outside(plan)})
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError({"deliverable": _("This plan is closed: its milestones are kept as they were.")})
    values = {"deliverable": deliverable.strip(), "due_date": due_date, "external_id": (external_id or "").strip()}
    changes = _changes(milestone, values)
    if not changes:
        return milestone
    with transaction.atomic(), jurisdiction_scope(milestone.jurisdiction):
        if "external_id" in changes:
            others = Milestone.objects.filter(commitment_id=milestone.commitment_id).exclude(pk=milestone.pk)
            _check_external_id(others, external_id)
        _save_changes(milestone, values)
        data = {"milestone": milestone.position, "changes": changes}
        _record_edit(actor, "milestone.edit", milestone.commitment, reason, data, jurisdiction=milestone.jurisdiction)
    return milestone


def update_commitment(
    *,
    actor,
    commitment: Commitment,
    title: str,
    problem: str,
    description: str,
    contribution: str,
    ogp_values: Sequence[str],
    lead_institution: str,
    start_date: date,
    end_date: date,
    policy_areas: Sequence[str] = (),
    supporting_government: Sequence[str] = (),
    supporting_civil_society: Sequence[str] = (),
    external_id: str = "",
    reason: str = "",
) -> Commitment:
    """Correct a commitment's OGP fields; dates stay inside the plan's period, the audit log keeps the history."""
    plan = commitment.plan
    require_role(actor, plan.jurisdiction, *OFFICIALS)
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError({"title": _("This plan is closed: its commitments are kept as they were.")})
    values = _commitment_values(
        plan,
        title=title,
        problem=problem,
        description=description,
        contribution=contribution,
        ogp_values=ogp_values,
        lead_institution=lead_institution,
        start_date=start_date,
        end_date=end_date,
        policy_areas=policy_areas,
        supporting_government=supporting_government,
        supporting_civil_society=supporting_civil_society,
    )
    values["external_id"] = (external_id or "").strip()
    changes = _changes(commitment, values)
    if not changes:
        return commitment
    with transaction.atomic(), jurisdiction_scope(plan.jurisdiction):
        if "external_id" in changes:
            _check_external_id(Commitment.objects.exclude(pk=commitment.pk), external_id)
        _save_changes(commitment, values)
        if "policy_areas" in changes or "ogp_values" in changes:
            set_topics(commitment)
        _record_edit(actor, "commitment.edit", commitment, reason, {"changes": changes}, jurisdiction=plan.jurisdiction)
        index_object(commitment)
    return commitment


def _check_links(links: Sequence[str]) -> list[str]:
    cleaned = _clean_list(links)
    if len(cleaned) > MAX_LINKS:
        raise ValidationError({"links": _("Give at most %(n)s links.") % {"n": MAX_LINKS}})
    validate = URLValidator(schemes=["http", "https"])
    for link in cleaned:
        try:
            validate(link)
        except ValidationError as bad:
            raise ValidationError(
                {"links": _("“%(link)s” is not a web address (http or https).") % {"link": link[:80]}}
            ) from bad
    return cleaned


def _check_progress(*, status: str, percentage: int, narrative: str) -> None:
    _required(narrative=narrative)
    if status not in ProgressStatus.values:
        raise ValidationError({"status": _("Choose not started, limited, substantial or complete.")})
    if not 0 <= percentage <= 100:
        raise ValidationError({"percentage": _("Enter a percentage between 0 and 100.")})
    if status == ProgressStatus.COMPLETE and percentage != 100:
        raise ValidationError({"percentage": _("A complete milestone is 100% done.")})
    if status == ProgressStatus.NOT_STARTED and percentage != 0:
        raise ValidationError({"percentage": _("A milestone not started is 0% done.")})
    if status in (ProgressStatus.LIMITED, ProgressStatus.SUBSTANTIAL) and percentage in (0, 100):
        raise ValidationError({"percentage": _("Limited or substantial progress is between 1% and 99%.")})


def post_progress_update(
    *,
    actor,
    milestone: Milestone,
    side: str,
    status: str,
    percentage: int,
    narrative: str,
    links: Sequence[str] = (),
    evidence=None,
    evidence_title: str = "",
    now: datetime | None = None,
) -> ProgressUpdate:
    """Post a new assessment of a milestone; it supersedes the side's current one (never edits it).

    Officials and admins post the government's; the plan's civil society partners post
    counter-assessments. Evidence files go through core attachments (officials by their role,
    partners through the component's "partner_evidence" action); links are for everyone.
    """
    plan = milestone.commitment.plan
    if side not in sides_for(actor, plan):
        raise PermissionDenied(_("You may not post this assessment on this plan."))
    if plan.status != PlanStatus.IMPLEMENTATION:
        raise ValidationError({"status": _("Progress is reported while the plan is being implemented.")})
    _check_progress(status=status, percentage=percentage, narrative=narrative)
    cleaned_links = _check_links(links)
    jurisdiction = milestone.jurisdiction
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        Milestone.objects.select_for_update().filter(pk=milestone.pk).first()  # one chain per side, no fork
        current = ProgressUpdate.objects.filter(milestone=milestone, side=side, superseded_by__isnull=True).first()
        update = ProgressUpdate.objects.create(
            jurisdiction=jurisdiction,
            milestone=milestone,
            side=side,
            status=status,
            percentage=percentage,
            narrative=narrative.strip(),
            links=cleaned_links,
            supersedes=current,
            author=actor,
            author_label=str(actor.display_name),
            organisation=_organisation_of(actor, plan, side),
            created_at=now or timezone.now(),
        )
        refresh_figures([milestone.commitment_id])
        record(
            jurisdiction=jurisdiction,
            actor=actor,
            action="progress_update.post",
            target=milestone.commitment,
            data={"milestone": milestone.position, "side": side, "status": status, "percentage": percentage},
            public=True,
        )
        if evidence is not None:  # officials by their role, partners through the component's action
            _attach_evidence(
                actor=actor, plan=plan, target=update, upload=evidence, title=evidence_title or _("Evidence")
            )
    return update


def _organisation_of(actor, plan: ActionPlan, side: str) -> str:
    if side == Side.GOVERNMENT:
        return str(plan.jurisdiction.name)
    partner = PlanPartner.objects.filter(plan=plan, user=actor).first()
    return partner.organisation if partner else ""


def record_assessment(
    *,
    actor,
    commitment: Commitment,
    relevance: str,
    potential_impact: str,
    completion: str,
    opened_government: str,
    justification: str,
    now: datetime | None = None,
) -> Assessment:
    """Record the independent assessor's ratings of a commitment; it supersedes the current one (never edits it).

    Only the jurisdiction's assessors write (not its officials: the review is independent).
    """
    require_role(actor, commitment.jurisdiction, Role.ASSESSOR)
    _required(justification=justification)
    errors = {}
    if relevance not in Relevance.values:
        errors["relevance"] = _("Choose clearly relevant, unclear or not relevant.")
    if potential_impact not in PotentialImpact.values:
        errors["potential_impact"] = _("Choose none, minor, moderate or transformative.")
    if completion not in ProgressStatus.values:
        errors["completion"] = _("Choose not started, limited, substantial or complete.")
    if opened_government not in OpenedGovernment.values:
        errors["opened_government"] = _("Choose worsened, did not change, marginal, major or outstanding.")
    if commitment.plan.status == PlanStatus.CO_CREATION:
        errors["justification"] = _("Commitments are assessed once the plan is adopted.")
    if errors:
        raise ValidationError(errors)
    jurisdiction = commitment.jurisdiction
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        Commitment.objects.select_for_update().filter(pk=commitment.pk).first()  # one chain, no fork
        current = Assessment.objects.filter(commitment=commitment, superseded_by__isnull=True).first()
        assessment = Assessment.objects.create(
            jurisdiction=jurisdiction,
            commitment=commitment,
            relevance=relevance,
            potential_impact=potential_impact,
            completion=completion,
            opened_government=opened_government,
            justification=justification.strip(),
            supersedes=current,
            assessor=actor,
            assessor_label=str(actor.display_name),
            created_at=now or timezone.now(),
        )
        record(
            jurisdiction=jurisdiction,
            actor=actor,
            action="assessment.record",
            target=commitment,
            data={
                "relevance": relevance,
                "potential_impact": potential_impact,
                "completion": completion,
                "opened_government": opened_government,
            },
            public=True,
        )
    return assessment


def _text_of(source, *names: str) -> str:
    for name in names:
        value = getattr(source, name, None)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def commitment_from_content(*, actor, source, component, note: str = "") -> Candidate:
    """Core's "send to … a candidate commitment": `source` becomes a candidate of the plan being co-created.

    Called by `plaza.core.operations.links.send_to` inside its transaction (it checks the actor's role
    and records the link and the audit entry); refused when no plan of the jurisdiction is in co-creation.
    """
    jurisdiction = component.jurisdiction
    require_role(actor, jurisdiction, *OFFICIALS)
    plan = (
        ActionPlan.objects.with_scope(jurisdiction=jurisdiction)
        .filter(status=PlanStatus.CO_CREATION)
        .order_by("-period_start", "-id")
        .first()
    )
    if plan is None:
        raise ValidationError(
            {"component": _("No action plan is being co-created here: candidates are taken during co-creation.")}
        )
    title = _text_of(source, "title", "name") or str(source)
    url = source.get_absolute_url() if hasattr(source, "get_absolute_url") else ""
    return add_candidate(
        actor=actor, plan=plan, title=title, summary=_text_of(source, "summary", "description", "body"), source_url=url
    )


def add_candidate(*, actor, plan: ActionPlan, title: str, summary: str = "", source_url: str = "") -> Candidate:
    """A candidate commitment of a plan in co-creation (from a link, or recorded from the consultation)."""
    require_role(actor, plan.jurisdiction, *OFFICIALS)
    _required(title=title)
    if plan.status != PlanStatus.CO_CREATION:
        raise ValidationError({"title": _("Candidates are taken while the plan is being co-created.")})
    with transaction.atomic(), jurisdiction_scope(plan.jurisdiction):
        candidate = Candidate.objects.create(
            jurisdiction=plan.jurisdiction,
            plan=plan,
            title=title.strip()[:300],
            summary=summary.strip()[:5000],
            source_url=source_url[:500],
        )
        record(
            jurisdiction=plan.jurisdiction,
            actor=actor,
            action="candidate.add",
            target=plan,
            data={"candidate": candidate.pk, "title": candidate.title},
            public=True,
        )
    return candidate


def decide_candidate(
    *, actor, candidate: Candidate, decision: str, reason: str, commitment: Commitment | None = None
) -> Candidate:
    """The forum's decision on a candidate: made it into the plan (as `commitment`) or not, with a public reason."""
    plan = candidate.plan
    require_role(actor, plan.jurisdiction, *OFFICIALS)
    _required(reason=reason)
    if decision not in (CandidateDecision.ADOPTED, CandidateDecision.DECLINED):
        raise ValidationError({"decision": _("Choose whether it made it into the plan or not.")})
    if decision == CandidateDecision.ADOPTED and (commitment is None or commitment.plan_id != plan.pk):
        raise ValidationError({"commitment": _("Choose the commitment of this plan that it became.")})
    if decision == CandidateDecision.DECLINED:
        commitment = None
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError({"decision": _("This plan is closed: its candidates were decided.")})
    with transaction.atomic(), jurisdiction_scope(plan.jurisdiction):
        candidate.decision = decision
        candidate.reason = reason.strip()
        candidate.commitment = commitment
        candidate.decided_by = actor
        candidate.decided_at = timezone.now()
        candidate.save(update_fields=["decision", "reason", "commitment", "decided_by", "decided_at"])
        record(
            jurisdiction=plan.jurisdiction,
            actor=actor,
            action="candidate.decide",
            target=plan,
            reason=candidate.reason,
            data={
                "candidate": candidate.pk,
                "decision": decision,
                "commitment": commitment.number if commitment else None,
            },
            public=True,
        )
    return candidate


# Results: what became of a decision


def result_from_content(*, actor, source, component, note: str = "") -> Result:
    """Core's "send to … a tracked result": a new result that follows the execution of `source`.

    Called by `plaza.core.operations.links.send_to` inside its transaction, which records the link.
    """
    jurisdiction = component.jurisdiction
    require_role(actor, jurisdiction, *OFFICIALS)
    title = _text_of(source, "title", "name") or str(source)
    url = source.get_absolute_url() if hasattr(source, "get_absolute_url") else ""
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        result = Result.objects.create(
            jurisdiction=jurisdiction,
            title=title[:300],
            description=(note or "").strip(),
            source_url=url[:500],
        )
        record(jurisdiction=jurisdiction, actor=actor, action="result.create", target=result, public=True)
    return result


def create_result(
    *,
    actor,
    jurisdiction: Jurisdiction,
    title: str,
    external_id: str = "",
    description: str = "",
    currency: str = "EUR",
) -> Result:
    require_role(actor, jurisdiction, *OFFICIALS)
    _required(title=title)
    external_id = external_id.strip()
    if not CURRENCY.match(currency):
        raise ValidationError({"currency": _("Give the currency as three capital letters (EUR, ARS).")})
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        if external_id and Result.objects.filter(external_id=external_id).exists():
            raise ValidationError({"external_id": _("Another result already has this external id.")})
        result = Result.objects.create(
            jurisdiction=jurisdiction,
            title=title.strip(),
            external_id=external_id,
            description=description.strip(),
            currency=currency,
        )
        record(jurisdiction=jurisdiction, actor=actor, action="result.create", target=result, public=True)
    return result


def parse_money(text: str) -> int | None:
    """ "1234.5" -> 123450 minor units; "" -> None; ValueError on anything else (negative, 3 decimals, words)."""
    text = (text or "").strip().replace(" ", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation as bad:
        raise ValueError(text) from bad
    if not amount.is_finite() or amount < 0 or amount.as_tuple().exponent < -2 or amount > MAX_MONEY:
        raise ValueError(text)
    return int(amount * 100)


def check_result_values(*, status: str, progress: int) -> dict[str, str]:
    errors = {}
    if status not in ResultStatus.values:
        errors["status"] = _("Choose planned, in progress, completed or cancelled.")
    if not 0 <= progress <= 100:
        errors["progress"] = _("Enter a percentage between 0 and 100.")
    elif status == ResultStatus.COMPLETED and progress != 100:
        errors["progress"] = _("A completed result is 100% done.")
    return errors


def update_result(
    *,
    actor,
    result: Result,
    status: str,
    progress: int,
    budget_spent_minor: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> ResultUpdate:
    """Record a dated change of a result's status, progress and spending (the history keeps every one)."""
    require_role(actor, result.jurisdiction, *OFFICIALS)
    errors = check_result_values(status=status, progress=progress)
    if budget_spent_minor is not None and budget_spent_minor < 0:
        errors["budget_spent"] = _("The amount spent cannot be negative.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), jurisdiction_scope(result.jurisdiction):
        update = ResultUpdate.objects.create(
            jurisdiction=result.jurisdiction,
            result=result,
            status=status,
            progress=progress,
            budget_spent_minor=budget_spent_minor,
            note=note.strip(),
            author=actor,
            author_label=str(actor.display_name),
            created_at=now or timezone.now(),
        )
        result.status, result.progress = status, progress
        fields = ["status", "progress", "updated_at"]
        if budget_spent_minor is not None:
            result.budget_spent_minor = budget_spent_minor
            fields.append("budget_spent_minor")
        result.save(update_fields=fields)
        record(
            jurisdiction=result.jurisdiction,
            actor=actor,
            action="result.update",
            target=result,
            data={"status": status, "progress": progress, "budget_spent_minor": budget_spent_minor},
            public=True,
        )
    return update


def _check_result_milestone(*, title: str, done_on: date | None) -> None:
    _required(title=title)
    if len(title.strip()) > 300:
        raise ValidationError({"title": _("A milestone's title has at most 300 characters.")})
    if done_on is not None and done_on > timezone.localdate():
        raise ValidationError({"done_on": _("A milestone cannot be done on a date still to come.")})


def add_result_milestone(
    *, actor, result: Result, title: str, due_date: date, done_on: date | None = None
) -> ResultMilestone:
    require_role(actor, result.jurisdiction, *OFFICIALS)
    _check_result_milestone(title=title, done_on=done_on)
    with transaction.atomic(), jurisdiction_scope(result.jurisdiction):
        Result.objects.select_for_update().filter(pk=result.pk).first()
        position = (ResultMilestone.objects.filter(result=result).aggregate(n=Max("position"))["n"] or 0) + 1
        milestone = ResultMilestone.objects.create(
            jurisdiction=result.jurisdiction,
            result=result,
            position=position,
            title=title.strip(),
            due_date=due_date,
            done_on=done_on,
        )
        data = {"position": position, "title": milestone.title, "due_date": due_date.isoformat()}
        _record_edit(actor, "result.milestone.add", result, "", data)
    return milestone


def update_result_milestone(
    *, actor, milestone: ResultMilestone, title: str, due_date: date, done_on: date | None = None, reason: str = ""
) -> ResultMilestone:
    """Correct a result's milestone: its title, its due date, whether (and when) it was done; history kept."""
    result = milestone.result
    require_role(actor, result.jurisdiction, *OFFICIALS)
    _check_result_milestone(title=title, done_on=done_on)
    values = {"title": title.strip(), "due_date": due_date, "done_on": done_on}
    changes = _changes(milestone, values)
    if not changes:
        return milestone
    with transaction.atomic(), jurisdiction_scope(result.jurisdiction):
        _save_changes(milestone, values)
        data = {"position": milestone.position, "changes": changes}
        _record_edit(actor, "result.milestone.edit", result, reason, data)
    return milestone


def remove_result_milestone(*, actor, milestone: ResultMilestone, reason: str = "") -> None:
    """Take a milestone off a result (the others keep their numbers); the public history keeps what it was."""
    result = milestone.result
    require_role(actor, result.jurisdiction, *OFFICIALS)
    with transaction.atomic(), jurisdiction_scope(result.jurisdiction):
        data = {
            "position": milestone.position,
            "title": milestone.title,
            "due_date": milestone.due_date.isoformat(),
            "done_on": milestone.done_on.isoformat() if milestone.done_on else None,
        }
        milestone.delete()
        _record_edit(actor, "result.milestone.remove", result, reason, data)


def add_result_photo(*, actor, result: Result, upload, title: str):
    """A photo (or any evidence file) of the work: a core attachment, so core's rules and checks apply."""
    return attach_file(actor=actor, target=result, upload=upload, title=title)


def add_commitment_evidence(*, actor, commitment: Commitment, upload, title: str):
    """Evidence for a commitment, by officials or by the plan's civil society partners (core attachments)."""
    plan = commitment.plan
    if not sides_for(actor, plan):
        raise PermissionDenied(_("Only the jurisdiction's officials and the plan's partners add evidence."))
    return _attach_evidence(actor=actor, plan=plan, target=commitment, upload=upload, title=title)


def _attach_evidence(*, actor, plan: ActionPlan, target, upload, title: str):
    """An evidence file through core's attach_file: officials by their role, the plan's partners by the action.

    A partner is no official: core lets them attach through the component's declared action, which the
    callers reach only after checking they are this plan's partner (sides_for).
    """
    if has_role(actor, plan.jurisdiction, *OFFICIALS):
        return attach_file(actor=actor, target=target, upload=upload, title=title)
    component = (
        ComponentInstance.objects.with_scope(jurisdiction=plan.jurisdiction)
        .filter(manifest_name="accountability")
        .order_by("id")
        .first()
    )
    if component is None:
        raise PermissionDenied(_("Evidence files need the action plan component in one of the processes."))
    return attach_file(
        actor=actor, target=target, upload=upload, title=title, component=component, action=PARTNER_EVIDENCE
    )


def start_results_import(*, actor, jurisdiction: Jurisdiction, upload, dry_run: bool) -> Job:
    """Store the CSV and start the background job that checks it and (unless a dry run) applies it."""
    return _start_import(
        actor=actor, jurisdiction=jurisdiction, upload=upload, dry_run=dry_run, kind="results", action="result"
    )


def start_progress_import(*, actor, jurisdiction: Jurisdiction, upload, dry_run: bool) -> Job:
    """Store a CSV of milestone progress (keyed by commitment and milestone external ids) and start its job."""
    return _start_import(
        actor=actor,
        jurisdiction=jurisdiction,
        upload=upload,
        dry_run=dry_run,
        kind="progress",
        action="progress_update",
    )


def _start_import(*, actor, jurisdiction: Jurisdiction, upload, dry_run: bool, kind: str, action: str) -> Job:
    from plaza.accountability.csv_import import decode

    require_role(actor, jurisdiction, *OFFICIALS)
    if upload is None:
        raise ValidationError({"file": _("Choose a CSV file.")})
    content = upload.read()
    try:
        decode(content)
    except ValueError as unreadable:
        raise ValidationError({"file": str(unreadable)}) from unreadable
    if not content.strip():
        raise ValidationError({"file": _("The file is empty.")})
    path = default_storage.save(
        f"accountability/imports/{jurisdiction.slug}-{uuid.uuid4().hex}.csv", ContentFile(content)
    )
    with transaction.atomic():
        started = enqueue(
            jurisdiction=jurisdiction,
            kind=f"accountability.import_{kind}",
            params={"path": path, "dry_run": dry_run, "name": getattr(upload, "name", "")[:200]},
            actor=actor,
        )
        record(
            jurisdiction=jurisdiction,
            actor=actor,
            action=f"{action}.import.start",
            target=started,
            data={"dry_run": dry_run},
        )
    return started
