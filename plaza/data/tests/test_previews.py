"""The resource page of a loaded table: paged preview, server-side chart with its data table, map, errors."""

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from plaza.data.models import DatastoreTable
from plaza.data.operations import add_resource

pytestmark = pytest.mark.django_db

CENTRES = "name,district,beds,latitude,longitude\n" + "".join(
    f"Centro {n},Comuna {n % 3 + 1},{n * 2},{-34.60 + n / 1000:.4f},{-58.38 - n / 1000:.4f}\n" for n in range(1, 31)
)


@pytest.fixture
def loaded(air, env_official, django_capture_on_commit_callbacks):
    def add(text: str, name: str = "Health centres"):
        upload = SimpleUploadedFile("centres.csv", text.encode(), content_type="text/csv")
        with django_capture_on_commit_callbacks(execute=True):
            return add_resource(actor=env_official, dataset=air, name=name, upload=upload)

    return add


def page_of(client, resource, **params):
    with scopes_disabled():
        url = resource.get_absolute_url()
    return client.get(url, params)


def test_the_preview_pages_rows_server_side(client, loaded):
    resource = loaded(CENTRES)
    first = page_of(client, resource).content.decode()
    assert (
        "Rows 1 to 25 of 30" in first and '<th scope="row">25</th>' in first and '<th scope="row">26</th>' not in first
    )
    second = page_of(client, resource, page=2).content.decode()
    assert "Rows 26 to 30 of 30" in second and '<th scope="row">30</th>' in second and "<td>Centro 1</td>" not in second
    assert "datastore_search?resource_id=" in first


def test_a_bar_chart_sums_a_column_by_category_with_an_accessible_table(client, loaded):
    resource = loaded(CENTRES)
    body = page_of(client, resource, chart="bar", x="district", y="beds").content.decode()
    assert body.count("<rect ") == 3 and "Sum of beds by district" in body
    # Comuna 1 holds centres 3, 6, … 30: beds 6 + 12 + … + 60 = 330.
    assert "<td>Comuna 1</td><td>330</td>" in body
    counted = page_of(client, resource, chart="line", x="district").content.decode()
    assert "<polyline" in counted and "<td>Comuna 2</td><td>10</td>" in counted
    refused = page_of(client, resource, chart="bar", x="district", y="name").content.decode()
    assert "<svg" not in refused  # a text column is not summed


def test_latitude_and_longitude_columns_give_a_map_with_its_list(client, loaded):
    body = page_of(client, loaded(CENTRES)).content.decode()
    assert "data-plaza-map" in body and 'Centro 1 <span class="coords">(-34.5990, -58.3810)</span>' in body


def test_errors_are_shown_to_the_publisher_only(client, loaded, env_official):
    resource = loaded("name,beds\n" + "A,1\n" * 20 + "C,many\n", name="Bad")
    with scopes_disabled():
        assert DatastoreTable.objects.get(resource=resource).status == "invalid"
    anonymous = page_of(client, resource).content.decode()
    assert "Not loaded: the file has errors" in anonymous and "Errors by row and column" not in anonymous
    client.force_login(env_official)
    publisher = page_of(client, resource).content.decode()
    assert "Errors by row and column" in publisher and "<td>22</td><td>beds</td>" in publisher


def test_a_geojson_link_loads_its_points(
    air, env_official, tmp_path, settings, client, django_capture_on_commit_callbacks
):
    settings.PLAZA_DATA_FETCH_ALLOW_PRIVATE = True

    def point(lon, lat, **properties):
        return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": properties}

    line = {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, "properties": {}}
    features = [point(-58.41, -34.61, name="CeSAC 1", comuna=4), point(-58.45, -34.58, name="CeSAC 2", comuna=12), line]
    (tmp_path / "centres.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/centres.geojson"
        with django_capture_on_commit_callbacks(execute=True):
            resource = add_resource(actor=env_official, dataset=air, name="CeSAC", url=url, format="GeoJSON")
    finally:
        server.shutdown()
    with scopes_disabled():
        table = DatastoreTable.objects.get(resource=resource)
    assert table.status == "active" and table.row_count == 2
    assert [f["id"] for f in table.fields] == ["name", "comuna", "latitude", "longitude"]
    body = page_of(client, resource).content.decode()
    assert 'CeSAC 2 <span class="coords">(-34.5800, -58.4500)</span>' in body


def test_a_publisher_reloads_a_table_and_others_cannot(
    client, loaded, env_official, django_capture_on_commit_callbacks
):
    from plaza.core.tests.factories import UserFactory

    resource = loaded(CENTRES)
    with scopes_disabled():
        url = resource.get_absolute_url() + "reload/"
        first_job = DatastoreTable.objects.get(resource=resource).job_id
    client.force_login(UserFactory())
    assert client.post(url).status_code == 403
    client.force_login(env_official)
    assert "Reload the table" in page_of(client, resource).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    with scopes_disabled():
        table = DatastoreTable.objects.get(resource=resource)
    assert response.status_code == 302 and response["Location"].endswith(f"/jobs/{table.job_id}/")
    assert table.job_id != first_job and table.status == "active" and table.row_count == 30
