"""Search pages: one jurisdiction's content, or the public content of the whole network."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render

from plaza.core.permissions import Role, has_role
from plaza.core.queries import search as queries

PER_PAGE = 20


def _render(request, results, *, network: bool):
    text = request.GET.get("q", "").strip()[:200]
    chosen_type = request.GET.get("type", "")
    facets = queries.type_facets(results) if text else []
    page = None
    if text:
        shown = queries.of_type(results, chosen_type) if chosen_type else results
        page = Paginator(shown, PER_PAGE).get_page(request.GET.get("page"))
    page_query = urlencode({"q": text, **({"type": chosen_type} if chosen_type else {})})
    context = {
        "search_query": text,
        "chosen_type": chosen_type,
        "facets": facets,
        "page": page,
        "page_query": page_query,
        "network": network,
    }
    return render(request, "core/search.html", context)


def jurisdiction_search(request, jurisdiction):
    j = request.jurisdiction
    private = has_role(request.user, j, Role.ADMIN, Role.OFFICIAL)
    results = queries.search_jurisdiction(j, request.GET.get("q", "")[:200], include_private=private)
    return _render(request, results, network=False)


def network_search(request):
    return _render(request, queries.search_network(request.GET.get("q", "")[:200]), network=True)
