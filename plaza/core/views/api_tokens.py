"""A resident's API tokens: create (the secret is shown once), list, revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from plaza.core.forms import ApiTokenForm
from plaza.core.operations.api_tokens import create_api_token, revoke_api_token
from plaza.core.queries.api_tokens import token_of, tokens_of


@never_cache  # the page that shows a secret must never be kept by a browser or a proxy
@login_required
def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = create_api_token(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = ApiTokenForm()
    context = {"form": form, "tokens": tokens_of(request.user), "created": created, "secret": secret}
    status = 400 if request.method == "POST" and created is None else 200
    return render(request, "core/account/api_tokens.html", context, status=status)


@require_POST
@login_required
def revoke(request, pk: int):
    token = revoke_api_token(actor=request.user, token=token_of(request.user, pk))
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("account_api_tokens")


urlpatterns = [
    path("", api_tokens, name="account_api_tokens"),
    path("<int:pk>/revoke/", revoke, name="account_api_token_revoke"),
]
