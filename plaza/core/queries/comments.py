"""Reading comment threads, follows and the moderation queue, in a fixed number of queries."""

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet

from plaza.core.models import Comment, CommentFlag, CommentVote, ComponentInstance, Follow, Jurisdiction, Process
from plaza.core.tenancy import TenantModel

MAX_DISPLAY_DEPTH = 4  # deeper replies are shown at this indentation, still under their parent
ORDERS = ("oldest", "newest", "most_voted")


@dataclass
class ThreadEntry:
    comment: Comment
    indent: int
    my_vote: int = 0
    flagged_by_me: bool = False


@dataclass
class Thread:
    entries: list[ThreadEntry] = field(default_factory=list)
    count: int = 0
    order: str = "oldest"


def target_key(target: models.Model) -> str:
    """How a form names a target: "app_label.model"."""
    return target._meta.label_lower


def comments_on(target: models.Model) -> QuerySet[Comment]:
    return Comment.objects.with_scope(jurisdiction=target.jurisdiction_id).filter(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    )


def comment_count(target: models.Model) -> int:
    """Visible comments only: hidden content is left out of every count."""
    return comments_on(target).filter(is_hidden=False).count()


def _sort_roots(roots: list[Comment], order: str) -> list[Comment]:
    if order == "newest":
        return sorted(roots, key=lambda c: (c.created_at, c.pk), reverse=True)
    if order == "most_voted":
        return sorted(roots, key=lambda c: (-c.score, c.created_at, c.pk))
    return sorted(roots, key=lambda c: (c.created_at, c.pk))


def comment_thread(target: models.Model, *, order: str = "oldest", user=None) -> Thread:
    """Every comment on `target` in reading order (replies oldest first under their parent)."""
    order = order if order in ORDERS else "oldest"
    rows = list(comments_on(target).select_related("author").order_by("created_at", "id"))
    my_votes: dict[int, int] = {}
    my_flags: set[int] = set()
    if user is not None and user.is_authenticated and rows:
        ids = [c.pk for c in rows]
        scoped = {"jurisdiction": target.jurisdiction_id}
        my_votes = dict(
            CommentVote.objects.with_scope(**scoped)
            .filter(user=user, comment_id__in=ids)
            .values_list("comment_id", "value")
        )
        my_flags = set(
            CommentFlag.objects.with_scope(**scoped)
            .filter(user=user, comment_id__in=ids)
            .values_list("comment_id", flat=True)
        )
    children: dict[int | None, list[Comment]] = {}
    for comment in rows:
        children.setdefault(comment.parent_id, []).append(comment)
    thread = Thread(count=sum(1 for c in rows if not c.is_hidden), order=order)

    def walk(comment: Comment) -> None:
        thread.entries.append(
            ThreadEntry(
                comment, min(comment.depth, MAX_DISPLAY_DEPTH), my_votes.get(comment.pk, 0), comment.pk in my_flags
            )
        )
        for reply in children.get(comment.pk, []):
            walk(reply)

    for root in _sort_roots(children.get(None, []), order):
        walk(root)
    return thread


def my_vote(user, comment: Comment) -> int:
    """1, -1, or 0 when `user` has not voted on `comment`."""
    if user is None or not user.is_authenticated:
        return 0
    votes = CommentVote.objects.with_scope(jurisdiction=comment.jurisdiction_id).filter(comment=comment, user=user)
    return votes.values_list("value", flat=True).first() or 0


def is_following(user, target: models.Model) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return (
        Follow.objects.with_scope(jurisdiction=target.jurisdiction_id)
        .filter(user=user, content_type=ContentType.objects.get_for_model(target), object_id=target.pk)
        .exists()
    )


def comment_in(jurisdiction: Jurisdiction, pk: int) -> Comment:
    """One comment of this jurisdiction, or Comment.DoesNotExist."""
    return Comment.objects.with_scope(jurisdiction=jurisdiction).select_related("author", "jurisdiction").get(pk=pk)


def resolve_target(jurisdiction: Jurisdiction, key: str, object_id) -> models.Model | None:
    """The commentable or followable object a form names, within this jurisdiction, or None.

    Only tenant content that belongs to a process or a component qualifies, so a form
    cannot reach accounts, roles or the audit log.
    """
    try:
        model = apps.get_model(key)
        pk = int(object_id)
    except (LookupError, ValueError, TypeError):
        return None
    if not issubclass(model, TenantModel):
        return None
    if model not in (Process, ComponentInstance) and not _has_component(model):
        return None
    found = model.objects.with_scope(jurisdiction=jurisdiction).filter(pk=pk).first()
    if found is None or getattr(found, "is_published", True) is False:
        return None
    return found


