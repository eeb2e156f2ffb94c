"""Demo content: Seoul's portal in several themes with CSV files, Buenos Aires's health centres, loaded once."""

import pytest
from django_scopes import scope

from plaza.core.tests.factories import JurisdictionFactory
from plaza.data.models import Dataset, DatasetTheme
from plaza.data.seeds import seed

pytestmark = pytest.mark.django_db


def test_seoul_gets_datasets_in_ten_themes_with_csv_files_and_seeding_twice_changes_nothing(client):
    seoul = JurisdictionFactory(slug="seoul", name="Seoul")
    with scope(jurisdiction=seoul):
        seed(seoul, None, None)
        seed(seoul, None, None)
        assert Dataset.objects.filter(state="public").count() == 15
        assert DatasetTheme.objects.values("code").distinct().count() >= 10
        subway = Dataset.objects.get(name="subway-ridership")
        assert subway.versions.count() == 1
        resource = subway.resources.get()
    download = client.get(resource.download_url())
    assert b"station,hour,boardings,alightings" in b"".join(download.streaming_content)
    found = client.get("/seoul/api/3/action/package_search", {"fq": "tags:subway"}).json()["result"]
    assert [p["name"] for p in found["results"]] == ["subway-ridership"]


def test_buenos_aires_gets_its_health_centres():
    buenos_aires = JurisdictionFactory(slug="buenos-aires", name="Buenos Aires")
    with scope(jurisdiction=buenos_aires):
        seed(buenos_aires, None, None)
        assert Dataset.objects.get().title.startswith("Centros de Salud")


def test_seoul_has_open_requests_and_its_tables_are_loaded(client):
    from plaza.core.tests.factories import CensusRecordFactory
    from plaza.data.models import DatasetRequest, DatastoreTable

    seoul = JurisdictionFactory(slug="seoul", name="Seoul")
    CensusRecordFactory.create_batch(20, jurisdiction=seoul)
    with scope(jurisdiction=seoul):
        seed(seoul, None, None)
        seed(seoul, None, None)
        assert DatasetRequest.objects.filter(status="open").count() == 3
        published = DatasetRequest.objects.get(status="published")
        assert published.dataset.name == "noise-monitoring"
        assert published.support_count == published.supports.count() == 6
        assert set(DatastoreTable.objects.values_list("status", flat=True)) == {"active"}
        resource = Dataset.objects.get(name="subway-ridership").resources.get()
    found = client.get("/seoul/api/3/action/datastore_search", {"resource_id": str(resource.uuid), "limit": 1}).json()
    assert found["result"]["total"] == 14 and found["result"]["records"][0]["station"] == "Seoul Station"
