"""Commenting, voting, flagging, moderating and following: writes on any commentable content."""

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core.audit import record
from plaza.core.models import (
    Comment,
    CommentFlag,
    CommentVote,
    ComponentInstance,
    ComponentStep,
    Follow,
    PhaseAction,
    Process,
    Role,
    RoleGrant,
)
from plaza.core.models.comments import COMMENT_MAX_LENGTH
from plaza.core.operations.moderation import blocked_message, is_blocked, refuse_if_blocked
from plaza.core.operations.notifications import notify
from plaza.core.permissions import component_action_allowed, require_role
from plaza.core.tenancy import jurisdiction_scope

MODERATOR_ROLES = (Role.MODERATOR, Role.ADMIN)


def component_of(target: models.Model) -> ComponentInstance | None:
    """The component an item lives in: the item itself, or its `component` (the components' convention)."""
    if isinstance(target, ComponentInstance):
        return target
    component = getattr(target, "component", None)
    return component if isinstance(component, ComponentInstance) else None


def _steps_allow_comment(steps, now) -> bool:
    open_steps = steps.filter(phase__starts_at__lte=now, phase__ends_at__gt=now, enabled=True)
    return any(PhaseAction.COMMENT in actions for actions in open_steps.values_list("actions", flat=True))


def comment_allowed(user, target: models.Model, now=None) -> tuple[bool, str]:
    """Whether `user` may comment on `target` now, and if not, why (translated)."""
    allowed, why = _phase_allows_comment(user, target, now)
    if allowed and is_blocked(user, target.jurisdiction_id):
        return False, blocked_message()
    return allowed, why


def _phase_allows_comment(user, target: models.Model, now=None) -> tuple[bool, str]:
    if user is None or not user.is_authenticated:
        return False, _("Sign in to take part.")
    now = now or timezone.now()
    closed = _("Comments are not open in the current phase.")
    if isinstance(target, Process):
        steps = ComponentStep.objects.with_scope(jurisdiction=target.jurisdiction_id).filter(phase__process=target)
        return (True, "") if _steps_allow_comment(steps, now) else (False, closed)
    component = component_of(target)
    if component is None:
        return False, _("Comments are not open here.")
    manifest = component.manifest
    if manifest is not None and any(action.name == "comment" for action in manifest.actions):
        return component_action_allowed(user, component, "comment", now=now)
    # A component that declares no comment action of its own follows its phases' switch.
    return (True, "") if _steps_allow_comment(component.steps.all(), now) else (False, closed)


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something before sending.")})
    if len(body) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "body": _("Keep it under %(max)s characters (it has %(count)s).")
                % {"max": COMMENT_MAX_LENGTH, "count": len(body)}
            }
        )
    return body


def comment_url(comment: Comment, target: models.Model | None = None) -> str:
    target = target if target is not None else comment.target
    base = target.get_absolute_url() if hasattr(target, "get_absolute_url") else ""
    return f"{base}#comment-{comment.pk}"


def start_following(user, target: models.Model) -> Follow:
    """Follow without a permission check: operations call it so that authors follow what they create."""
    follow, _created = Follow.objects.with_scope(jurisdiction=target.jurisdiction_id).get_or_create(
        jurisdiction_id=target.jurisdiction_id,
        user=user,
        content_type=_content_type(target),
        object_id=target.pk,
    )
    return follow


