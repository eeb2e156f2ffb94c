"""Every write of the proposals component: proposals, supports (once per person), debates and their votes."""

import math
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, connections, router, transaction
from django.db.models import F, FloatField
from django.db.models.functions import Cast, Ln
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plaza.core.audit import record
from plaza.core.geo import make_point
from plaza.core.models import ApiToken, ComponentInstance, Follow, Role, SDGGoal, SDGTag, Verification
from plaza.core.operations.attachments import attach_file
from plaza.core.operations.comments import moderate_reported_in_bulk, start_following
from plaza.core.operations.moderation import block_exists, blocked_message, refuse_if_blocked
from plaza.core.operations.notifications import notify, register_event
from plaza.core.permissions import component_action_allowed, require_role
from plaza.core.prepared import prepared_cursor
from plaza.core.search import fold, index_object
from plaza.core.tenancy import jurisdiction_scope
from plaza.proposals.models import (
    BODY_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Debate,
    DebateVote,
    Proposal,
    ProposalTag,
    Support,
)
from plaza.proposals.queries import DEFAULT_THRESHOLD_VALUE, categories_of, reported_comments, support_threshold
from plaza.proposals.spam import check_new_account_limit, hold_reasons

MODERATOR_ROLES = (Role.MODERATOR, Role.ADMIN)
COMMENT_REASON_MAX_LENGTH = 300  # core's Comment.hidden_reason
MAX_TAGS = 6
TAG_MAX_LENGTH = 40
# "Hot" ranks by log2(supports + 1) plus one point per half-life of freshness: a proposal published
# a week earlier needs twice the supports to rank alike. The ranking never needs recomputing.
HOT_HALF_LIFE_SECONDS = 7 * 24 * 3600
HOT_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)

register_event("proposal.threshold_reached", gettext_lazy("“%(target)s” reached its support threshold."))
register_event("proposal.withdrawn", gettext_lazy("%(actor)s withdrew “%(target)s”."))
register_event("proposal.hidden", gettext_lazy("A moderator hid “%(target)s”."))
register_event("proposal.merged", gettext_lazy("A moderator merged “%(target)s” into a proposal saying the same."))


@dataclass
class ProposalText:
    """What an author writes; validated by `clean_proposal_text` for pages and the API alike."""

    title: str
    summary: str
    body: str
    category: str = ""
    tags: list[str] = field(default_factory=list)
    sdg_goals: list[int] = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None
    address: str = ""
    video_url: str = ""
    on_behalf_of: str = ""


def hot_score(support_count: int, published_at: datetime | None) -> float:
    if published_at is None:
        return 0.0
    return math.log2(support_count + 1) + (published_at - HOT_EPOCH).total_seconds() / HOT_HALF_LIFE_SECONDS


