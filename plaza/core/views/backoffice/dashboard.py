"""Back office home: links to every section the signed-in account may use here."""

from django.shortcuts import render

from plaza.core.models import Role
from plaza.core.queries import processes as queries
from plaza.core.views.backoffice.access import backoffice_view


@backoffice_view()
def dashboard(request, jurisdiction):
    access = request.backoffice
    role_labels = dict(Role.choices)
    return render(
        request,
        "core/backoffice/dashboard.html",
        {
            "access": access,
            "role_names": sorted({str(role_labels[r.split("@")[0]]) for r in access.roles}),
            "processes": queries.processes_for_admin(request.jurisdiction) if "processes" in access else [],
        },
    )
