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
