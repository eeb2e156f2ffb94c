"""/<j>/catalog.ttl|.rdf|.jsonld and the network-wide /catalog.*: public datasets as DCAT-AP 3."""

from contextlib import nullcontext

from django.http import HttpResponse

from plaza.core.tenancy import across_jurisdictions
from plaza.data.dcat import SERIALISATIONS, catalogue_graph
from plaza.data.queries import public_datasets


def catalog(request, fmt: str, jurisdiction: str | None = None):
    j = request.jurisdiction
    serialisation, content_type = SERIALISATIONS[fmt]
    # The network-wide catalogue reads every active jurisdiction's public datasets, explicitly.
    with nullcontext() if j else across_jurisdictions():
        datasets = public_datasets([j] if j else None)
        graph = catalogue_graph(request.build_absolute_uri, j, datasets)
    response = HttpResponse(graph.serialize(format=serialisation), content_type=f"{content_type}; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response
