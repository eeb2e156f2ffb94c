"""Back office: the gazetteer residents' typed addresses are found in (import a file, try an address)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from plaza.core.forms.gazetteer import AddressTryForm, GazetteerUploadForm
from plaza.core.geocoding import geocode
from plaza.core.operations.gazetteer import GazetteerFileInvalid, import_gazetteer
from plaza.core.queries import gazetteer as gazetteer_queries
from plaza.core.views.backoffice.access import backoffice_view


@backoffice_view("gazetteer")
def gazetteer(request, jurisdiction):
    form = GazetteerUploadForm(request.POST or None, request.FILES or None)
    row_errors, error_count = [], 0
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_gazetteer(
                actor=request.user,
                jurisdiction=request.jurisdiction,
                file_name=upload.name,
                stream=upload.file,
                replace=form.cleaned_data["replace"],
            )
        except GazetteerFileInvalid as invalid:
            row_errors, error_count = invalid.row_errors, invalid.total
            form.add_error("file", _("The file has %(count)s errors; nothing was imported.") % {"count": error_count})
        else:
            messages.success(
                request,
                _("Gazetteer loaded: %(created)s entries added, %(replaced)s replaced.")
                % {"created": result.created, "replaced": result.replaced},
            )
            return redirect("core:gazetteer", jurisdiction=jurisdiction)
    tried = AddressTryForm(request.GET if "address" in request.GET else None)
    context = {
        "form": form,
        "row_errors": row_errors[:500],
        "error_count": error_count,
        "entries": gazetteer_queries.count(request.jurisdiction),
        "tried": tried,
        "found": geocode(request.jurisdiction, tried.cleaned_data["address"]) if tried.is_valid() else None,
    }
    return render(request, "core/backoffice/gazetteer.html", context, status=400 if request.method == "POST" else 200)
