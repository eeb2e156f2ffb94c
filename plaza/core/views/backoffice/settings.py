"""Back office: the jurisdiction's own settings and look; and, for the network's staff, new jurisdictions."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from plaza.core.forms.backoffice import JurisdictionSettingsForm, NewJurisdictionForm
from plaza.core.operations.jurisdictions import EDITABLE_FIELDS, create_jurisdiction, update_jurisdiction
from plaza.core.queries import processes as process_queries
from plaza.core.views.backoffice.access import backoffice_view
from plaza.core.views.backoffice.flow import render_form_page, submitted


@backoffice_view("settings")
def jurisdiction_settings(request, jurisdiction):
    j = request.jurisdiction
    form = JurisdictionSettingsForm(
        request.POST or None,
        request.FILES or None,
        initial={name: getattr(j, name) for name in EDITABLE_FIELDS if name != "logo"},
    )

    def save(_data):
        update_jurisdiction(actor=request.user, jurisdiction=j, **form.changes())

    if submitted(request, form, save):
        messages.success(request, _("The settings are saved."))
        return redirect("core:manage_settings", jurisdiction=j.slug)
    return render_form_page(request, "core/backoffice/settings.html", {"form": form})


@backoffice_view("jurisdictions")
def jurisdiction_create(request, jurisdiction):
    tree = process_queries.jurisdiction_tree()
    form = NewJurisdictionForm(
        request.POST or None,
        parents=tree,
        initial={"parent": str(request.jurisdiction.pk), "languages": ["en"], "time_zone": "UTC"},
    )
    created = []

    def create(data):
        created.append(create_jurisdiction(actor=request.user, **data))

    if submitted(request, form, create):
        messages.success(request, _("The jurisdiction is added. Name its first admin here."))
        return redirect("core:manage_roles", jurisdiction=created[0].slug)
    return render_form_page(request, "core/backoffice/jurisdictions.html", {"form": form, "tree": tree})