def _content_type(target: models.Model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(target)


def post_comment(*, actor, target: models.Model, body: str, parent: Comment | None = None) -> Comment:
    """A new comment on `target`, or a reply to `parent`; the author follows the target."""
    allowed, why = comment_allowed(actor, target)
    if not allowed:
        raise PermissionDenied(why)
    body = _clean_body(body)
    content_type = _content_type(target)
    if parent is not None:
        if (parent.content_type_id, parent.object_id) != (content_type.pk, target.pk):
            raise ValidationError({"parent": _("You can only reply to a comment on the same page.")})
        if parent.is_hidden:
            raise ValidationError({"parent": _("You cannot reply to a hidden comment.")})
    jurisdiction = target.jurisdiction
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        comment = Comment.objects.create(
            jurisdiction=jurisdiction,
            content_type=content_type,
            object_id=target.pk,
            parent=parent,
            depth=parent.depth + 1 if parent else 0,
            author=actor,
            body=body,
        )
        start_following(actor, target)
        transaction.on_commit(
            partial(
                notify,
                jurisdiction=jurisdiction,
                event="comment.reply" if parent else "comment.created",
                target=target,
                actor=actor,
                url=comment_url(comment, target),
            )
        )
    return comment


def edit_comment(*, actor, comment: Comment, body: str) -> Comment:
    """The author rewrites their comment while commenting is still open."""
    if actor is None or actor.pk != comment.author_id:
        raise PermissionDenied(_("You can only edit your own comments."))
    if comment.is_hidden:
        raise PermissionDenied(_("A hidden comment cannot be edited."))
    allowed, why = comment_allowed(actor, comment.target)
    if not allowed:
        raise PermissionDenied(why)
    comment.body = _clean_body(body)
    comment.edited_at = timezone.now()
    with transaction.atomic(), jurisdiction_scope(comment.jurisdiction):
        comment.save(update_fields=["body", "edited_at"])
    return comment


def vote_comment(*, actor, comment: Comment, value: int) -> Comment:
    """Vote up (1) or down (-1); the same vote again withdraws it. One vote per account per comment."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to take part."))
    if value not in CommentVote.Value.values:
        raise ValidationError({"value": _("Choose up or down.")})
    if comment.author_id == actor.pk:
        raise PermissionDenied(_("You cannot vote on your own comment."))
    if comment.is_hidden:
        raise PermissionDenied(_("A hidden comment cannot be voted on."))
    refuse_if_blocked(actor, comment.jurisdiction_id)
    with transaction.atomic(), jurisdiction_scope(comment.jurisdiction):
        votes = CommentVote.objects.select_for_update().filter(comment=comment, user=actor)
        existing = votes.first()
        if existing is None:
            try:
                with transaction.atomic():  # a savepoint: a simultaneous first vote loses to the unique constraint
                    CommentVote.objects.create(
                        jurisdiction=comment.jurisdiction, comment=comment, user=actor, value=value
                    )
            except IntegrityError:
                pass
        elif existing.value == value:
            existing.delete()
        else:
            votes.update(value=value)
        totals = CommentVote.objects.filter(comment=comment).aggregate(
            up=Count("pk", filter=Q(value=1)), down=Count("pk", filter=Q(value=-1))
        )
        comment.upvotes, comment.downvotes = totals["up"], totals["down"]
        comment.save(update_fields=["upvotes", "downvotes"])
    return comment


def flag_comment(*, actor, comment: Comment, reason: str, details: str = "") -> CommentFlag:
    """A resident reports a comment to the moderators, once per account."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to take part."))
    refuse_if_blocked(actor, comment.jurisdiction_id)
    if reason not in CommentFlag.Reason.values:
        raise ValidationError({"reason": _("Choose a reason from the list.")})
    details = (details or "").strip()
    if len(details) > 500:
        raise ValidationError({"details": _("Keep the details under 500 characters.")})
    try:
        with transaction.atomic(), jurisdiction_scope(comment.jurisdiction):
            flag = CommentFlag.objects.create(
                jurisdiction=comment.jurisdiction, comment=comment, user=actor, reason=reason, details=details
            )
            transaction.on_commit(partial(_tell_moderators, comment=comment, actor=actor))
    except IntegrityError as duplicate:
        raise ValidationError(_("You have already reported this comment.")) from duplicate
    return flag


def _tell_moderators(*, comment: Comment, actor) -> None:
    with jurisdiction_scope(comment.jurisdiction):
        moderators = {
            grant.user
            for grant in RoleGrant.objects.filter(role__in=MODERATOR_ROLES, process=None).select_related("user")
        }
        notify(
            jurisdiction=comment.jurisdiction,
            event="comment.flagged",
            target=comment.target,
            actor=actor,
            recipients=list(moderators),
            url=comment_url(comment),
        )


def _write_moderation(*, actor, comment: Comment, action: str, reason: str, **changes) -> None:
    """The decision on one comment: its changes, its open flags closed, its public audit entry (no permission check:
    callers check it and hold the transaction)."""
    for name, value in changes.items():
        setattr(comment, name, value)
    if changes:
        comment.save(update_fields=list(changes))
    resolved = CommentFlag.objects.filter(comment=comment, resolved_at=None).update(resolved_at=timezone.now())
    record(
        jurisdiction=comment.jurisdiction,
        actor=actor,
        action=action,
        target=comment,
        reason=reason,
        data={"flags_resolved": resolved},
        public=True,
    )


def _moderate(*, actor, comment: Comment, action: str, reason: str, **changes) -> Comment:
    require_role(actor, comment.jurisdiction, *MODERATOR_ROLES)
    with transaction.atomic(), jurisdiction_scope(comment.jurisdiction):
        _write_moderation(actor=actor, comment=comment, action=action, reason=reason, **changes)
    return comment


def _clean_hide_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the public reason for hiding this comment.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("Keep the reason under 300 characters.")})
    return reason


