"""A resident's own account pages: profile, identity, download my data, delete me."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from plaza.core.forms import CensusMatchForm, DeleteAccountForm, ProfileForm
from plaza.core.models import Verification
from plaza.core.operations.accounts import delete_account, export_account_data, update_profile
from plaza.core.operations.identity import verify_by_census
from plaza.core.queries.processes import active_jurisdictions
from plaza.core.tenancy import across_jurisdictions
from plaza.core.views.backoffice.flow import render_form_page, submitted


@login_required
def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, initial={"public_name": user.public_name, "language": user.language})
    if request.method == "POST" and form.is_valid():
        update_profile(actor=user, user=user, **form.cleaned_data)
        messages.success(request, _("Your profile is saved."))
        return redirect("account_profile")
    with across_jurisdictions():
        verifications = list(Verification.objects.filter(user=user).select_related("jurisdiction"))
    return render(
        request,
        "core/account/profile.html",
        {
            "form": form,
            "verifications": verifications,
            "jurisdictions": active_jurisdictions().order_by("name"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def verify(request, jurisdiction):
    form = CensusMatchForm(request.POST or None)

    def verify_me(data):
        verify_by_census(
            actor=request.user,
            jurisdiction=request.jurisdiction,
            document_id=data["document_id"],
            birth_date=data["date_of_birth"],
            postal_code=data["postal_code"],
        )

    if submitted(request, form, verify_me):
        messages.success(request, _("You are verified in %(name)s.") % {"name": request.jurisdiction.name})
        return redirect("account_profile")
    return render_form_page(request, "core/account/verify.html", {"form": form})


@login_required
def download_data(request):
    data = export_account_data(actor=request.user, user=request.user)
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="plaza-my-data.json"'
    return response


@login_required
def delete(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        delete_account(actor=user, user=user)
        messages.success(request, _("Your account is deleted."))
        return redirect("core:network_home")
    return render(request, "core/account/delete.html", {"form": form}, status=400 if request.method == "POST" else 200)


urlpatterns = [
    path("", profile, name="account_profile"),
    path("data.json", download_data, name="account_data"),
    path("delete/", delete, name="account_delete"),
]
