"""Downloading attachments: only those of the request's jurisdiction, on content the visitor may see."""

from django.http import FileResponse, Http404

from plaza.core.permissions import Role, has_role
from plaza.core.queries import attachments as queries

INLINE_TYPES = {"image/png", "image/jpeg", "image/webp"}  # re-encoded on upload, safe to show in the page


def download(request, jurisdiction, attachment):
    found = queries.downloadable_attachment(
        request.jurisdiction,
        attachment,
        official=has_role(request.user, request.jurisdiction, Role.ADMIN, Role.OFFICIAL),
    )
    if found is None:
        raise Http404("No such attachment.")
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=found.mime_type not in INLINE_TYPES,
        filename=found.original_name,
        content_type=found.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
