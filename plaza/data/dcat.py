"""The catalogue as DCAT-AP 3 with rdflib, each linked node typed as the DCAT-AP shapes expect."""

from django.utils import translation
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from plaza.core.models import Jurisdiction
from plaza.data.models import Dataset, Resource
from plaza.data.vocabularies import Theme, frequency_uri, licences, theme_uri

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
MEDIA_TYPES = "http://publications.europa.eu/resource/authority/file-type/"
FORMATS = {"CSV", "JSON", "XLSX", "XLS", "PDF", "ODS", "TXT", "XML", "GEOJSON", "ZIP", "HTML", "RDF_TURTLE"}
SERIALISATIONS = {
    "ttl": ("turtle", "text/turtle"),
    "rdf": ("xml", "application/rdf+xml"),
    "jsonld": ("json-ld", "application/ld+json"),
}


def _graph() -> Graph:
    graph = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD), ("skos", SKOS)):
        graph.bind(prefix, namespace)
    return graph


def _agent(graph: Graph, uri: str, name: str) -> URIRef:
    agent = URIRef(uri)
    graph.add((agent, RDF.type, FOAF.Agent))
    graph.add((agent, FOAF.name, Literal(name)))
    return agent


def _licence(graph: Graph, licence_id: str) -> URIRef | None:
    licence = licences().get(licence_id)
    if licence is None or not licence.url:
        return None
    node = URIRef(licence.url)
    graph.add((node, RDF.type, DCTERMS.LicenseDocument))
    graph.add((node, RDFS.label, Literal(licence.title)))
    return node


def _distribution(graph: Graph, absolute, resource: Resource, licence: URIRef | None) -> URIRef:
    node = URIRef(absolute(resource.get_absolute_url()))
    access = URIRef(absolute(resource.download_url()))
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCTERMS.title, Literal(resource.name)))
    graph.add((node, DCAT.accessURL, access))
    graph.add((access, RDF.type, RDFS.Resource))
    if resource.attachment_id:
        graph.add((node, DCAT.downloadURL, access))
        graph.add((node, DCAT.byteSize, Literal(resource.attachment.size, datatype=XSD.nonNegativeInteger)))
    if resource.description:
        graph.add((node, DCTERMS.description, Literal(resource.description)))
    if resource.format.upper() in FORMATS:
        file_type = URIRef(MEDIA_TYPES + resource.format.upper())
        graph.add((node, DCTERMS.format, file_type))
        graph.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
    if licence is not None:
        graph.add((node, DCTERMS.license, licence))
    return node


def _coverage(graph: Graph, node: URIRef, dataset: Dataset) -> None:
    if dataset.temporal_start or dataset.temporal_end:
        period = BNode()
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if dataset.temporal_start:
            graph.add((period, DCAT.startDate, Literal(dataset.temporal_start, datatype=XSD.date)))
        if dataset.temporal_end:
            graph.add((period, DCAT.endDate, Literal(dataset.temporal_end, datatype=XSD.date)))
        graph.add((node, DCTERMS.temporal, period))
    if dataset.spatial:
        place = BNode()
        graph.add((place, RDF.type, DCTERMS.Location))
        graph.add((place, SKOS.prefLabel, Literal(dataset.spatial)))
        graph.add((node, DCTERMS.spatial, place))


def _contact(graph: Graph, node: URIRef, dataset: Dataset) -> None:
    contact = BNode()
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, VCARD.fn, Literal(dataset.contact_name)))
    graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{dataset.contact_email}")))
    graph.add((node, DCAT.contactPoint, contact))


def _dataset(graph: Graph, absolute, dataset: Dataset) -> URIRef:
    node = URIRef(absolute(dataset.get_absolute_url()))
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(str(dataset.uuid))))
    graph.add((node, DCTERMS.title, Literal(dataset.title)))
    graph.add((node, DCTERMS.description, Literal(dataset.description)))
    graph.add((node, DCTERMS.issued, Literal(dataset.created_at.isoformat(), datatype=XSD.dateTime)))
    graph.add((node, DCTERMS.modified, Literal(dataset.modified_at.isoformat(), datatype=XSD.dateTime)))
    graph.add((node, DCAT.landingPage, _document(graph, node)))
    organization = dataset.organization
    org_uri = absolute(organization.get_absolute_url())
    graph.add((node, DCTERMS.publisher, _agent(graph, org_uri, organization.title)))
    frequency = URIRef(frequency_uri(dataset.frequency))
    graph.add((frequency, RDF.type, DCTERMS.Frequency))
    graph.add((node, DCTERMS.accrualPeriodicity, frequency))
    for theme in dataset.themes.all():
        concept = URIRef(theme_uri(theme.code))
        graph.add((concept, RDF.type, SKOS.Concept))
        with translation.override("en"):  # the vocabulary's own English label
            graph.add((concept, SKOS.prefLabel, Literal(str(Theme(theme.code).label), lang="en")))
        graph.add((node, DCAT.theme, concept))
    for keyword in dataset.keywords.all():
        graph.add((node, DCAT.keyword, Literal(keyword.name)))
    _contact(graph, node, dataset)
    _coverage(graph, node, dataset)
    licence = _licence(graph, dataset.licence_id)
    for resource in dataset.resources.all():
        graph.add((node, DCAT.distribution, _distribution(graph, absolute, resource, licence)))
    return node


def _document(graph: Graph, node: URIRef) -> URIRef:
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, RDF.type, FOAF.Document))  # the dataset page is its own landing page
    return node


def catalogue_graph(absolute, jurisdiction: Jurisdiction | None, datasets) -> Graph:
    """A dcat:Catalog of the given public datasets; `absolute(path)` makes an address absolute."""
    graph = _graph()
    home = jurisdiction.get_absolute_url() if jurisdiction else "/"
    catalog = URIRef(absolute(f"{home}catalog"))
    name = jurisdiction.name if jurisdiction else "Plaza"
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal(f"{name} open data")))
    graph.add((catalog, DCTERMS.description, Literal(f"Public datasets published on Plaza by {name}.")))
    graph.add((catalog, DCTERMS.publisher, _agent(graph, absolute(home), name)))
    homepage = URIRef(absolute(home))
    graph.add((homepage, RDF.type, FOAF.Document))
    graph.add((catalog, FOAF.homepage, homepage))
    for dataset in datasets:
        graph.add((catalog, DCAT.dataset, _dataset(graph, absolute, dataset)))
    return graph