def _required(errors: dict, name: str, value: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        errors[name] = _("This field is required.")
    elif len(value) > max_length:
        errors[name] = _("Keep it under %(max)s characters (it has %(count)s).") % {
            "max": max_length,
            "count": len(value),
        }
    return value


def _clean_tags(errors: dict, tags: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(t.strip().lower() for t in tags if t and t.strip()))
    if len(cleaned) > MAX_TAGS:
        errors["tags"] = _("Use at most %(max)s tags.") % {"max": MAX_TAGS}
    elif any(len(t) > TAG_MAX_LENGTH for t in cleaned):
        errors["tags"] = _("A tag has at most %(max)s characters.") % {"max": TAG_MAX_LENGTH}
    return cleaned


def _clean_location(errors: dict, text: ProposalText) -> None:
    if text.latitude is None and text.longitude is None:
        return
    if text.latitude is None or text.longitude is None:
        errors["latitude"] = _("Give both the latitude and the longitude, or neither.")
        return
    try:
        make_point(text.latitude, text.longitude)
    except ValidationError as invalid:
        errors["latitude"] = invalid.messages[0]


def _clean_video(errors: dict, url: str) -> str:
    url = (url or "").strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["video_url"] = _("Enter a full web address starting with https://.")
    return url


def clean_proposal_text(component: ComponentInstance, text: ProposalText) -> ProposalText:
    """The text with whitespace trimmed and tags folded, or a ValidationError naming each bad field."""
    errors: dict[str, str] = {}
    text.title = _required(errors, "title", text.title, TITLE_MAX_LENGTH)
    text.summary = _required(errors, "summary", text.summary, SUMMARY_MAX_LENGTH)
    text.body = _required(errors, "body", text.body, BODY_MAX_LENGTH)
    text.on_behalf_of = (text.on_behalf_of or "").strip()[:200]
    if text.category and text.category not in categories_of(component):
        errors["category"] = _("Choose one of the categories offered.")
    text.tags = _clean_tags(errors, text.tags)
    text.sdg_goals = sorted(set(text.sdg_goals))
    if any(not 1 <= n <= 17 for n in text.sdg_goals):
        errors["sdg_goals"] = _("The goals are numbered 1 to 17.")
    _clean_location(errors, text)
    text.address = (text.address or "").strip()[:300] if text.latitude is not None else ""
    text.video_url = _clean_video(errors, text.video_url)
    if errors:
        raise ValidationError(errors)
    return text


def _write_text(proposal: Proposal, text: ProposalText) -> None:
    for name in (
        "title",
        "summary",
        "body",
        "category",
        "latitude",
        "longitude",
        "address",
        "video_url",
        "on_behalf_of",
    ):
        setattr(proposal, name, getattr(text, name))
    proposal.folded_title = f" {fold(text.title)} "


def _replace_tags_and_goals(proposal: Proposal, text: ProposalText) -> None:
    """Tags and SDG goals are the author's own choice, written with the proposal (core's SDGTag rows)."""
    ProposalTag.objects.filter(proposal=proposal).delete()
    ProposalTag.objects.bulk_create(
        [ProposalTag(jurisdiction_id=proposal.jurisdiction_id, proposal=proposal, name=t) for t in text.tags]
    )
    content_type = ContentType.objects.get_for_model(Proposal)
    SDGTag.objects.filter(content_type=content_type, object_id=proposal.pk).delete()
    SDGTag.objects.bulk_create(
        [
            SDGTag(jurisdiction_id=proposal.jurisdiction_id, content_type=content_type, object_id=proposal.pk, goal=g)
            for g in SDGGoal.objects.filter(number__in=text.sdg_goals)
        ]
    )


def _allowed(actor, component: ComponentInstance, action: str) -> None:
    allowed, why = component_action_allowed(actor, component, action)
    if not allowed:
        raise PermissionDenied(why)
    refuse_if_blocked(actor, component.jurisdiction)


def create_proposal(*, actor, component: ComponentInstance, text: ProposalText) -> Proposal:
    """A new draft, seen only by its author until they publish it."""
    _allowed(actor, component, "propose")
    text = clean_proposal_text(component, text)
    jurisdiction = component.jurisdiction
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        check_new_account_limit(actor, component)
        proposal = Proposal(jurisdiction=jurisdiction, component=component, author=actor)
        _write_text(proposal, text)
        proposal.save()
        _replace_tags_and_goals(proposal, text)
        record(jurisdiction=jurisdiction, actor=actor, action="proposal.create", target=proposal)
    return proposal


def _require_author(actor, proposal: Proposal) -> None:
    if actor is None or not actor.is_authenticated or actor.pk != proposal.author_id:
        raise PermissionDenied(_("Only the proposal's author can do this."))


def update_proposal(*, actor, proposal: Proposal, text: ProposalText) -> Proposal:
    """The author rewrites the proposal, only until its first support (checked in the same UPDATE)."""
    _require_author(actor, proposal)
    refuse_if_blocked(actor, proposal.jurisdiction)
    text = clean_proposal_text(proposal.component, text)
    editable = (Proposal.Status.DRAFT, Proposal.Status.PUBLISHED)
    with transaction.atomic(), jurisdiction_scope(proposal.jurisdiction):
        _write_text(proposal, text)
        fields = [
            "title",
            "folded_title",
            "summary",
            "body",
            "category",
            "latitude",
            "longitude",
            "address",
            "video_url",
        ]
        changed = Proposal.objects.filter(pk=proposal.pk, support_count=0, status__in=editable).update(
            on_behalf_of=proposal.on_behalf_of, **{name: getattr(proposal, name) for name in fields}
        )
        if not changed:
            raise PermissionDenied(_("A proposal cannot be changed once it has supports."))
        _replace_tags_and_goals(proposal, text)
        public = proposal.status != Proposal.Status.DRAFT
        record(jurisdiction=proposal.jurisdiction, actor=actor, action="proposal.edit", target=proposal, public=public)
        index_object(proposal)
    return proposal


def publish_proposal(*, actor, proposal: Proposal) -> Proposal:
    """The author publishes a draft: it shows in the index and starts gathering supports."""
    _require_author(actor, proposal)
    _allowed(actor, proposal.component, "propose")
    now = timezone.now()
    with transaction.atomic(), jurisdiction_scope(proposal.jurisdiction):
        held = hold_reasons(
            actor,
            proposal.component,
            model=Proposal,
            title=proposal.title,
            body=proposal.body,
            exclude_pk=proposal.pk,
        )
        if held:
            return _hold(actor, proposal, held)
        changed = Proposal.objects.filter(pk=proposal.pk, status=Proposal.Status.DRAFT).update(
            status=Proposal.Status.PUBLISHED, published_at=now, hot_score=hot_score(0, now)
        )
        if not changed:
            raise ValidationError(_("This proposal is already published."))
        proposal.refresh_from_db()
        start_following(actor, proposal)
        record(jurisdiction=proposal.jurisdiction, actor=actor, action="proposal.publish", target=proposal, public=True)
        index_object(proposal)
    return proposal


def _hold(actor, proposal: Proposal, reasons: list[str]) -> Proposal:
    """Publishing waits for a moderator: the proposal stays out of the index and the search."""
    reason = ", ".join(reasons)[:300]
    changed = Proposal.objects.filter(pk=proposal.pk, status=Proposal.Status.DRAFT).update(
        status=Proposal.Status.HELD, held_reason=reason
    )
    if not changed:
        raise ValidationError(_("This proposal is already published."))
    proposal.refresh_from_db()
    start_following(actor, proposal)
    record(jurisdiction=proposal.jurisdiction, actor=None, action="proposal.held", target=proposal, reason=reason)
    return proposal


def release_proposal(*, actor, proposal: Proposal) -> Proposal:
    """A moderator publishes a proposal held for review (it was not spam after all)."""
    require_role(actor, proposal.jurisdiction, *MODERATOR_ROLES, process=proposal.component.process)
    now = timezone.now()
    with transaction.atomic(), jurisdiction_scope(proposal.jurisdiction):
        changed = Proposal.objects.filter(pk=proposal.pk, status=Proposal.Status.HELD).update(
            status=Proposal.Status.PUBLISHED, published_at=now, hot_score=hot_score(0, now), held_reason=""
        )
        if not changed:
            raise ValidationError(_("This proposal is not held for review."))
        proposal.refresh_from_db()
        record(jurisdiction=proposal.jurisdiction, actor=actor, action="proposal.release", target=proposal, public=True)
        index_object(proposal)
    return proposal


def _set_status(*, actor, proposal: Proposal, status: str, action: str, reason: str = "", allowed_from=()) -> None:
    changed = Proposal.objects.filter(pk=proposal.pk, status__in=allowed_from).update(
        status=status, hidden_reason=reason
    )
    if not changed:
        raise ValidationError(_("This cannot be done to the proposal in its present state."))
    proposal.refresh_from_db()
    record(jurisdiction=proposal.jurisdiction, actor=actor, action=action, target=proposal, reason=reason, public=True)
    index_object(proposal)


def withdraw_proposal(*, actor, proposal: Proposal) -> Proposal:
    """The author withdraws a published proposal; it stays readable, marked withdrawn, without supports."""
    _require_author(actor, proposal)
    with transaction.atomic(), jurisdiction_scope(proposal.jurisdiction):
        _set_status(
            actor=actor,
            proposal=proposal,
            status=Proposal.Status.WITHDRAWN,
            action="proposal.withdraw",
            allowed_from=(Proposal.Status.PUBLISHED, Proposal.Status.THRESHOLD_REACHED),
        )
        transaction.on_commit(
            partial(
                notify, jurisdiction=proposal.jurisdiction, event="proposal.withdrawn", target=proposal, actor=actor
            )
        )
    return proposal


def hide_proposal(*, actor, proposal: Proposal, reason: str) -> Proposal:
    """A moderator hides a proposal; the reason is public, in its place and in the audit log."""
    require_role(actor, proposal.jurisdiction, *MODERATOR_ROLES, process=proposal.component.process)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the reason is shown in the proposal's place.")})
    visible = [s for s in Proposal.Status if s not in (Proposal.Status.HIDDEN, Proposal.Status.DRAFT)]
    with transaction.atomic(), jurisdiction_scope(proposal.jurisdiction):
        _set_status(
            actor=actor,
            proposal=proposal,
            status=Proposal.Status.HIDDEN,
            action="proposal.hide",
            reason=reason[:2000],
            allowed_from=visible,
        )
        if proposal.author is not None:
            transaction.on_commit(
                partial(
                    notify,
                    jurisdiction=proposal.jurisdiction,
                    event="proposal.hidden",
                    target=proposal,
                    actor=actor,
                    recipients=[proposal.author],
                )
            )
    return proposal


def archive_proposal(*, actor, proposal: Proposal) -> Proposal:
    """A moderator or admin archives a proposal whose time has passed: read-only, no more supports."""
    require_role(actor, proposal.jurisdiction, *MODERATOR_ROLES, process=proposal.component.process)
    with transaction.atomic(), jurisdiction_scope(proposal.jurisdiction):
        _set_status(
            actor=actor,
            proposal=proposal,
            status=Proposal.Status.ARCHIVED,
            action="proposal.archive",
            allowed_from=(Proposal.Status.PUBLISHED, Proposal.Status.THRESHOLD_REACHED),
        )
    return proposal


def set_expert(*, actor, proposal: Proposal, is_expert: bool) -> Proposal:
    """A moderator marks a proposal as an expert's (Paris's climate plan counted them apart)."""
    require_role(actor, proposal.jurisdiction, *MODERATOR_ROLES, process=proposal.component.process)
    with transaction.atomic(), jurisdiction_scope(proposal.jurisdiction):
        Proposal.objects.filter(pk=proposal.pk).update(is_expert=is_expert)
        proposal.is_expert = is_expert
        record(
            jurisdiction=proposal.jurisdiction,
            actor=actor,
            action="proposal.expert" if is_expert else "proposal.not_expert",
            target=proposal,
            public=True,
        )
    return proposal


def _supporter(actor, component: ComponentInstance) -> int:
    """May the account support now, and the person behind it: the phase, then one query for the account's
    verification (level and person) and its block, then the checks in the order residents are told of them."""
    jurisdiction = component.jurisdiction
    found = None
    if actor is not None and actor.is_authenticated:
        found = (
            Verification.objects.with_scope(jurisdiction=jurisdiction)
            .filter(user=actor)
            .annotate(blocked=block_exists(actor, jurisdiction))
            .values_list("person_id", "level", "blocked")
            .first()
        )
    person_id, level, blocked = found or (None, 0, False)
    allowed, why = component_action_allowed(actor, component, "support", level=level or 0)
    if not allowed:
        raise PermissionDenied(why)
    if person_id is None:
        raise PermissionDenied(_("Verify your identity with the census to support proposals."))
    if blocked:
        raise PermissionDenied(blocked_message())
    return person_id


# hot_score = log2(supports + 1) + freshness, so one more support adds log2(n + 2) - log2(n + 1): the UPDATE that
# counts the support moves the score too, without reading the row (merges recompute it exactly).
_LOG2 = math.log(2)


def _hot_step():
    count = F("support_count")
    return F("hot_score") + (Ln(Cast(count + 2, FloatField())) - Ln(Cast(count + 1, FloatField()))) / _LOG2


def support_proposal(*, actor, proposal: Proposal) -> Support:
    """One support per person (whichever account casts it), counted once even under concurrency.

    Five statements: the permission checks (the account's verification level, person and block at once; the
    phase), an UPDATE that counts the support and moves the hot score (it also locks the row until commit, so a support
    is ordered before or after a merge moving this proposal's supports), the INSERT (the unique constraint
    refuses a second support of the same person, and the whole transaction, count included, rolls back),
    and a conditional UPDATE that marks the threshold, so that it is marked, and notified, once.
    `support_plain_case` repeats these rules in SQL for the API's lean path: change both.
    """
    component = proposal.component
    jurisdiction = component.jurisdiction
    takes = (Proposal.Status.PUBLISHED, Proposal.Status.THRESHOLD_REACHED)
    try:
        with transaction.atomic(), jurisdiction_scope(jurisdiction):
            person_id = _supporter(actor, component)
            counted = Proposal.objects.filter(pk=proposal.pk, status__in=takes).update(
                support_count=F("support_count") + 1, hot_score=_hot_step()
            )
            if not counted:
                raise ValidationError(_("This proposal does not take supports now."))
            support = Support.objects.create(
                jurisdiction=jurisdiction, component=component, proposal=proposal, person_id=person_id, user=actor
            )
            proposal.support_count += 1
            _mark_threshold(proposal, support_threshold(component))
    except IntegrityError as twice:
        raise ValidationError(_("You have already supported this proposal.")) from twice
    return support


def _mark_threshold(proposal: Proposal, threshold: int) -> None:
    """Mark the proposal if its supports reached the threshold (a conditional UPDATE: marked, and notified, once)."""
    now = timezone.now()
    reached = Proposal.objects.filter(
        pk=proposal.pk, status=Proposal.Status.PUBLISHED, support_count__gte=threshold
    ).update(status=Proposal.Status.THRESHOLD_REACHED, threshold_reached_at=now)
    if not reached:
        return
    count = Proposal.objects.filter(pk=proposal.pk).values_list("support_count", flat=True).get()
    proposal.support_count = count
    proposal.status, proposal.threshold_reached_at = Proposal.Status.THRESHOLD_REACHED, now
    record(
        jurisdiction=proposal.component.jurisdiction,
        actor=None,
        action="proposal.threshold_reached",
        target=proposal,
        data={"supports": count, "threshold": threshold},
        public=True,
    )
    transaction.on_commit(
        partial(
            notify,
            jurisdiction=proposal.component.jurisdiction,
            event="proposal.threshold_reached",
            target=proposal,
            actor=None,
        )
    )


# --- The plain support in one statement: the API's lean path (plaza/proposals/lean.py) ---------------------------
#
# `support_proposal`'s checks, written as the WHERE of the UPDATE that counts the support: the proposal takes
# supports, its component and process are published, the current phase's step lets residents support, the account's
# level is the component's, the account is not blocked here; and the support does not reach the threshold (a
# proposal already marked, or one more support stays under it), so that `_mark_threshold` would do nothing. Change
# one, change the other: `tests/test_lean.py` sends every refusal through both and compares.


def _json_sql(vendor: str) -> dict:
    """How the database reads a key of a JSON column: its text, whether it is absent, whether it is a number."""
    if vendor == "postgresql":
        return {
            "text": lambda column, key: f"({column} ->> '{key}')",
            "absent": lambda column, key: f"({column} -> '{key}') IS NULL",
            "number": lambda column, key: f"jsonb_typeof({column} -> '{key}') = 'number'",
            "lists": lambda list_sql, item: f"({list_sql}) @> '[\"{item}\"]'::jsonb",
        }
    return {
        "text": lambda column, key: f"json_extract({column}, '$.{key}')",
        "absent": lambda column, key: f"json_type({column}, '$.{key}') IS NULL",
        "number": lambda column, key: f"json_type({column}, '$.{key}') IN ('integer', 'real')",
        "lists": lambda list_sql, item: (
            f"EXISTS (SELECT 1 FROM json_each(({list_sql})) AS listed WHERE listed.value = '{item}')"  # noqa: S608
        ),
    }


def _setting_sql(json: dict, key: str, default: int) -> str:
    """A component setting as a number: `default` when absent, NULL (undecided: the operation decides) otherwise."""
    text = json["text"]("c.settings", key)
    return (
        f"CASE WHEN {json['absent']('c.settings', key)} THEN {int(default)} "
        f"WHEN {json['number']('c.settings', key)} THEN CAST({text} AS DOUBLE PRECISION) END"
    )


def _plain_support_update(vendor: str) -> str:
    """The UPDATE that counts the support, moves the hot score and locks the row, only in the plain case."""
    from plaza.core.models import BlockedAccount, CensusRecord, ComponentStep, Phase, Process
    from plaza.proposals.component import manifest

    json = _json_sql(vendor)
    action = manifest.action("support")
    level = _setting_sql(json, f"{action.name}_verification_level", action.verification_level)
    threshold = _setting_sql(json, "threshold_value", DEFAULT_THRESHOLD_VALUE)
    census_percent = f"{json['text']('c.settings', 'threshold_mode')} = 'census_percent'"
    steps, phases, census = ComponentStep._meta.db_table, Phase._meta.db_table, CensusRecord._meta.db_table
    # component_action_allowed: the first enabled step (by id) of a phase open now says what residents may do.
    step = f"""SELECT s.actions FROM {steps} s JOIN {phases} ph ON ph.id = s.phase_id
        WHERE s.component_id = c.id AND s.enabled AND ph.starts_at <= %(now)s AND ph.ends_at > %(now)s
        ORDER BY s.id LIMIT 1"""  # noqa: S608
    in_phase = json["lists"](step, str(action.phase_action)) if action.phase_action else "TRUE"
    active_census = f"SELECT COUNT(*) FROM {census} r WHERE r.jurisdiction_id = %(jurisdiction)s AND r.is_active"  # noqa: S608
    # queries.support_threshold: max(1, int(v)), or max(1, ceil(census * v / 100)). With n = support_count + 1, the
    # count after this support (n >= 1): n < max(1, int(v)) is n + 1 <= v, and n < max(1, ceil(x)) is n < x.
    under_threshold = (
        f"CASE WHEN {census_percent} "
        f"THEN p.support_count + 1 < CAST(({active_census}) AS DOUBLE PRECISION) * ({threshold}) / 100 "
        f"ELSE p.support_count + 2 <= ({threshold}) END"
    )
    return f"""
        UPDATE {Proposal._meta.db_table} AS p
        SET support_count = p.support_count + 1,
            hot_score = p.hot_score + (LN(CAST(p.support_count + 2 AS DOUBLE PRECISION))
                                       - LN(CAST(p.support_count + 1 AS DOUBLE PRECISION))) / %(log2)s
        WHERE p.id = %(proposal)s AND p.jurisdiction_id = %(jurisdiction)s AND p.status IN (%(published)s, %(reached)s)
          AND NOT EXISTS (
            SELECT 1 FROM {BlockedAccount._meta.db_table} b
            WHERE b.jurisdiction_id = %(jurisdiction)s AND b.user_id = %(user)s)
          AND EXISTS (
            SELECT 1 FROM {ComponentInstance._meta.db_table} c JOIN {Process._meta.db_table} pr ON pr.id = c.process_id
            WHERE c.id = p.component_id AND c.is_published AND pr.is_published AND c.manifest_name = '{manifest.name}'
              AND %(level)s >= ({level})
              AND {in_phase}
              AND (p.status = %(reached)s OR {under_threshold}))
        RETURNING component_id, support_count, status
    """  # noqa: S608 - table names from the models, values as parameters


@dataclass(frozen=True)
class _PlainSupportSQL:
    update: str
    insert: str
    token: str
    # PostgreSQL: the three as data-modifying CTEs of one statement, without and with the token's use.
    one: str
    one_with_token: str


def _plain_support_sql(vendor: str) -> _PlainSupportSQL:
    update = _plain_support_update(vendor)
    support, token_table = Support._meta.db_table, ApiToken._meta.db_table
    columns = "jurisdiction_id, component_id, proposal_id, person_id, user_id, created_at"
    values = "%(jurisdiction)s, {component}, %(proposal)s, %(person)s, %(user)s, %(now)s"
    insert = f"INSERT INTO {support} ({columns}) VALUES ({values.format(component='%(component)s')})"  # noqa: S608
    token = f"UPDATE {token_table} SET last_used_at = %(now)s WHERE id = %(token)s"  # noqa: S608
    counted = (
        f"WITH counted AS ({update}), supported AS (INSERT INTO {support} ({columns}) "  # noqa: S608
        f"SELECT {values.format(component='component_id')} FROM counted RETURNING 1)"
    )
    used = f", used AS ({token} AND EXISTS (SELECT 1 FROM supported))"  # noqa: S608
    answer = " SELECT support_count, status FROM counted"
    return _PlainSupportSQL(update, insert, token, counted + answer, counted + used + answer)


_plain_support: dict[str, _PlainSupportSQL] = {}


def support_plain_case(
    *, jurisdiction_id: int, proposal_id: int, person_id: int, user_id: int, level: int, token_id: int | None = None
) -> tuple[int, str] | None:
    """`support_proposal` for its plain case, or None having written nothing (the operation then decides and says why).

    The plain case is a support `support_proposal` would accept without marking the threshold (see above). On
    PostgreSQL, outside a transaction, it is ONE statement: the UPDATE that counts (it checks every rule and locks
    the row), the INSERT of the support (the unique constraint refuses a second support of the person: the whole
    statement fails) and, with `token_id`, the token's last use, as data-modifying CTEs; elsewhere the same
    statements in one transaction. Returns the count and status as committed.
    """
    using = router.db_for_write(Support)
    connection = connections[using]
    statements = _plain_support.get(connection.vendor)
    if statements is None:
        statements = _plain_support[connection.vendor] = _plain_support_sql(connection.vendor)
    params = {
        "proposal": proposal_id,
        "jurisdiction": jurisdiction_id,
        "person": person_id,
        "user": user_id,
        "level": level,
        "token": token_id,
        "now": connection.ops.adapt_datetimefield_value(timezone.now()),
        "log2": _LOG2,
        "published": Proposal.Status.PUBLISHED.value,
        "reached": Proposal.Status.THRESHOLD_REACHED.value,
    }
    try:
        if connection.vendor == "postgresql":
            savepoint = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
            with savepoint, prepared_cursor(using) as cursor:
                cursor.execute(statements.one_with_token if token_id else statements.one, params)
                return cursor.fetchone()
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(statements.update, params)
            counted = cursor.fetchone()
            if counted is None:
                return None
            cursor.execute(statements.insert, {**params, "component": counted[0]})
            if token_id:
                cursor.execute(statements.token, params)
            return counted[1], counted[2]
    except IntegrityError:  # the person's support is there already: nothing of this one was written
        return None


def _after_support(actor, proposal: Proposal) -> None:
    """After a merge moved supports: the exact hot score, then the threshold."""
    count, published_at = Proposal.objects.filter(pk=proposal.pk).values_list("support_count", "published_at").get()
    proposal.support_count = count
    Proposal.objects.filter(pk=proposal.pk).update(hot_score=hot_score(count, published_at))
    _mark_threshold(proposal, support_threshold(proposal.component))


def start_debate(*, actor, component: ComponentInstance, title: str, body: str) -> Debate:
    """An open question; its author follows it (and so hears of comments)."""
    _allowed(actor, component, "debate")
    errors: dict[str, str] = {}
    title = _required(errors, "title", title, TITLE_MAX_LENGTH)
    body = _required(errors, "body", body, BODY_MAX_LENGTH)
    if errors:
        raise ValidationError(errors)
    jurisdiction = component.jurisdiction
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        check_new_account_limit(actor, component)
        held = ", ".join(hold_reasons(actor, component, model=Debate, title=title, body=body))[:300]
        debate = Debate.objects.create(
            jurisdiction=jurisdiction, component=component, author=actor, title=title, body=body, held_reason=held
        )
        start_following(actor, debate)
        if held:
            record(jurisdiction=jurisdiction, actor=None, action="debate.held", target=debate, reason=held)
        else:
            record(jurisdiction=jurisdiction, actor=actor, action="debate.create", target=debate, public=True)
            index_object(debate)
    return debate


def release_debate(*, actor, debate: Debate) -> Debate:
    """A moderator lets a debate held for review be seen."""
    require_role(actor, debate.jurisdiction, *MODERATOR_ROLES, process=debate.component.process)
    with transaction.atomic(), jurisdiction_scope(debate.jurisdiction):
        if not Debate.objects.filter(pk=debate.pk).exclude(held_reason="").update(held_reason=""):
            raise ValidationError(_("This debate is not held for review."))
        debate.held_reason = ""
        record(jurisdiction=debate.jurisdiction, actor=actor, action="debate.release", target=debate, public=True)
        index_object(debate)
    return debate


def vote_on_debate(*, actor, debate: Debate, position: str) -> DebateVote:
    """Agree or disagree, once per account; voting again changes it. Totals are recounted in the same transaction."""
    _allowed(actor, debate.component, "opine")
    if position not in DebateVote.Position.values:
        raise ValidationError({"position": _("Choose agree or disagree.")})
    if debate.held_reason:
        raise ValidationError(_("This debate waits for a moderator."))
    with transaction.atomic(), jurisdiction_scope(debate.jurisdiction):
        vote, _created = DebateVote.objects.update_or_create(
            debate=debate, user=actor, defaults={"jurisdiction": debate.jurisdiction, "position": position}
        )
        votes = DebateVote.objects.filter(debate=debate)
        debate.agree_count = votes.filter(position=DebateVote.Position.AGREE).count()
        debate.disagree_count = votes.filter(position=DebateVote.Position.DISAGREE).count()
        Debate.objects.filter(pk=debate.pk).update(agree_count=debate.agree_count, disagree_count=debate.disagree_count)
    return vote


MERGEABLE_FROM = (Proposal.Status.PUBLISHED, Proposal.Status.THRESHOLD_REACHED, Proposal.Status.ARCHIVED)


@dataclass(frozen=True)
class MergeOutcome:
    kept: Proposal
    duplicate: Proposal
    supports_moved: int
    supports_shared: int  # people who had supported both: they count once on the kept proposal


def _lock_pair(duplicate: Proposal, kept: Proposal) -> tuple[Proposal, Proposal]:
    """Both rows locked in id order, so two merges (or a merge and supports) never deadlock."""
    locked = {
        p.pk: p for p in Proposal.objects.select_for_update().filter(pk__in=[duplicate.pk, kept.pk]).order_by("pk")
    }
    return locked[duplicate.pk], locked[kept.pk]


def _check_merge(duplicate: Proposal, kept: Proposal) -> None:
    if duplicate.pk == kept.pk:
        raise ValidationError({"into": _("A proposal cannot be merged into itself.")})
    if duplicate.component_id != kept.component_id:
        raise ValidationError({"into": _("Choose a proposal of the same process.")})
    if duplicate.status not in MERGEABLE_FROM:
        raise ValidationError(_("This proposal cannot be merged in its present state."))
    if kept.status not in (Proposal.Status.PUBLISHED, Proposal.Status.THRESHOLD_REACHED):
        raise ValidationError({"into": _("The proposal to keep must be open (gathering supports).")})


def _move_supports(duplicate: Proposal, kept: Proposal) -> tuple[int, int]:
    """Supports of people who had not supported `kept` move there; the others go (one per person stays)."""
    already = Support.objects.filter(proposal=kept).values("person_id")
    shared = Support.objects.filter(proposal=duplicate, person_id__in=already).delete()[0]
    moved = Support.objects.filter(proposal=duplicate).update(proposal=kept)
    return moved, shared


def _move_followers(duplicate: Proposal, kept: Proposal) -> None:
    proposal_type = ContentType.objects.get_for_model(Proposal)
    following = Follow.objects.filter(content_type=proposal_type, object_id=kept.pk).values("user_id")
    Follow.objects.bulk_create(
        [
            Follow(jurisdiction_id=kept.jurisdiction_id, content_type=proposal_type, object_id=kept.pk, user_id=user)
            for user in Follow.objects.filter(content_type=proposal_type, object_id=duplicate.pk)
            .exclude(user_id__in=following)
            .values_list("user_id", flat=True)
        ],
        ignore_conflicts=True,
    )


def merge_proposals(*, actor, duplicate: Proposal, kept: Proposal, reason: str = "") -> MergeOutcome:
    """A moderator merges a duplicate into the proposal kept, keeping every person's support once.

    The duplicate stays readable (with its comments), marked merged with a link to the kept one;
    its followers follow the kept one too. Both rows are locked, so a support cast meanwhile lands
    before the move (and moves) or after it (and is refused on the merged duplicate).
    """
    require_role(actor, duplicate.jurisdiction, *MODERATOR_ROLES, process=duplicate.component.process)
    reason = (reason or "").strip()[:2000]
    with transaction.atomic(), jurisdiction_scope(duplicate.jurisdiction):
        duplicate, kept = _lock_pair(duplicate, kept)
        _check_merge(duplicate, kept)
        moved, shared = _move_supports(duplicate, kept)
        count = Support.objects.filter(proposal=kept).count()
        Proposal.objects.filter(pk=kept.pk).update(support_count=count, hot_score=hot_score(count, kept.published_at))
        Proposal.objects.filter(pk=duplicate.pk).update(
            status=Proposal.Status.MERGED, merged_into=kept, support_count=0, hot_score=0, hidden_reason=reason
        )
        _move_followers(duplicate, kept)
        record(
            jurisdiction=duplicate.jurisdiction,
            actor=actor,
            action="proposal.merge",
            target=duplicate,
            reason=reason,
            data={"into": kept.pk, "supports_moved": moved, "supports_shared": shared},
            public=True,
        )
        _after_support(actor, kept)
        duplicate.refresh_from_db()
        kept.refresh_from_db()
        index_object(duplicate)
        transaction.on_commit(
            partial(notify, jurisdiction=duplicate.jurisdiction, event="proposal.merged", target=duplicate, actor=actor)
        )
    return MergeOutcome(kept=kept, duplicate=duplicate, supports_moved=moved, supports_shared=shared)


register_event("proposal.answered", gettext_lazy("An official answered “%(target)s” in a synthesis."))
SYNTHESIS_ROLES = (Role.ADMIN, Role.OFFICIAL)
MAX_SYNTHESIS_GROUPS = 100


@dataclass
class SynthesisGroupText:
    title: str
    answer: str
    proposal_ids: list[int] = field(default_factory=list)


def _clean_groups(errors: dict, component: ComponentInstance, groups: list[SynthesisGroupText]) -> dict[int, Proposal]:
    """Each group titled and answered; each proposal a public one of the component, in one group only."""
    if not groups:
        errors["groups"] = _("Write at least one group with its answer.")
        return {}
    if len(groups) > MAX_SYNTHESIS_GROUPS:
        errors["groups"] = _("Use at most %(max)s groups.") % {"max": MAX_SYNTHESIS_GROUPS}
        return {}
    wanted = [pk for group in groups for pk in group.proposal_ids]
    if len(wanted) != len(set(wanted)):
        errors["groups"] = _("A proposal can be answered by one group only.")
    answerable = Proposal.objects.filter(component=component, pk__in=wanted).exclude(
        status__in=(Proposal.Status.DRAFT, Proposal.Status.HIDDEN)
    )
    found = {p.pk: p for p in answerable}
    unknown = sorted(set(wanted) - set(found))
    if unknown:
        errors["groups"] = _("These are not published proposals of this process: %(numbers)s.") % {
            "numbers": ", ".join(str(n) for n in unknown)
        }
    for n, group in enumerate(groups, start=1):
        group.title, group.answer = (group.title or "").strip(), (group.answer or "").strip()
        if not group.title or not group.answer:
            errors.setdefault("groups", _("Group %(n)s needs a title and an answer.") % {"n": n})
        elif len(group.title) > 200 or len(group.answer) > BODY_MAX_LENGTH:
            errors.setdefault("groups", _("Group %(n)s is too long.") % {"n": n})
    return found


def publish_synthesis(
    *,
    actor,
    component: ComponentInstance,
    title: str,
    introduction: str = "",
    groups: list[SynthesisGroupText],
    phase=None,
):
    """An official publishes the synthesis of a phase's proposals; each proposal's followers hear of its answer."""
    from plaza.proposals.models import Synthesis, SynthesisEntry, SynthesisGroup

    require_role(actor, component.jurisdiction, *SYNTHESIS_ROLES, process=component.process)
    jurisdiction = component.jurisdiction
    errors: dict[str, str] = {}
    title = _required(errors, "title", title, 200)
    introduction = (introduction or "").strip()
    if len(introduction) > BODY_MAX_LENGTH:
        errors["introduction"] = _("Keep it under %(max)s characters.") % {"max": BODY_MAX_LENGTH}
    if phase is not None and phase.process_id != component.process_id:
        errors["phase"] = _("Choose a phase of this process.")
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        proposals = _clean_groups(errors, component, groups)
        if errors:
            raise ValidationError(errors)
        synthesis = Synthesis.objects.create(
            jurisdiction=jurisdiction,
            component=component,
            phase=phase,
            title=title,
            introduction=introduction,
            author=actor,
            published_at=timezone.now(),
        )
        for position, text in enumerate(groups, start=1):
            group = SynthesisGroup.objects.create(
                jurisdiction=jurisdiction, synthesis=synthesis, position=position, title=text.title, answer=text.answer
            )
            SynthesisEntry.objects.bulk_create(
                [
                    SynthesisEntry(jurisdiction=jurisdiction, synthesis=synthesis, group=group, proposal_id=pk)
                    for pk in text.proposal_ids
                ]
            )
        record(
            jurisdiction=jurisdiction,
            actor=actor,
            action="proposal.synthesis",
            target=synthesis,
            data={"groups": len(groups), "proposals": len(proposals)},
            public=True,
        )
        for proposal in proposals.values():
            transaction.on_commit(
                partial(notify, jurisdiction=jurisdiction, event="proposal.answered", target=proposal, actor=actor)
            )
    return synthesis


ATTACHABLE = (Proposal.Status.DRAFT, Proposal.Status.PUBLISHED, Proposal.Status.THRESHOLD_REACHED)


def attach_to_proposal(*, actor, proposal: Proposal, upload, title: str):
    """The author adds an image or a document; core checks its type and size and strips image metadata."""
    _require_author(actor, proposal)
    refuse_if_blocked(actor, proposal.jurisdiction)
    if proposal.status not in ATTACHABLE:
        raise ValidationError(_("Files can be added to a draft or an open proposal only."))
    return attach_file(
        actor=actor, target=proposal, upload=upload, title=title, component=proposal.component, action="attach"
    )


register_event("debate.hidden", gettext_lazy("A moderator hid “%(target)s”."))


def _clean_reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": message})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("Keep the reason under %(max)s characters.") % {"max": 2000}})
    return reason


def _hide_debate(actor, debate: Debate, reason: str) -> None:
    if not Debate.objects.filter(pk=debate.pk, hidden_reason="").update(hidden_reason=reason):
        raise ValidationError(_("This debate is already hidden."))
    debate.hidden_reason = reason
    record(
        jurisdiction=debate.jurisdiction, actor=actor, action="debate.hide", target=debate, reason=reason, public=True
    )
    index_object(debate)
    if debate.author_id is not None:
        transaction.on_commit(
            partial(
                notify,
                jurisdiction=debate.jurisdiction,
                event="debate.hidden",
                target=debate,
                actor=actor,
                recipients=[debate.author],
            )
        )


def hide_debate(*, actor, debate: Debate, reason: str) -> Debate:
    """A moderator hides a debate (typically one held for review that was spam): out of every list, reason public."""
    require_role(actor, debate.jurisdiction, *MODERATOR_ROLES, process=debate.component.process)
    reason = _clean_reason(reason, _("Say why: the reason is public."))
    with transaction.atomic(), jurisdiction_scope(debate.jurisdiction):
        _hide_debate(actor, debate, reason)
    return debate


BULK_ACTIONS = ("publish", "hide")


@dataclass(frozen=True)
class BulkOutcome:
    proposals: int
    debates: int
    comments: int = 0


def moderate_in_bulk(
    *,
    actor,
    component: ComponentInstance,
    action: str,
    proposal_ids: list[int],
    debate_ids: list[int],
    comment_ids: list[int] = (),
    reason: str = "",
) -> BulkOutcome:
    """A moderator publishes, or hides with one public reason, several held proposals and debates and reported
    comments on them at once (publishing a reported comment keeps it and closes its reports).

    One transaction: if any item cannot take the action (not held or reported any more, another process),
    nothing is written. Each item gets its own public audit entry, as if handled one by one.
    """
    require_role(actor, component.jurisdiction, *MODERATOR_ROLES, process=component.process)
    if action not in BULK_ACTIONS:
        raise ValidationError({"action": _("Choose publish or hide.")})
    if not proposal_ids and not debate_ids and not comment_ids:
        raise ValidationError(_("Select at least one proposal, debate or comment."))
    if action == "hide":
        reason = _clean_reason(reason, _("Say why: the reason is public, in each item's place."))
        if comment_ids and len(reason) > COMMENT_REASON_MAX_LENGTH:
            raise ValidationError(
                {
                    "reason": _("A comment's reason is at most %(max)s characters: shorten it.")
                    % {"max": COMMENT_REASON_MAX_LENGTH}
                }
            )
    with transaction.atomic(), jurisdiction_scope(component.jurisdiction):
        proposals = list(
            Proposal.objects.select_for_update(of=("self",))
            .filter(component=component, pk__in=set(proposal_ids))
            .select_related("component__process", "component__jurisdiction", "jurisdiction", "author")
            .order_by("pk")
        )
        debates = list(
            Debate.objects.select_for_update(of=("self",))
            .filter(component=component, pk__in=set(debate_ids))
            .select_related("component__process", "component__jurisdiction", "jurisdiction", "author")
            .order_by("pk")
        )
        if len(proposals) != len(set(proposal_ids)) or len(debates) != len(set(debate_ids)):
            raise ValidationError(_("Some of the selected items are not in this process."))
        if any(p.status != Proposal.Status.HELD for p in proposals) or any(
            not d.held_reason or d.hidden_reason for d in debates
        ):
            raise ValidationError(_("Some of the selected items are no longer held for review: reload the queue."))
        now = timezone.now()
        for proposal in proposals:
            if action == "publish":
                Proposal.objects.filter(pk=proposal.pk).update(
                    status=Proposal.Status.PUBLISHED, published_at=now, hot_score=hot_score(0, now), held_reason=""
                )
                proposal.refresh_from_db()
                record(
                    jurisdiction=component.jurisdiction,
                    actor=actor,
                    action="proposal.release",
                    target=proposal,
                    public=True,
                )
                index_object(proposal)
            else:
                _set_status(
                    actor=actor,
                    proposal=proposal,
                    status=Proposal.Status.HIDDEN,
                    action="proposal.hide",
                    reason=reason,
                    allowed_from=(Proposal.Status.HELD,),
                )
        for debate in debates:
            if action == "publish":
                Debate.objects.filter(pk=debate.pk).update(held_reason="")
                debate.held_reason = ""
                record(
                    jurisdiction=component.jurisdiction,
                    actor=actor,
                    action="debate.release",
                    target=debate,
                    public=True,
                )
                index_object(debate)
            else:
                _hide_debate(actor, debate, reason)
        comments = 0
        if comment_ids:
            comments = moderate_reported_in_bulk(
                actor=actor,
                jurisdiction=component.jurisdiction,
                queue=reported_comments(component),
                comment_ids=list(comment_ids),
                action=action,
                reason=reason,
                process=component.process,
            )
    return BulkOutcome(proposals=len(proposals), debates=len(debates), comments=comments)


def hide_blocked_content(*, actor, jurisdiction, user, reason: str) -> dict[str, int]:
    """Core's `block_account` asks this (the manifest's hook) in its transaction: the blocked account's published
    proposals and debates in the jurisdiction are hidden with the block's public reason (drafts stay private; a merged
    duplicate already points at the proposal kept). Each proposal keeps the status it had, to go back to it."""
    kept_out = (Proposal.Status.HIDDEN, Proposal.Status.DRAFT, Proposal.Status.MERGED)
    proposals = list(Proposal.objects.filter(author=user).exclude(status__in=kept_out).order_by("pk"))
    Proposal.objects.filter(pk__in=[p.pk for p in proposals]).update(
        status_before_block=F("status"), status=Proposal.Status.HIDDEN, hidden_reason=reason
    )
    debates = list(Debate.objects.filter(author=user, hidden_reason="").order_by("pk"))
    Debate.objects.filter(pk__in=[d.pk for d in debates]).update(hidden_reason=reason, hidden_by_block=True)
    _reindex([*proposals, *debates])
    return {"proposals": len(proposals), "debates": len(debates)}


def show_unblocked_content(*, actor, jurisdiction, user, reason: str) -> dict[str, int]:
    """Core's `unblock_account` asks this in its transaction: what `hide_blocked_content` hid goes back to the status
    it had; what a moderator hid for another reason stays hidden."""
    hidden = Proposal.objects.filter(author=user, status=Proposal.Status.HIDDEN)
    proposals = list(hidden.exclude(status_before_block=""))
    Proposal.objects.filter(pk__in=[p.pk for p in proposals]).update(
        status=F("status_before_block"), status_before_block="", hidden_reason=""
    )
    debates = list(Debate.objects.filter(author=user, hidden_by_block=True))
    Debate.objects.filter(pk__in=[d.pk for d in debates]).update(hidden_reason="", hidden_by_block=False)
    _reindex([*proposals, *debates])
    return {"proposals": len(proposals), "debates": len(debates)}


def _reindex(items) -> None:
    for item in items:
        item.refresh_from_db()
        index_object(item)


@dataclass
class SynthesisEdit:
    title: str
    introduction: str
    groups: list[tuple[str, str]]  # (title, answer) per group, in the synthesis's order; the groupings stay


def edit_synthesis(*, actor, synthesis, edit: SynthesisEdit):
    """An official corrects a published synthesis's words (its groupings stay): the previous text goes into the
    public audit log, so the history of every answer can be read."""
    from plaza.proposals.models import Synthesis, SynthesisGroup

    component = synthesis.component
    require_role(actor, component.jurisdiction, *SYNTHESIS_ROLES, process=component.process)
    errors: dict[str, str] = {}
    title = _required(errors, "title", edit.title, 200)
    introduction = (edit.introduction or "").strip()
    if len(introduction) > BODY_MAX_LENGTH:
        errors["introduction"] = _("Keep it under %(max)s characters.") % {"max": BODY_MAX_LENGTH}
    with transaction.atomic(), jurisdiction_scope(component.jurisdiction):
        synthesis = Synthesis.objects.select_for_update().get(pk=synthesis.pk)
        groups = list(SynthesisGroup.objects.filter(synthesis=synthesis).order_by("position"))
        if len(edit.groups) != len(groups):
            errors["groups"] = _("The synthesis has %(n)s groups: edit each of them.") % {"n": len(groups)}
        texts = [((t or "").strip(), (a or "").strip()) for t, a in edit.groups]
        for n, (group_title, answer) in enumerate(texts, start=1):
            if not group_title or not answer:
                errors.setdefault("groups", _("Group %(n)s needs a title and an answer.") % {"n": n})
            elif len(group_title) > 200 or len(answer) > BODY_MAX_LENGTH:
                errors.setdefault("groups", _("Group %(n)s is too long.") % {"n": n})
        if errors:
            raise ValidationError(errors)
        before = {
            "title": synthesis.title,
            "introduction": synthesis.introduction,
            "groups": [{"title": g.title, "answer": g.answer} for g in groups],
        }
        synthesis.title, synthesis.introduction = title, introduction
        synthesis.save(update_fields=["title", "introduction"])
        changed = []
        for group, (group_title, answer) in zip(groups, texts, strict=True):
            if (group.title, group.answer) != (group_title, answer):
                group.title, group.answer = group_title, answer
                changed.append(group)
        SynthesisGroup.objects.bulk_update(changed, ["title", "answer"])
        record(
            jurisdiction=component.jurisdiction,
            actor=actor,
            action="proposal.synthesis_edit",
            target=synthesis,
            data={"before": before, "groups_changed": [g.position for g in changed]},
            public=True,
        )
    return synthesis


@dataclass
class RegroupedGroup:
    """One group of a regrouped synthesis: an existing group (its id) or a new one (None), in the new order."""

    group_id: int | None
    title: str
    answer: str
    proposal_ids: list[int] = field(default_factory=list)


def _grouping(groups, entries) -> list[dict]:
    """A synthesis's grouping as the audit log keeps it: each group's id, title and proposals, in order."""
    members: dict[int, list[int]] = {}
    for entry in entries:
        members.setdefault(entry.group_id, []).append(entry.proposal_id)
    return [{"id": g.pk, "title": g.title, "proposals": sorted(members.get(g.pk, []))} for g in groups]


def _check_regrouping(errors: dict, groups, regrouped: list[RegroupedGroup]) -> None:
    known = {g.pk for g in groups}
    named = [g.group_id for g in regrouped if g.group_id is not None]
    if len(named) != len(set(named)) or not set(named) <= known:
        errors["groups"] = _("The synthesis changed meanwhile: reload the page and regroup again.")


def regroup_synthesis(*, actor, synthesis, groups: list[RegroupedGroup], reason: str):
    """An official regroups a published synthesis: moves proposals between groups, adds groups, removes groups (a
    group left out is removed, and its proposals are no longer answered unless moved), reorders them.

    One transaction; the grouping before and after, the moves and the public reason go into one public audit entry,
    so the synthesis's history can be read. Followers of each proposal whose answer changed hear of it.
    """
    from plaza.proposals.models import Synthesis, SynthesisEntry, SynthesisGroup

    component = synthesis.component
    jurisdiction = component.jurisdiction
    require_role(actor, jurisdiction, *SYNTHESIS_ROLES, process=component.process)
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Say why: the reason is public, with the groupings before and after.")
    elif len(reason) > 2000:
        errors["reason"] = _("Keep the reason under %(max)s characters.") % {"max": 2000}
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        synthesis = Synthesis.objects.select_for_update().get(pk=synthesis.pk)
        before_groups = list(SynthesisGroup.objects.filter(synthesis=synthesis).order_by("position"))
        before_entries = list(SynthesisEntry.objects.filter(synthesis=synthesis))
        texts = [SynthesisGroupText(g.title, g.answer, list(g.proposal_ids)) for g in groups]
        proposals = _clean_groups(errors, component, texts)
        _check_regrouping(errors, before_groups, groups)
        if errors:
            raise ValidationError(errors)
        was = {e.proposal_id: e.group_id for e in before_entries}
        kept = {g.group_id for g in groups if g.group_id is not None}
        SynthesisGroup.objects.filter(synthesis=synthesis).update(position=F("position") + 1000)  # free the slots
        SynthesisGroup.objects.filter(synthesis=synthesis).exclude(pk__in=kept).delete()  # their entries go too
        by_id = {g.pk: g for g in before_groups}
        now_in: dict[int, int] = {}
        after_groups = []
        for position, (wanted, text) in enumerate(zip(groups, texts, strict=True), start=1):
            group = by_id.get(wanted.group_id) or SynthesisGroup(jurisdiction=jurisdiction, synthesis=synthesis)
            group.position, group.title, group.answer = position, text.title, text.answer
            group.save()
            after_groups.append(group)
            now_in.update(dict.fromkeys(text.proposal_ids, group.pk))
        SynthesisEntry.objects.filter(synthesis=synthesis).exclude(proposal_id__in=list(now_in)).delete()
        moved = _move_entries(jurisdiction, synthesis, was, now_in)
        after_entries = list(SynthesisEntry.objects.filter(synthesis=synthesis))
        record(
            jurisdiction=jurisdiction,
            actor=actor,
            action="proposal.synthesis_regroup",
            target=synthesis,
            reason=reason,
            data={
                "before": _grouping(before_groups, before_entries),
                "after": _grouping(after_groups, after_entries),
                "moved": moved,
            },
            public=True,
        )
        for pk in {m["proposal"] for m in moved if m["to"] is not None}:
            transaction.on_commit(
                partial(notify, jurisdiction=jurisdiction, event="proposal.answered", target=proposals[pk], actor=actor)
            )
    return synthesis


def _move_entries(jurisdiction, synthesis, was: dict[int, int], now_in: dict[int, int]) -> list[dict]:
    """Entries follow the new grouping: moved in place, created for newly answered proposals; returns each change."""
    from plaza.proposals.models import SynthesisEntry

    moved = []
    for proposal_id, group_id in sorted(now_in.items()):
        if was.get(proposal_id) == group_id:
            continue
        # An entry whose group was removed went with it: it is made again in its new group.
        if not SynthesisEntry.objects.filter(synthesis=synthesis, proposal_id=proposal_id).update(group_id=group_id):
            SynthesisEntry.objects.create(
                jurisdiction=jurisdiction, synthesis=synthesis, group_id=group_id, proposal_id=proposal_id
            )
        moved.append({"proposal": proposal_id, "from": was.get(proposal_id), "to": group_id})
    moved += [{"proposal": pk, "from": group, "to": None} for pk, group in sorted(was.items()) if pk not in now_in]
    return moved
