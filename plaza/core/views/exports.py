"""Bulk downloads: the list of a jurisdiction's open data files, and each file as CSV or JSON."""

from django.http import Http404
from django.shortcuts import render

from plaza.core.components import registry
from plaza.core.exports import CORE_EXPORTS, FORMATS, export_response


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise Http404("Unknown format.")


def export_index(request, jurisdiction):
    sections = [(None, CORE_EXPORTS)] + [(m, m.exports) for m in registry if m.exports]
    return render(request, "core/exports.html", {"sections": sections, "formats": list(FORMATS)})


def core_export(request, jurisdiction, what, fmt):
    _check_format(fmt)
    export = next((e for e in CORE_EXPORTS if e.name == what), None)
    if export is None:
        raise Http404("No such export.")
    return export_response(export, request.jurisdiction, fmt, what)


def component_export(request, jurisdiction, app, what, fmt):
    _check_format(fmt)
    manifest = registry.get(app)
    export = manifest.export(what) if manifest else None
    if export is None:
        raise Http404("No such export.")
    return export_response(export, request.jurisdiction, fmt, f"{app}-{what}")
