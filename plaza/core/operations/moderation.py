"""Blocking an account in a jurisdiction: core's comments and every component refuse its writing there and hide
what it wrote; unblocking shows that again."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Exists
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core.audit import record
from plaza.core.components import registry
from plaza.core.models import BlockedAccount, Comment, Role, Verification
from plaza.core.models.moderation import BLOCK_REASON_MAX_LENGTH
from plaza.core.permissions import require_role
from plaza.core.tenancy import jurisdiction_scope

MODERATOR_ROLES = (Role.MODERATOR, Role.ADMIN)


def blocked_message() -> str:
    return _("A moderator blocked your account here: you cannot write in this jurisdiction.")


def block_exists(user, jurisdiction) -> Exists:
    """An `Exists` to annotate onto a query a write path runs anyway, so the block check costs no statement."""
    jurisdiction_id = getattr(jurisdiction, "pk", jurisdiction)
    return Exists(BlockedAccount.objects.with_scope(jurisdiction=jurisdiction_id).filter(user=user))


def standing(user, jurisdiction) -> tuple[int, bool]:
    """The account's verification level in the jurisdiction (as `verification_level`) and whether a moderator
    blocked it there (as `is_blocked`), in one statement written out (its queryset cost more to compile than the
    two queries it replaces took to run): for write paths that check both (pass the level to
    `component_action_allowed`)."""
    if user is None or not user.is_authenticated:
        return -1, False
    connection = connections[router.db_for_read(Verification)]
    quote = connection.ops.quote_name
    verification, blocked = quote(Verification._meta.db_table), quote(BlockedAccount._meta.db_table)
    sql = (
        f"SELECT (SELECT level FROM {verification} WHERE jurisdiction_id = %s AND user_id = %s ORDER BY id LIMIT 1), "  # noqa: S608 - model names
        f"EXISTS (SELECT 1 FROM {blocked} WHERE jurisdiction_id = %s AND user_id = %s)"
    )
    jurisdiction_id = getattr(jurisdiction, "pk", jurisdiction)
    with connection.cursor() as cursor:
        cursor.execute(sql, [jurisdiction_id, user.pk, jurisdiction_id, user.pk])
        level, is_blocked_here = cursor.fetchone()
    return level or 0, bool(is_blocked_here)


def is_blocked(user, jurisdiction) -> bool:
    if user is None or not user.is_authenticated:
        return False
    jurisdiction_id = getattr(jurisdiction, "pk", jurisdiction)
    return BlockedAccount.objects.with_scope(jurisdiction=jurisdiction_id).filter(user=user).exists()


def refuse_if_blocked(actor, jurisdiction) -> None:
    """Every write in a jurisdiction asks this first (core's comments, flags and follows; components' operations)."""
    if is_blocked(actor, jurisdiction):
        raise PermissionDenied(blocked_message())


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the reason is public.")})
    if len(reason) > BLOCK_REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("Keep the reason under %(max)s characters.") % {"max": BLOCK_REASON_MAX_LENGTH}}
        )
    return reason


def _hide_comments(*, actor, user, reason: str) -> int:
    """Each visible comment of the account, hidden with the block's reason (saved one by one, so that what counts
    comments on their targets hears of it; their open flags are resolved)."""
    from plaza.core.models import CommentFlag

    now = timezone.now()
    comments = list(Comment.objects.filter(author=user, is_hidden=False).order_by("pk"))
    for comment in comments:
        comment.is_hidden, comment.hidden_reason, comment.hidden_at, comment.hidden_by = True, reason, now, actor
        comment.save(update_fields=["is_hidden", "hidden_reason", "hidden_at", "hidden_by"])
    CommentFlag.objects.filter(comment__in=comments, resolved_at=None).update(resolved_at=now)
    return len(comments)


def block_account(*, actor, jurisdiction, user, reason: str) -> BlockedAccount:
    """A jurisdiction moderator blocks an account: it can no longer write here (comments, flags, follows, and each
    component's own writing), and what it wrote here is hidden with the block's public reason: its comments by core,
    the rest by each component's `hide_blocked_content`. One public audit entry; `unblock_account` lifts the block and
    shows it all again."""
    require_role(actor, jurisdiction, *MODERATOR_ROLES)
    reason = _clean_reason(reason)
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot block your own account."))
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        try:
            with transaction.atomic():
                block = BlockedAccount.objects.create(
                    jurisdiction=jurisdiction, user=user, reason=reason, blocked_by=actor
                )
        except IntegrityError as twice:
            raise ValidationError(_("This account is already blocked.")) from twice
        hidden = {"comments": _hide_comments(actor=actor, user=user, reason=reason)}
        for manifest in registry:
            if manifest.hide_blocked_content:
                hidden.update(
                    manifest.hide_blocked_content(actor=actor, jurisdiction=jurisdiction, user=user, reason=reason)
                )
        record(
            jurisdiction=jurisdiction,
            actor=actor,
            action="account.block",
            reason=reason,
            data={"account": user.display_name, **hidden},
            public=True,
        )
    return block


def _show_comments(*, user, block: BlockedAccount) -> int:
    """The account's comments the block hid (hidden with its reason since it was made) shown again, one by one so
    that what counts comments on their targets hears of it. A comment a moderator hid for another reason stays."""
    comments = list(
        Comment.objects.filter(
            author=user, is_hidden=True, hidden_reason=block.reason, hidden_at__gte=block.created_at
        ).order_by("pk")
    )
    for comment in comments:
        comment.is_hidden, comment.hidden_reason, comment.hidden_at, comment.hidden_by = False, "", None, None
        comment.save(update_fields=["is_hidden", "hidden_reason", "hidden_at", "hidden_by"])
    return len(comments)


def unblock_account(*, actor, jurisdiction, user) -> None:
    """A moderator lifts a block: the account writes again, and what the block hid is shown again (its comments by
    core, the rest by each component's `show_unblocked_content`); what a moderator hid for another reason stays
    hidden. One public audit entry counting what was shown again."""
    require_role(actor, jurisdiction, *MODERATOR_ROLES)
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        block = BlockedAccount.objects.select_for_update().filter(user=user).first()
        if block is None:
            raise ValidationError(_("This account is not blocked."))
        shown = {"comments": _show_comments(user=user, block=block)}
        for manifest in registry:
            if manifest.show_unblocked_content:
                unblock = {"actor": actor, "jurisdiction": jurisdiction, "user": user, "reason": block.reason}
                shown.update(manifest.show_unblocked_content(**unblock))
        record(
            jurisdiction=jurisdiction,
            actor=actor,
            action="account.unblock",
            data={"account": user.display_name, **shown},
            public=True,
        )
        block.delete()
