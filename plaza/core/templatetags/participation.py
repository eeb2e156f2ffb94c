"""Template pieces any component uses: `{% comments_for object %}`, `{% follow_button object %}`,
`{% content_links object %}`, unread count."""

from urllib.parse import urlsplit

from django import template
from django.http import QueryDict
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from plaza.core.forms.participation import COMMENT_FORM_IDS, CommentForm
from plaza.core.markdown import render_comment_markdown
from plaza.core.models import CommentFlag, ContentLink, Role
from plaza.core.operations.comments import comment_allowed
from plaza.core.permissions import has_role
from plaza.core.queries import comments as queries
from plaza.core.queries import links as link_queries
from plaza.core.queries.notifications import unread_count

register = template.Library()


def page_path(request) -> str:
    """The address of the page the resident reads, also when htmx re-renders a piece of it after a POST.

    Forms carry it as `next`, and the thread's order comes from it.
    """
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.current_url_abs_path:
        return htmx.current_url_abs_path
    if request.method == "POST":
        posted = request.POST.get("next") or ""
        if url_has_allowed_host_and_scheme(posted, allowed_hosts={request.get_host()}) and posted.startswith("/"):
            return posted
    return request.get_full_path()


@register.inclusion_tag("core/comments/thread.html", takes_context=True)
def comments_for(context, target, heading_level: int = 2, form=None, notice="", alert="", reply=None, focus=None):
    """The thread on `target`, its ordering links, and the comment form when commenting is open.

    The other arguments serve htmx re-renders: a bound `form` with errors, a `notice` or an `alert`
    to announce, a failed `reply` ({"parent", "body", "errors"}) to show again, the comment to `focus`.
    """
    request = context["request"]
    user = getattr(request, "user", None)
    path = page_path(request)
    order = QueryDict(urlsplit(path).query).get("order", "oldest")
    thread = queries.comment_thread(target, order=order, user=user)
    allowed, why = comment_allowed(user, target)
    return {
        "request": request,
        "user": user,
        "page_path": path,
        "target": target,
        "target_type": queries.target_key(target),
        "thread": thread,
        "orders": [(code, _order_label(code)) for code in ("oldest", "newest", "most_voted")],
        "may_comment": allowed,
        "why_not": why,
        "form": form or CommentForm(auto_id=COMMENT_FORM_IDS),
        "notice": notice,
        "alert": alert,
        "reply": reply or {},
        "focus": focus,
        "flag_reasons": CommentFlag.Reason.choices,
        "following": queries.is_following(user, target),
        "heading_level": heading_level,
        "heading": f"h{heading_level}",
        "csrf_token": context.get("csrf_token"),
        "jurisdiction": target.jurisdiction,
    }


def _order_label(order: str) -> str:
    from django.utils.translation import gettext as _

    return {"oldest": _("Oldest first"), "newest": _("Newest first"), "most_voted": _("Most voted")}[order]


@register.inclusion_tag("core/comments/follow_button.html", takes_context=True)
def follow_button(context, target, following=None, notice=""):
    request = context["request"]
    return {
        "request": request,
        "page_path": page_path(request),
        "notice": notice,
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


SEND_LABELS = {
    ContentLink.Kind.DECISION: _("Send to a decision (a votation, a budget)…"),
    ContentLink.Kind.RESULT: _("Track as a result…"),
    ContentLink.Kind.CANDIDATE: _("Take up in an action plan…"),
}


@register.inclusion_tag("core/includes/content_links.html", takes_context=True)
def content_links(context, target, heading_level: int = 2):
    """What became of `target` and where it came from; for officials, where it can be sent on."""
    user = context["request"].user
    sends = []
    if has_role(user, target.jurisdiction, Role.ADMIN, Role.OFFICIAL):
        receiving = link_queries.receiving_kinds(target.jurisdiction)
        sends = [(kind, SEND_LABELS[kind]) for kind in ContentLink.Kind if kind in receiving]
    return {
        "target": target,
        "target_type": queries.target_key(target),
        "jurisdiction": target.jurisdiction,
        "became": link_queries.links_of(target, user=user, direction="from"),
        "came_from": link_queries.links_of(target, user=user, direction="to"),
        "sends": sends,
        "heading_level": min(max(int(heading_level), 2), 6),
    }
