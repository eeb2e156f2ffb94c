"""Comment, vote, flag and follow forms on any content, and the moderators' queue.

Without JavaScript each form posts and redirects back; with htmx (`request.htmx`) the same
views answer with the piece of page that changed: the thread, a comment's votes, a follow button.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plaza.core.forms.participation import COMMENT_FORM_IDS, CommentForm, FlagForm, HideForm, RestoreForm
from plaza.core.models import Comment
from plaza.core.operations import comments as operations
from plaza.core.permissions import Role, has_role
from plaza.core.queries import comments as queries
from plaza.core.queries.moderation import blocked_accounts
from plaza.core.templatetags.participation import page_path


def _back(request, fallback: str, anchor: str = ""):
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return redirect(f"{target.split('#')[0]}{anchor}")


def _comment(request, comment_id: int) -> Comment:
    try:
        return queries.comment_in(request.jurisdiction, comment_id)
    except Comment.DoesNotExist as missing:
        raise Http404("No such comment.") from missing


def _problem(request, message: str, target=None, status: int = 400):
    return render(request, "core/comments/problem.html", {"message": message, "target": target}, status=status)


def _form_page(request, form, *, title: str, action: str, target, comment=None, status: int = 400):
    context = {"form": form, "title": title, "action": action, "target": target, "comment": comment}
    return render(request, "core/comments/form_page.html", context, status=status)


def _heading_level(request) -> int:
    """The level of the thread's heading on the page the resident reads (htmx sends it back)."""
    try:
        return min(max(int(request.POST.get("heading_level", 2)), 2), 6)
    except ValueError:
        return 2


def _thread(request, target, **state):
    """The comment thread alone, for htmx to swap in place of the one on the page."""
    context = {"form": None, "notice": "", "alert": "", "reply": None, "focus": None, **state}
    context.update(target=target, heading_level=_heading_level(request))
    return render(request, "core/comments/thread_fragment.html", context)


def _publish(request, form, target, parent) -> Comment | None:
    if not form.is_valid():
        return None
    try:
        return operations.post_comment(actor=request.user, target=target, body=form.cleaned_data["body"], parent=parent)
    except ValidationError as error:
        form.add_error("body" if hasattr(error, "error_dict") and "body" in error.error_dict else None, error.messages)
    return None


def _thread_after_post(request, form, target, parent, comment):
    """htmx: the thread with the new comment focused, or with the refused text and why, next to its form.

    Answered 200 even when refused: htmx swaps no 4xx answer, and the resident must see the message.
    """
    if comment is not None:
        return _thread(request, target, notice=_("Your comment is published."), focus=comment.pk)
    if form.non_field_errors():
        return _thread(request, target, alert=" ".join(form.non_field_errors()))
    if parent is None:
        return _thread(request, target, form=form)
    reply = {"parent": parent.pk, "body": request.POST.get("body", ""), "errors": form.errors.get("body", [])}
    return _thread(request, target, reply=reply)


@login_required
@require_POST
def post_comment(request, jurisdiction):
    target = queries.resolve_target(
        request.jurisdiction, request.POST.get("target_type"), request.POST.get("target_id")
    )
    if target is None:
        return _problem(request, _("There is nothing to comment on at this address."))
    parent = None
    if request.POST.get("parent"):
        try:
            parent = queries.comment_in(request.jurisdiction, int(request.POST["parent"]))
        except (Comment.DoesNotExist, ValueError):
            return _problem(request, _("The comment you replied to no longer exists."), target)
    form = CommentForm(request.POST, auto_id=COMMENT_FORM_IDS if request.htmx else "id_%s")
    try:
        comment = _publish(request, form, target, parent)
    except PermissionDenied as refused:
        if not request.htmx:
            return _problem(request, str(refused), target, status=403)
        return _thread(request, target, alert=str(refused))
    if request.htmx:
        return _thread_after_post(request, form, target, parent, comment)
    if comment is not None:
        messages.success(request, _("Your comment is published."))
        return _back(request, target.get_absolute_url(), f"#comment-{comment.pk}")
    title = _("Reply to a comment") if parent else _("Write a comment")
    return _form_page(request, form, title=title, action=request.path, target=target, comment=parent)


@login_required
def edit(request, jurisdiction, comment_id: int):
    comment = _comment(request, comment_id)
    if comment.author_id != request.user.pk:
        raise PermissionDenied(_("You can only edit your own comments."))
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            operations.edit_comment(actor=request.user, comment=comment, body=form.cleaned_data["body"])
        except PermissionDenied as refused:
            return _problem(request, str(refused), comment.target, status=403)
        except ValidationError as error:
            form.add_error("body", error.messages)
        else:
            messages.success(request, _("Your comment is saved."))
            return _back(request, comment.target.get_absolute_url(), f"#comment-{comment.pk}")
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request, form, title=_("Edit your comment"), action=request.path, target=comment.target, status=status
    )


