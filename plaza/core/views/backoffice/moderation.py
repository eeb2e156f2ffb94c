"""Back office: the accounts blocked in the jurisdiction, blocking one with a public reason, lifting a block."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plaza.core.forms.backoffice import BlockByEmailForm, BlockForm
from plaza.core.operations.moderation import MODERATOR_ROLES, block_account, unblock_account
from plaza.core.permissions import has_role
from plaza.core.queries import moderation as queries
from plaza.core.views.backoffice.access import backoffice_view
from plaza.core.views.backoffice.flow import render_form_page, submitted


def _require_moderator(request) -> None:
    """The section is open to moderators of a process too; blocking is the whole jurisdiction's moderators' power."""
    if not has_role(request.user, request.jurisdiction, *MODERATOR_ROLES):
        raise PermissionDenied(_("You do not have the role needed for this page."))


def _account(user_id: int):
    found = queries.account(user_id)
    if found is None:
        raise Http404("No such account.")
    return found


def _blocked(request):
    messages.success(request, _("The account is blocked here; what it wrote here is hidden."))
    return redirect("core:blocked_accounts", jurisdiction=request.jurisdiction.slug)


@backoffice_view("moderation")
def blocked_accounts(request, jurisdiction):
    """The blocked accounts, each with its unblock button, and a form to block an account by its e-mail address."""
    _require_moderator(request)
    j = request.jurisdiction
    form = BlockByEmailForm(request.POST or None)

    def block_by_email(data):
        block_account(actor=request.user, jurisdiction=j, user=data["email"], reason=data["reason"])

    if submitted(request, form, block_by_email):
        return _blocked(request)
    context = {"form": form, "blocked": queries.blocked_accounts(j)}
    return render_form_page(request, "core/backoffice/blocked_accounts.html", context)


@backoffice_view("moderation")
def block(request, jurisdiction, user_id: int):
    """Block one account, linked from where its writing is moderated (the queue, a component's moderation page)."""
    _require_moderator(request)
    j, found = request.jurisdiction, _account(user_id)
    form = BlockForm(request.POST or None)
    if submitted(request, form, lambda data: block_account(actor=request.user, jurisdiction=j, user=found, **data)):
        return _blocked(request)
    context = {"form": form, "account": found, "current_block": queries.block_of(j, found)}
    return render_form_page(request, "core/backoffice/block_account.html", context)


@require_POST
@backoffice_view("moderation")
def unblock(request, jurisdiction, user_id: int):
    _require_moderator(request)
    try:
        unblock_account(actor=request.user, jurisdiction=request.jurisdiction, user=_account(user_id))
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("The account can write here again; what the block hid is shown again."))
    return redirect("core:blocked_accounts", jurisdiction=request.jurisdiction.slug)
