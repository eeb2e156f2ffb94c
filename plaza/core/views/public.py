"""Public pages: the network home, a jurisdiction's home, processes and their components."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve

from plaza.core import geo
from plaza.core.models import Process
from plaza.core.permissions import Role, has_role
from plaza.core.queries import audit as audit_queries
from plaza.core.queries import processes as queries


def network_home(request):
    return render(
        request,
        "core/network_home.html",
        {
            "tree": queries.jurisdiction_tree(),
            "active_processes": queries.active_processes_across_network(),
        },
    )


def jurisdiction_home(request, jurisdiction):
    j = request.jurisdiction
    children = list(queries.active_jurisdictions().filter(parent=j))
    return render(
        request,
        "core/jurisdiction_home.html",
        {
            "processes": queries.published_processes(j),
            "children": children,
            "ancestors": j.ancestors(),
            "map": geo.map_context(places_on_map(j, children)),
        },
    )


def places_on_map(jurisdiction, children) -> list:
    """The jurisdictions within, where they are; a jurisdiction with none inside shows itself."""
    located = [c for c in children if c.latitude is not None and c.longitude is not None]
    if located or jurisdiction.latitude is None:
        return located
    return [jurisdiction]


def process_detail(request, jurisdiction, process):
    j = request.jurisdiction
    try:
        found = queries.process_page(j, process, include_unpublished=has_role(request.user, j, Role.ADMIN))
    except Process.DoesNotExist as missing:
        raise Http404("No such process.") from missing
    return render(
        request,
        "core/process_detail.html",
        {
            "process": found,
            "active_phase": queries.active_phase(found),
        },
    )


def component(request, jurisdiction, process, component, rest=""):
    """Hands the rest of the address to the component's own URLs, inside its process."""
    j = request.jurisdiction
    try:
        found = queries.process_page(j, process, include_unpublished=has_role(request.user, j, Role.ADMIN))
    except Process.DoesNotExist as missing:
        raise Http404("No such process.") from missing
    instance = next((c for c in found.components.all() if c.slug == component), None)
    if instance is None or instance.manifest is None:
        raise Http404("No such component.")
    manifest = instance.manifest
    if not manifest.process_urls:
        # A component whose pages live outside processes (a portal, an inbox) is reached from here too.
        if manifest.jurisdiction_urls and not rest:
            return redirect(f"/{j.slug}/{manifest.name}/")
        raise Http404("No such page.")
    try:
        match = resolve("/" + rest, urlconf=manifest.process_urls)
    except Resolver404 as missing:
        raise Http404("No such page.") from missing
    request.process, request.component = found, instance
    return match.func(request, *match.args, **match.kwargs)


def audit_log(request, jurisdiction):
    entries = audit_queries.public_audit_log(request.jurisdiction)[:200]
    return render(request, "core/audit_log.html", {"entries": entries})