@login_required
@require_POST
def vote(request, jurisdiction, comment_id: int):
    comment = _comment(request, comment_id)
    value = {"up": 1, "down": -1}.get(request.POST.get("value", ""))
    if value is None:
        return _problem(request, _("Choose up or down."), comment.target)
    try:
        comment = operations.vote_comment(actor=request.user, comment=comment, value=value)
    except PermissionDenied as refused:
        return _problem(request, str(refused), comment.target, status=403)
    if request.htmx:
        context = {
            "comment": comment,
            "my_vote": queries.my_vote(request.user, comment),
            "page_path": page_path(request),
        }
        return render(request, "core/comments/vote.html", context)
    return _back(request, comment.target.get_absolute_url(), f"#comment-{comment.pk}")


@login_required
def flag(request, jurisdiction, comment_id: int):
    comment = _comment(request, comment_id)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            operations.flag_comment(actor=request.user, comment=comment, **form.cleaned_data)
        except PermissionDenied as refused:
            return _problem(request, str(refused), comment.target, status=403)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: the moderators will look at this comment."))
            return _back(request, comment.target.get_absolute_url(), f"#comment-{comment.pk}")
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request,
        form,
        title=_("Report a comment"),
        action=request.path,
        target=comment.target,
        comment=comment,
        status=status,
    )


@login_required
@require_POST
def follow(request, jurisdiction):
    target = queries.resolve_target(
        request.jurisdiction, request.POST.get("target_type"), request.POST.get("target_id")
    )
    if target is None:
        return _problem(request, _("There is nothing to follow at this address."))
    following = request.POST.get("action") != "unfollow"
    if following:
        try:
            operations.follow(actor=request.user, target=target)
        except PermissionDenied as refused:
            return _problem(request, str(refused), target, status=403)
        notice = _("You follow this now: we will notify you of what happens.")
    else:
        operations.unfollow(actor=request.user, target=target)
        notice = _("You no longer follow this.")
    if request.htmx:
        context = {"target": target, "following": following, "notice": notice}
        return render(request, "core/comments/follow_fragment.html", context)
    messages.success(request, notice)
    return _back(request, target.get_absolute_url())


def _require_moderator(request) -> None:
    if not has_role(request.user, request.jurisdiction, Role.MODERATOR, Role.ADMIN):
        raise PermissionDenied(_("You do not have the role needed for this page."))


@login_required
def moderation_queue(request, jurisdiction):
    _require_moderator(request)
    blocked = {block.user_id for block in blocked_accounts(request.jurisdiction)}
    context = {"comments": queries.moderation_queue(request.jurisdiction), "blocked": blocked}
    return render(request, "core/comments/moderation.html", context)


def _moderate(request, comment_id: int, form_class, run, title: str):
    _require_moderator(request)
    comment = _comment(request, comment_id)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        run(actor=request.user, comment=comment, reason=form.cleaned_data["reason"])
        messages.success(request, _("Done: the decision is in the public record."))
        return redirect("core:moderation", jurisdiction=request.jurisdiction.slug)
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request, form, title=title, action=request.path, target=comment.target, comment=comment, status=status
    )


@login_required
def hide(request, jurisdiction, comment_id: int):
    return _moderate(request, comment_id, HideForm, operations.hide_comment, _("Hide a comment"))


@login_required
def restore(request, jurisdiction, comment_id: int):
    return _moderate(request, comment_id, RestoreForm, operations.restore_comment, _("Restore a comment"))


@login_required
def keep(request, jurisdiction, comment_id: int):
    return _moderate(request, comment_id, RestoreForm, operations.dismiss_flags, _("Keep a reported comment"))


urlpatterns = [
    path("comments/new/", post_comment, name="comment_post"),
    path("comments/<int:comment_id>/edit/", edit, name="comment_edit"),
    path("comments/<int:comment_id>/vote/", vote, name="comment_vote"),
    path("comments/<int:comment_id>/flag/", flag, name="comment_flag"),
    path("follow/", follow, name="follow"),
    path("manage/moderation/", moderation_queue, name="moderation"),
    path("manage/moderation/<int:comment_id>/hide/", hide, name="comment_hide"),
    path("manage/moderation/<int:comment_id>/restore/", restore, name="comment_restore"),
    path("manage/moderation/<int:comment_id>/keep/", keep, name="comment_keep"),
]