def _hiding(actor, reason: str) -> dict:
    return {"is_hidden": True, "hidden_reason": reason, "hidden_at": timezone.now(), "hidden_by": actor}


def _tell_author_of_hiding(actor, comment: Comment) -> None:
    if comment.author_id:
        transaction.on_commit(
            partial(
                notify,
                jurisdiction=comment.jurisdiction,
                event="comment.hidden",
                target=comment.target,
                actor=actor,
                recipients=[comment.author],
                url=comment_url(comment),
            )
        )


def hide_comment(*, actor, comment: Comment, reason: str) -> Comment:
    """A moderator hides a comment; the public reason shows in its place and in the public record."""
    reason = _clean_hide_reason(reason)
    comment = _moderate(actor=actor, comment=comment, action="comment.hide", reason=reason, **_hiding(actor, reason))
    _tell_author_of_hiding(actor, comment)
    return comment


def restore_comment(*, actor, comment: Comment, reason: str = "") -> Comment:
    return _moderate(
        actor=actor,
        comment=comment,
        action="comment.restore",
        reason=(reason or "").strip()[:300],
        is_hidden=False,
        hidden_reason="",
        hidden_at=None,
        hidden_by=None,
    )


def dismiss_flags(*, actor, comment: Comment, reason: str = "") -> Comment:
    """A moderator keeps a reported comment visible: its open flags are closed."""
    return _moderate(actor=actor, comment=comment, action="comment.keep", reason=(reason or "").strip()[:300])


COMMENT_BULK_ACTIONS = ("publish", "hide")


def moderate_reported_in_bulk(
    *,
    actor,
    jurisdiction,
    queue: models.QuerySet,
    comment_ids: list[int],
    action: str,
    reason: str = "",
    process: Process | None = None,
) -> int:
    """A moderator keeps published (closing their reports), or hides with one public reason, several reported
    comments at once, chosen from `queue` (a `queries.comments.reported_comments` queryset: what the page listed).

    Moderators of `process` may act when the queue holds that process's content only. One transaction, all or
    nothing: if a selected comment left the queue (hidden or handled meanwhile), nothing is written. Each comment
    gets its own public audit entry and its author hears of a hiding, as if handled one by one.
    """
    require_role(actor, jurisdiction, *MODERATOR_ROLES, process=process)
    if action not in COMMENT_BULK_ACTIONS:
        raise ValidationError({"action": _("Choose publish or hide.")})
    if action == "hide":
        reason = _clean_hide_reason(reason)
    selected = set(comment_ids)
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        comments = list(Comment.objects.select_for_update().filter(pk__in=selected).order_by("pk"))
        still_queued = set(queue.filter(pk__in=selected).values_list("pk", flat=True))
        if len(comments) != len(selected) or still_queued != selected:
            raise ValidationError(
                _("Some of the selected comments are no longer waiting for a decision: reload the queue.")
            )
        for comment in comments:
            if action == "hide":
                _write_moderation(
                    actor=actor, comment=comment, action="comment.hide", reason=reason, **_hiding(actor, reason)
                )
                _tell_author_of_hiding(actor, comment)
            else:
                _write_moderation(actor=actor, comment=comment, action="comment.keep", reason="")
    return len(comments)


def follow(*, actor, target: models.Model) -> Follow:
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to follow."))
    refuse_if_blocked(actor, target.jurisdiction_id)
    with transaction.atomic(), jurisdiction_scope(target.jurisdiction_id):
        return start_following(actor, target)


def unfollow(*, actor, target: models.Model) -> None:
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to follow."))
    with transaction.atomic(), jurisdiction_scope(target.jurisdiction_id):
        Follow.objects.filter(user=actor, content_type=_content_type(target), object_id=target.pk).delete()


def _vote_count(value: int):
    counted = (
        CommentVote.objects.filter(comment=OuterRef("pk"), value=value)
        .order_by()
        .values("comment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), Value(0))


def erase_account_participation(user) -> None:
    """Account erasure: comments stay in their threads with no author; votes, reports and follows go.

    Call inside the erasure's transaction and `across_jurisdictions()`.
    """
    voted_on = list(CommentVote.objects.filter(user=user).values_list("comment_id", flat=True))
    CommentVote.objects.filter(user=user).delete()
    Comment.objects.filter(pk__in=voted_on).update(upvotes=_vote_count(1), downvotes=_vote_count(-1))
    CommentFlag.objects.filter(user=user).delete()
    Follow.objects.filter(user=user).delete()
    Comment.objects.filter(author=user).update(author=None)
    Comment.objects.filter(hidden_by=user).update(hidden_by=None)
