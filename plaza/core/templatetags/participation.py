"""Template pieces any component uses: `{% comments_for object %}`, `{% follow_button object %}`, unread count."""

from django import template
from django.utils.safestring import SafeString

from plaza.core.markdown import render_comment_markdown
from plaza.core.models import CommentFlag
from plaza.core.operations.comments import comment_allowed
from plaza.core.participation_forms import CommentForm
from plaza.core.queries import comments as queries
from plaza.core.queries.notifications import unread_count

register = template.Library()


@register.inclusion_tag("core/comments/thread.html", takes_context=True)
def comments_for(context, target, heading_level: int = 2):
    """The thread on `target`, its ordering links, and the comment form when commenting is open."""
    request = context["request"]
    user = getattr(request, "user", None)
    thread = queries.comment_thread(target, order=request.GET.get("order", "oldest"), user=user)
    allowed, why = comment_allowed(user, target)
    return {
        "request": request,
        "user": user,
        "target": target,
        "target_type": queries.target_key(target),
        "thread": thread,
        "orders": [
            ("oldest", _order_label("oldest")),
            ("newest", _order_label("newest")),
            ("most_voted", _order_label("most_voted")),
        ],
        "may_comment": allowed,
        "why_not": why,
        "form": CommentForm(auto_id="id_comment_%s"),
        "flag_reasons": CommentFlag.Reason.choices,
        "following": queries.is_following(user, target),
        "heading": f"h{heading_level}",
        "csrf_token": context.get("csrf_token"),
        "jurisdiction": target.jurisdiction,
    }


def _order_label(order: str) -> str:
    from django.utils.translation import gettext as _

    return {"oldest": _("Oldest first"), "newest": _("Newest first"), "most_voted": _("Most voted")}[order]


@register.inclusion_tag("core/comments/follow_button.html", takes_context=True)
def follow_button(context, target, following=None):
    request = context["request"]
    return {
        "request": request,
        "user": request.user,
        "target": target,
        "target_type": queries.target_key(target),
        "following": queries.is_following(request.user, target) if following is None else following,
        "csrf_token": context.get("csrf_token"),
        "jurisdiction": target.jurisdiction,
    }


@register.filter
def comment_markdown(text: str) -> SafeString:
    return render_comment_markdown(text)


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    request = context.get("request")
    return unread_count(getattr(request, "user", None))