def _has_component(model) -> bool:
    try:
        related = model._meta.get_field("component").related_model
    except Exception:  # noqa: BLE001 - no such field
        return False
    return related is ComponentInstance


def moderation_queue(jurisdiction: Jurisdiction) -> list[Comment]:
    """Comments with open flags, most reported first, then hidden ones (to restore)."""
    open_flags = Q(flags__resolved_at=None) & Q(flags__isnull=False)
    comments = (
        Comment.objects.with_scope(jurisdiction=jurisdiction)
        .annotate(open_flags=Count("flags", filter=open_flags))
        .filter(Q(open_flags__gt=0) | Q(is_hidden=True))
        .select_related("author", "hidden_by", "content_type")
        .prefetch_related(
            Prefetch(
                "flags", queryset=CommentFlag.objects.with_scope(jurisdiction=jurisdiction).filter(resolved_at=None)
            ),
            "target",
        )
        .order_by("is_hidden", "-open_flags", "-created_at")
    )
    return list(comments[:200])


def reported_comments(jurisdiction: Jurisdiction, targets: dict[type[models.Model], QuerySet]) -> QuerySet:
    """Visible comments with open reports on some content, most reported first: `targets` maps each commentable
    model to a queryset of its ids (a component's proposals, say). The queue a bulk decision is taken from."""
    on_targets = Q(pk__in=[])
    for model, ids in targets.items():
        on_targets |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    open_flags = Q(flags__resolved_at=None) & Q(flags__isnull=False)
    return (
        Comment.objects.with_scope(jurisdiction=jurisdiction)
        .filter(on_targets, is_hidden=False)
        .annotate(open_flags=Count("flags", filter=open_flags))
        .filter(open_flags__gt=0)
        .select_related("author", "content_type")
        .prefetch_related(
            Prefetch(
                "flags", queryset=CommentFlag.objects.with_scope(jurisdiction=jurisdiction).filter(resolved_at=None)
            ),
            "target",
        )
        .order_by("-open_flags", "-created_at", "-id")
    )


def _target_data(content_type, object_id: int, target) -> dict:
    """A commented or followed object as an export names it (the object may be gone)."""
    return {
        "type": f"{content_type.app_label}.{content_type.model}",
        "id": object_id,
        "title": str(target) if target is not None else None,
        "url": target.get_absolute_url() if hasattr(target, "get_absolute_url") else None,
    }


def account_participation(user) -> dict:
    """An account's comments, comment votes, reports and follows, for its data download.

    Call inside `across_jurisdictions()`: an account takes part in several jurisdictions.
    """
    comments = Comment.objects.filter(author=user).select_related("jurisdiction", "content_type")
    votes = CommentVote.objects.filter(user=user).select_related("jurisdiction").order_by("created_at", "id")
    flags = CommentFlag.objects.filter(user=user).select_related("jurisdiction")
    follows = Follow.objects.filter(user=user).select_related("jurisdiction", "content_type").order_by("created_at")
    return {
        "comments": [
            {
                "id": c.pk,
                "jurisdiction": c.jurisdiction.slug,
                "target": _target_data(c.content_type, c.object_id, c.target),
                "in_reply_to": c.parent_id,
                "body": c.body,
                "created_at": c.created_at.isoformat(),
                "edited_at": c.edited_at.isoformat() if c.edited_at else None,
                "hidden_by_moderator": c.is_hidden,
            }
            for c in comments.prefetch_related("target")
        ],
        "comment_votes": [
            {
                "comment": v.comment_id,
                "jurisdiction": v.jurisdiction.slug,
                "vote": "up" if v.value == CommentVote.Value.UP else "down",
                "created_at": v.created_at.isoformat(),
            }
            for v in votes
        ],
        "comment_reports": [
            {
                "comment": f.comment_id,
                "jurisdiction": f.jurisdiction.slug,
                "reason": f.reason,
                "details": f.details,
                "created_at": f.created_at.isoformat(),
                "resolved_at": f.resolved_at.isoformat() if f.resolved_at else None,
            }
            for f in flags
        ],
        "follows": [
            {
                "jurisdiction": f.jurisdiction.slug,
                "target": _target_data(f.content_type, f.object_id, f.target),
                "created_at": f.created_at.isoformat(),
            }
            for f in follows.prefetch_related("target")
        ],
    }
