"""The DCAT-AP 3 catalogue: three serialisations, valid against the official SHACL shapes with no inference."""

import pytest
from django.conf import settings
from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import DCAT, RDF

pytestmark = pytest.mark.django_db
SHAPES = settings.PLAZA_SHARED_DIR / "standards/dcat-ap-3.0.0/dcat-ap-SHACL.ttl"


@pytest.fixture(scope="module")
def shapes():
    return Graph().parse(SHAPES)


def test_the_catalogue_conforms_to_dcat_ap_3(client, air, metro, secret_plan, shapes):
    response = client.get("/paris/catalog.ttl")
    assert response["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.content, format="turtle")
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 2  # the private one stays out
    conforms, _graph, report = validate(graph, shacl_graph=shapes, inference="none")
    assert conforms, report


@pytest.mark.parametrize(("suffix", "fmt"), [("rdf", "xml"), ("jsonld", "json-ld")])
def test_rdf_xml_and_json_ld_say_the_same(client, air, suffix, fmt):
    graph = Graph().parse(data=client.get(f"/paris/catalog.{suffix}").content, format=fmt)
    assert len(set(graph.subjects(RDF.type, DCAT.Distribution))) == 1


def test_the_network_catalogue_has_every_public_dataset(client, air, metro, shapes):
    graph = Graph().parse(data=client.get("/catalog.ttl").content, format="turtle")
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 2
    conforms, _graph, report = validate(graph, shacl_graph=shapes, inference="none")
    assert conforms, report
