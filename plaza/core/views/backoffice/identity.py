"""Back office: the census, in-person verification and the full audit log."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from plaza.core.forms import CensusUploadForm, InPersonVerificationForm
from plaza.core.operations.identity import CensusFileInvalid, import_census, verify_in_person
from plaza.core.queries import audit as audit_queries
from plaza.core.views.backoffice.access import backoffice_view
from plaza.core.views.backoffice.flow import render_form_page, submitted


@backoffice_view("census")
def census_upload(request, jurisdiction):
    form = CensusUploadForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_census(
                actor=request.user,
                jurisdiction=request.jurisdiction,
                file_name=upload.name,
                content=upload.read(),
                replace=form.cleaned_data["replace"],
            )
        except CensusFileInvalid as invalid:
            row_errors = invalid.row_errors
            form.add_error(
                "file", _("The file has %(count)s errors; nothing was imported.") % {"count": len(row_errors)}
            )
        else:
            messages.success(
                request,
                _("Census loaded: %(created)s new, %(updated)s updated, %(deactivated)s removed.")
                % {"created": result.created, "updated": result.updated, "deactivated": result.deactivated},
            )
            return redirect("core:census_upload", jurisdiction=jurisdiction)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "core/backoffice/census_upload.html",
        {"form": form, "row_errors": row_errors[:500], "error_count": len(row_errors)},
        status=status,
    )


@backoffice_view("verify")
def verify_person(request, jurisdiction):
    form = InPersonVerificationForm(request.POST or None)

    def check_identity(data):
        verify_in_person(
            officer=request.user,
            jurisdiction=request.jurisdiction,
            document_id=data["document_id"],
            birth_date=data["date_of_birth"],
            postal_code=data["postal_code"],
            user=data["email"],
        )

    if submitted(request, form, check_identity):
        messages.success(request, _("Identity checked: this person is on the census."))
        return redirect("core:verify_person", jurisdiction=jurisdiction)
    return render_form_page(request, "core/backoffice/verify_person.html", {"form": form})


@backoffice_view("audit")
def audit(request, jurisdiction):
    entries = audit_queries.full_audit_log(request.jurisdiction)[:500]
    return render(request, "core/backoffice/audit.html", {"entries": entries})
