"""Back office: who holds which role here; granting and revoking, each with a reason on the record."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from plaza.core.forms.backoffice import ReasonForm, RoleGrantForm
from plaza.core.operations.roles import grant_role, revoke_role
from plaza.core.queries import backoffice as queries
from plaza.core.queries import processes as process_queries
from plaza.core.views.backoffice.access import backoffice_view
from plaza.core.views.backoffice.flow import render_form_page, submitted


@backoffice_view("roles")
def role_list(request, jurisdiction):
    j = request.jurisdiction
    form = RoleGrantForm(request.POST or None, jurisdiction=j, processes=process_queries.processes_for_admin(j))

    def grant(data):
        grant_role(actor=request.user, jurisdiction=j, user=data.pop("email"), **data)

    if submitted(request, form, grant):
        messages.success(request, _("The role is granted."))
        return redirect("core:manage_roles", jurisdiction=j.slug)
    return render_form_page(request, "core/backoffice/roles.html", {"form": form, "grants": queries.role_grants(j)})


@backoffice_view("roles")
def role_revoke(request, jurisdiction, grant):
    j = request.jurisdiction
    found = queries.role_grants(j).filter(pk=grant).first()
    if found is None:
        raise Http404("No such role grant.")
    form = ReasonForm(request.POST or None)
    if submitted(request, form, lambda data: revoke_role(actor=request.user, grant=found, **data)):
        messages.success(request, _("The role is revoked."))
        return redirect("core:manage_roles", jurisdiction=j.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "core/backoffice/role_revoke.html", {"form": form, "grant": found}, status=status)
