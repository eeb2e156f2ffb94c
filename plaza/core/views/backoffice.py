"""The back office a jurisdiction's admins and officers use (not Django's admin)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from plaza.core.forms import CensusUploadForm, InPersonVerificationForm
from plaza.core.operations.identity import CensusFileInvalid, import_census, verify_in_person
from plaza.core.permissions import Role, has_role
from plaza.core.queries import audit as audit_queries
from plaza.core.queries import processes as queries


def _require(request, *roles):
    if not has_role(request.user, request.jurisdiction, *roles):
        raise PermissionDenied(_("You do not have the role needed for this page."))


@login_required
def dashboard(request, jurisdiction):
    _require(request, Role.ADMIN, Role.MODERATOR, Role.POLL_OFFICER, Role.OFFICIAL, Role.VALUATOR, Role.ASSESSOR)
    j = request.jurisdiction
    return render(
        request,
        "core/backoffice/dashboard.html",
        {
            "processes": queries.processes_for_admin(j),
            "is_admin": has_role(request.user, j, Role.ADMIN),
            "is_officer": has_role(request.user, j, Role.POLL_OFFICER, Role.ADMIN),
        },
    )


@login_required
def census_upload(request, jurisdiction):
    _require(request, Role.ADMIN)
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


@login_required
def verify_person(request, jurisdiction):
    _require(request, Role.POLL_OFFICER, Role.ADMIN)
    form = InPersonVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            verify_in_person(
                officer=request.user,
                jurisdiction=request.jurisdiction,
                document_id=data["document_id"],
                birth_date=data["date_of_birth"],
                postal_code=data["postal_code"],
                user=data["email"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Identity checked: this person is on the census."))
            return redirect("core:verify_person", jurisdiction=jurisdiction)
    status = 400 if request.method == "POST" else 200
    return render(request, "core/backoffice/verify_person.html", {"form": form}, status=status)


@login_required
def audit(request, jurisdiction):
    _require(request, Role.ADMIN, Role.ASSESSOR)
    entries = audit_queries.full_audit_log(request.jurisdiction)[:500]
    return render(request, "core/backoffice/audit.html", {"entries": entries})


urlpatterns = [
    path("", dashboard, name="backoffice"),
    path("census/", census_upload, name="census_upload"),
    path("verify-in-person/", verify_person, name="verify_person"),
    path("audit/", audit, name="backoffice_audit"),
]
