"""The CKAN Action API, driven by the real ckanapi client against a live server, and by the test client."""

import json

import pytest
from ckanapi import NotFound, RemoteCKAN, ValidationError

pytestmark = pytest.mark.django_db


def test_ckanapi_searches_shows_and_lists_like_ckan(live_server, air, metro, secret_plan):
    ckan = RemoteCKAN(live_server.url + "/paris")
    found = ckan.action.package_search(q="dust", rows=5)
    assert found["count"] == 1 and found["results"][0]["name"] == "air-quality"
    filtered = ckan.action.package_search(fq='organization:transport res_format:"JSON"', rows=1)
    assert [p["name"] for p in filtered["results"]] == ["metro-ridership"]
    faceted = ckan.action.package_search(**{"facet.field": ["tags", "license_id"], "rows": 0})
    assert faceted["count"] == 2 and faceted["results"] == []
    assert faceted["facets"]["license_id"] == {"cc-by-4.0": 1, "odc-odbl-1.0": 1}
    package = ckan.action.package_show(id="air-quality")
    assert package["organization"]["name"] == "environment" and package["license_title"].startswith("Creative")
    assert {t["name"] for t in package["tags"]} == {"air", "pm10"}
    assert package["resources"][0]["format"] == "CSV" and package["num_resources"] == 1
    assert ckan.action.organization_list() == ["environment", "transport"]
    detailed = ckan.action.organization_list(all_fields=True)
    assert {o["name"]: o["package_count"] for o in detailed} == {"environment": 1, "transport": 1}


def test_ckanapi_gets_ckan_errors(live_server, air, secret_plan):
    ckan = RemoteCKAN(live_server.url + "/paris")
    with pytest.raises(NotFound):
        ckan.action.package_show(id="noise-draft")  # private: as if it did not exist
    with pytest.raises(ValidationError) as refused:
        ckan.action.package_search(rows="many")
    assert refused.value.error_dict["rows"] == ["Invalid integer"]


def test_get_on_both_paths_with_the_envelope(client, air):
    for path in ("/paris/api/3/action/package_list", "/paris/api/action/package_list"):
        body = client.get(path).json()
        assert body["success"] is True and body["result"] == ["air-quality"] and "help" in body


def test_network_api_reads_public_datasets_of_every_jurisdiction(client, air, madrid):
    from django_scopes import scopes_disabled

    from plaza.data.tests.factories import DatasetFactory, OrganizationFactory

    with scopes_disabled():
        DatasetFactory(organization=OrganizationFactory(jurisdiction=madrid, name="movilidad"), name="bicimad")
    body = client.post("/api/3/action/package_search", data=json.dumps({"rows": 10}), content_type="application/json")
    assert sorted(p["name"] for p in body.json()["result"]["results"]) == ["air-quality", "bicimad"]


def test_unknown_action_and_missing_resource_answer_ckan_errors(client, air):
    unknown = client.get("/paris/api/3/action/package_delete")
    assert unknown.status_code == 400 and unknown.json()["success"] is False
    missing = client.get("/paris/api/3/action/resource_show", {"id": "00000000-0000-0000-0000-000000000000"})
    assert missing.status_code == 404 and missing.json()["error"]["__type"] == "Not Found Error"


def test_resource_group_tag_and_status(client, air):
    package = client.get("/paris/api/3/action/package_show", {"id": "air-quality"}).json()["result"]
    shown = client.get("/paris/api/3/action/resource_show", {"id": package["resources"][0]["id"]}).json()
    assert shown["result"]["name"] == "Hourly readings"
    assert client.get("/paris/api/3/action/group_list").json()["result"] == ["envi", "heal"]
    assert client.get("/paris/api/3/action/tag_list").json()["result"] == ["air", "pm10"]
    assert client.get("/paris/api/3/action/status_show").json()["result"]["ckan_version"].startswith("2.10")
    shown = client.get("/paris/api/3/action/organization_show", {"id": "environment"}).json()["result"]
    assert shown["package_count"] == 1


def test_the_network_search_facets_organisations_by_jurisdiction(client, air, metro, madrid):
    from django_scopes import scopes_disabled

    from plaza.data.tests.factories import DatasetFactory, OrganizationFactory

    with scopes_disabled():
        madrid_environment = OrganizationFactory(jurisdiction=madrid, name="environment", title="Medio Ambiente")
        DatasetFactory(organization=madrid_environment, name="aire")
    params = {"facet.field": json.dumps(["organization"]), "rows": 10}
    found = client.get("/api/3/action/package_search", params).json()["result"]
    assert found["facets"]["organization"] == {"paris/environment": 1, "madrid/environment": 1, "paris/transport": 1}
    items = {i["name"]: i["display_name"] for i in found["search_facets"]["organization"]["items"]}
    assert items["madrid/environment"] == "Medio Ambiente (Madrid)"
    narrowed = client.get("/api/3/action/package_search", {**params, "fq": "organization:madrid/environment"}).json()
    assert [p["name"] for p in narrowed["result"]["results"]] == ["aire"]
    everywhere = client.get("/api/3/action/package_search", {**params, "fq": "organization:environment"}).json()
    assert sorted(p["name"] for p in everywhere["result"]["results"]) == ["air-quality", "aire"]
    # A jurisdiction's own API keeps CKAN's plain organisation names.
    paris = client.get("/paris/api/3/action/package_search", params).json()["result"]
    assert paris["facets"]["organization"] == {"environment": 1, "transport": 1}
