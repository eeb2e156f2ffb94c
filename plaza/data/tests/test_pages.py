"""The portal's pages: catalogue with facets and paging, dataset, resource, versions, diff, publisher forms."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled

from plaza.core.tests.factories import UserFactory
from plaza.data.models import Dataset
from plaza.data.tests.factories import DatasetFactory

pytestmark = pytest.mark.django_db


def test_catalogue_lists_public_datasets_with_facets_in_few_queries(
    client, air, metro, secret_plan, django_assert_max_num_queries
):
    with django_assert_max_num_queries(16):
        page = client.get("/paris/data/")
    text = page.content.decode()
    assert page.status_code == 200 and "Air quality stations" in text and "Metro ridership" in text
    assert "Noise survey draft" not in text
    assert "Environment Department (1)" in text and "Transport (1)" in text


def test_facets_search_and_paging_narrow_the_list(client, air, metro, environment):
    assert "Metro ridership" not in client.get("/paris/data/", {"theme": "ENVI"}).content.decode()
    assert "Air quality" not in client.get("/paris/data/", {"format": "JSON"}).content.decode()
    assert "Metro ridership" not in client.get("/paris/data/", {"q": "dust"}).content.decode()
    assert "Air quality" not in client.get("/paris/data/", {"licence": "odc-odbl-1.0"}).content.decode()
    with scopes_disabled():
        for n in range(21):
            DatasetFactory(organization=environment, name=f"extra-{n}", title=f"Extra {n}")
    second = client.get("/paris/data/", {"organization": "environment", "page": 2}).content.decode()
    assert "Page 2 of 2" in second


def test_private_datasets_show_to_their_organisation_only(client, secret_plan, env_official):
    assert client.get("/paris/data/noise-draft/").status_code == 404
    client.force_login(UserFactory())
    assert client.get("/paris/data/noise-draft/").status_code == 404
    client.force_login(env_official)
    assert "Noise survey draft" in client.get("/paris/data/noise-draft/").content.decode()


def test_dataset_and_resource_pages_show_the_metadata(client, air):
    text = client.get("/paris/data/air-quality/").content.decode()
    assert "Creative Commons Attribution 4.0" in text and "Environment" in text and "pm10" in text
    with scope(jurisdiction=air.jurisdiction):
        resource = air.resources.get()
    page = client.get(resource.get_absolute_url()).content.decode()
    assert "Hourly readings" in page and resource.url in page


def test_an_official_creates_edits_and_compares_versions_without_javascript(client, paris, environment, env_official):
    client.force_login(env_official)
    form = {
        "title": "Street trees", "name": "trees", "description": "Every tree.", "organization": environment.pk,
        "state": "public", "licence_id": "cc0-1.0", "themes": ["ENVI"], "keywords": "trees, green",
        "contact_name": "Parks", "contact_email": "parks@paris.example", "frequency": "ANNUAL",
    }  # fmt: skip
    assert client.post("/paris/data/new/", form).status_code == 302
    assert client.post("/paris/data/trees/edit/", {**form, "title": "Street trees of Paris"}).status_code == 302
    upload = SimpleUploadedFile("trees.csv", b"id,species\n1,Platanus\n", content_type="text/csv")
    assert client.post("/paris/data/trees/resources/new/", {"name": "Trees", "upload": upload}).status_code == 302
    assert "Version" in client.get("/paris/data/trees/versions/").content.decode()
    diff = client.get("/paris/data/trees/versions/diff/", {"from": 1, "to": 2}).content.decode()
    assert "+ Street trees of Paris" in diff
    with scopes_disabled():
        assert Dataset.objects.get(name="trees").versions.count() == 3


def test_refused_forms_answer_400_with_the_message_next_to_the_field(client, environment, env_official):
    client.force_login(env_official)
    refused = client.post("/paris/data/new/", {"title": "X", "name": "export", "organization": environment.pk})
    assert refused.status_code == 400 and "There is a problem" in refused.content.decode()


def test_residents_cannot_open_the_publisher_forms(client, air):
    client.force_login(UserFactory())
    assert client.get("/paris/data/new/").status_code == 403
    assert client.get("/paris/data/air-quality/edit/").status_code == 403


def test_exports_and_json_api(client, air, secret_plan):
    csv_text = b"".join(client.get("/paris/data/export/datasets.csv").streaming_content).decode()
    assert "air-quality" in csv_text and "noise-draft" not in csv_text
    listed = client.get("/api/v1/data/paris/datasets").json()
    assert listed["count"] == 1 and listed["items"][0]["resources"][0]["format"] == "CSV"
    assert client.get("/api/v1/data/paris/datasets/noise-draft").status_code == 404


def test_the_portal_home_lists_themes_and_the_organisation_page_its_datasets(client, air, metro, secret_plan):
    home = client.get("/paris/data/").content.decode()
    assert "Browse by theme" in home and '<a href="?theme=TRAN">' in home
    assert "Browse by theme" not in client.get("/paris/data/?theme=TRAN").content.decode()
    page = client.get("/paris/data/organizations/environment/").content.decode()
    assert "Air quality stations" in page and "Noise survey draft" not in page
    assert client.get("/paris/data/organizations/nobody/").status_code == 404


def test_the_dataset_form_names_the_sustainable_development_goals(client, paris, environment, env_official):
    client.force_login(env_official)
    body = client.get("/paris/data/new/").content.decode()
    assert "1. End poverty in all its forms everywhere" in body and "bound method" not in body


def test_the_network_portal_lists_every_active_jurisdictions_public_datasets(client, air, secret_plan, madrid):
    from plaza.core.tests.factories import JurisdictionFactory
    from plaza.data.tests.factories import DatasetFactory, OrganizationFactory

    closed = JurisdictionFactory(slug="closed-town", name="Closed town", is_active=False)
    with scopes_disabled():
        DatasetFactory(
            organization=OrganizationFactory(jurisdiction=madrid, name="movilidad"), name="bicimad",
            title="BiciMAD stations", themes=["TRAN"], keywords=["bici"],
        )  # fmt: skip
        DatasetFactory(organization=OrganizationFactory(jurisdiction=closed, name="old"), title="Old archive")
    assert 'href="/network/data/"' in client.get("/").content.decode()  # linked from the network home
    body = client.get("/network/data/").content.decode()
    assert "Air quality stations" in body and "BiciMAD stations" in body and "Madrid" in body
    assert "Noise survey draft" not in body and "Old archive" not in body
    narrowed = client.get("/network/data/", {"theme": "TRAN"}).content.decode()
    assert "BiciMAD stations" in narrowed and "Air quality stations" not in narrowed
    assert 'aria-current="true"' in narrowed
    # Organisations by jurisdiction: a short name may repeat across jurisdictions, so the facet names both.
    assert "<h3>Organisation</h3>" in body and "Environment Department (Paris) (1)" in body
    with scopes_disabled():
        DatasetFactory(organization=OrganizationFactory(jurisdiction=madrid, name="environment"), title="Aire Madrid")
    both = client.get("/network/data/").content.decode()
    assert 'href="?organization=paris%2Fenvironment"' in both and 'href="?organization=madrid%2Fenvironment"' in both
    chosen = client.get("/network/data/", {"organization": "madrid/environment"}).content.decode()
    assert "Aire Madrid" in chosen and "Air quality stations" not in chosen and "BiciMAD stations" not in chosen
