"""Tabular uploads: validated with frictionless, loaded as a background job, refused cleanly, searched via ckanapi."""

import io
import zipfile

import pytest
from ckanapi import NotFound, RemoteCKAN
from ckanapi import ValidationError as CkanValidationError
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_scopes import scope, scopes_disabled

from plaza.core.models import Attachment, Job
from plaza.data.models import DatastoreRow, DatastoreTable, Resource
from plaza.data.operations import add_resource

pytestmark = pytest.mark.django_db

READINGS = (
    "station,district,pm10,measured_on\n"
    "Jongno,Jongno-gu,41.5,2024-03-01\n"
    "Gangnam,Gangnam-gu,38,2024-03-01\n"
    "Mapo,Mapo-gu,52.25,2024-03-02\n"
    "Jongno,Jongno-gu,44,2024-03-02\n"
)


@pytest.fixture
def load(django_capture_on_commit_callbacks):
    """Add a resource and run its load job as the inline backend does after the commit."""

    def run(**kwargs) -> Resource:
        with django_capture_on_commit_callbacks(execute=True):
            return add_resource(**kwargs)

    return run


def csv_upload(text: str | bytes, name: str = "readings.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text, content_type="text/csv")


def table_of(resource: Resource) -> DatastoreTable:
    with scopes_disabled():
        return DatastoreTable.objects.select_related("job").get(resource=resource)


def test_a_csv_upload_is_validated_and_loaded_with_typed_columns(air, env_official, load):
    resource = load(actor=env_official, dataset=air, name="March readings", upload=csv_upload(READINGS))
    table = table_of(resource)
    assert table.status == "active" and table.row_count == 4 and table.errors == []
    assert table.fields == [
        {"id": "station", "type": "text"},
        {"id": "district", "type": "text"},
        {"id": "pm10", "type": "numeric"},
        {"id": "measured_on", "type": "date"},
    ]
    first = DatastoreRow.objects.get(table=table, number=1)
    assert first.data == {"station": "Jongno", "district": "Jongno-gu", "pm10": 41.5, "measured_on": "2024-03-01"}
    assert table.job.status == Job.Status.SUCCEEDED and table.job.result == {"rows": 4, "errors": 0}


def test_ragged_rows_and_a_type_mismatch_are_reported_by_row_and_column_and_nothing_is_loaded(air, env_official, load):
    rows = "".join(f"S{n},District {n},{n}.5,2024-03-01\n" for n in range(40))
    bad = "station,district,pm10,measured_on\n" + rows + "Mapo,Mapo-gu,high,2024-03-02\nShort,Row\n"
    resource = load(actor=env_official, dataset=air, name="Bad readings", upload=csv_upload(bad))
    table = table_of(resource)
    assert table.status == "invalid" and table.row_count == 0 and table.error_count == 3
    assert table.errors[0] == {"row": 42, "column": "pm10", "message": "“high” is not a valid number."}
    assert [(e["row"], e["column"]) for e in table.errors[1:]] == [(43, "pm10"), (43, "measured_on")]
    assert "fewer values" in table.errors[1]["message"]
    assert not DatastoreRow.objects.filter(table=table).exists()


def test_a_broken_encoding_is_refused_with_its_line_and_nothing_is_written(air, env_official, load):
    latin1 = "station,district\nJongno,Jongno-gu\nSéoul,Jung-gu\n".encode("latin-1")
    with pytest.raises(ValidationError) as refused:
        load(actor=env_official, dataset=air, name="Latin-1", upload=csv_upload(latin1))
    assert "not valid UTF-8 text (line 3" in refused.value.message_dict["upload"][0]
    with scopes_disabled():
        assert not Resource.objects.filter(name="Latin-1").exists() and not Attachment.objects.exists()


def _xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def test_an_xlsx_upload_is_loaded(air, env_official, load):
    content = _xlsx([["centre", "beds"], ["Centro de Salud 1", 12], ["Centro de Salud 2", 30]])
    upload = SimpleUploadedFile("centres.xlsx", content)
    table = table_of(load(actor=env_official, dataset=air, name="Centres", upload=upload))
    assert table.status == "active" and table.row_count == 2
    assert table.fields == [{"id": "centre", "type": "text"}, {"id": "beds", "type": "int"}]


def test_a_zip_bomb_spreadsheet_is_refused_before_it_is_opened(air, env_official, load, settings):
    settings.PLAZA_DATASTORE_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (5 * 1024 * 1024))  # compresses to a few kB
    upload = SimpleUploadedFile("bomb.xlsx", content.getvalue())
    with pytest.raises(ValidationError) as refused:
        load(actor=env_official, dataset=air, name="Bomb", upload=upload)
    assert "expands to 5.0\xa0MB when opened" in refused.value.message_dict["upload"][0]
    with scopes_disabled():
        assert not Resource.objects.filter(name="Bomb").exists()


def test_a_too_large_file_is_refused(air, env_official, load, settings):
    settings.PLAZA_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as refused:
        load(actor=env_official, dataset=air, name="Big", upload=csv_upload(READINGS * 5))
    assert "too large" in refused.value.message_dict["upload"][0]
    with scopes_disabled():
        assert not DatastoreTable.objects.exists()


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/readings.csv", "http://10.1.2.3/readings.csv", "http://[::1]/a.csv"]
)
def test_a_link_to_a_private_address_is_refused(air, env_official, load, url):
    with pytest.raises(ValidationError) as refused:
        load(actor=env_official, dataset=air, name="Internal", url=url, format="CSV")
    assert "private or local network" in refused.value.message_dict["url"][0]
    with scopes_disabled():
        assert not Resource.objects.filter(name="Internal").exists()


def test_a_linked_csv_is_fetched_and_loaded(air, env_official, load, live_server, settings, tmp_path):
    settings.PLAZA_DATA_FETCH_ALLOW_PRIVATE = True  # the live server listens on 127.0.0.1
    first = load(actor=env_official, dataset=air, name="Uploaded", upload=csv_upload(READINGS))
    with scopes_disabled():
        url = live_server.url + first.download_url()
    linked = load(actor=env_official, dataset=air, name="Linked", url=url, format="CSV")
    assert table_of(linked).status == "active" and table_of(linked).row_count == 4


def test_ckanapi_drives_datastore_search(live_server, air, env_official, load):
    resource = load(actor=env_official, dataset=air, name="March readings", upload=csv_upload(READINGS))
    ckan = RemoteCKAN(live_server.url + "/paris")
    everything = ckan.action.datastore_search(resource_id=str(resource.uuid))
    assert everything["total"] == 4 and [f["id"] for f in everything["fields"]][:2] == ["_id", "station"]
    assert everything["records"][0] == {
        "_id": 1, "station": "Jongno", "district": "Jongno-gu", "pm10": 41.5, "measured_on": "2024-03-01",
    }  # fmt: skip
    jongno = ckan.action.datastore_search(
        resource_id=str(resource.uuid), filters={"station": "Jongno"}, sort="pm10 desc", fields=["station", "pm10"]
    )
    assert jongno["total"] == 2 and jongno["records"] == [
        {"station": "Jongno", "pm10": 44},
        {"station": "Jongno", "pm10": 41.5},
    ]
    numeric = ckan.action.datastore_search(resource_id=str(resource.uuid), filters={"pm10": "38"})
    assert [r["station"] for r in numeric["records"]] == ["Gangnam"]
    paged = ckan.action.datastore_search(resource_id=str(resource.uuid), limit=2, offset=2, sort="_id asc")
    assert [r["_id"] for r in paged["records"]] == [3, 4] and paged["total"] == 4
    searched = ckan.action.datastore_search(resource_id=str(resource.uuid), q="mapo")
    assert [r["station"] for r in searched["records"]] == ["Mapo"]
    with pytest.raises(CkanValidationError) as refused:
        ckan.action.datastore_search(resource_id=str(resource.uuid), filters={"altitude": 3})
    assert "altitude" in refused.value.error_dict["filters"][0]
    with pytest.raises(NotFound):
        ckan.action.datastore_search(resource_id="00000000-0000-0000-0000-000000000000")


def test_ckanapi_asks_for_an_estimated_total_as_ckan_does(live_server, air, env_official, load):
    resource = load(actor=env_official, dataset=air, name="March readings", upload=csv_upload(READINGS))
    ckan, jongno = RemoteCKAN(live_server.url + "/paris"), {"station": "Jongno"}

    def search(**params):
        return ckan.action.datastore_search(resource_id=str(resource.uuid), **params)

    estimated = search(filters=jongno, total_estimation_threshold=1)
    assert estimated["total_estimation_threshold"] == 1 and len(estimated["records"]) == 2
    if connection.vendor == "postgresql":  # the planner's estimate of the matching rows, never below one
        assert estimated["total_was_estimated"] is True and estimated["total"] >= 1
    else:  # SQLite makes no estimate: the exact count
        assert estimated["total_was_estimated"] is False and estimated["total"] == 2
    exact = search(filters=jongno, total_estimation_threshold=10**9)
    assert exact["total"] == 2 and exact["total_was_estimated"] is False
    counted = search(filters=jongno, total_estimation_threshold=1)
    assert counted["total"] == 2 and counted["total_was_estimated"] is False  # counted once: the kept total is exact
    whole = search(total_estimation_threshold=0)
    assert whole["total"] == 4 and whole["total_was_estimated"] is False  # the table's own count costs nothing
    plain = search()
    assert plain["total_estimation_threshold"] is None and plain["total_was_estimated"] is False
    for wrong in ("many", "2.5", 2.5, [3]):
        with pytest.raises(CkanValidationError) as refused:
            search(total_estimation_threshold=wrong)
        assert refused.value.error_dict["total_estimation_threshold"] == ["Invalid integer"]


def test_a_private_datasets_table_is_not_served_and_the_resource_says_datastore_active(
    client, air, secret_plan, env_official, load
):
    public = load(actor=env_official, dataset=air, name="March readings", upload=csv_upload(READINGS))
    hidden = load(actor=env_official, dataset=secret_plan, name="Noise", upload=csv_upload(READINGS))
    shown = client.get("/paris/api/3/action/resource_show", {"id": str(public.uuid)}).json()["result"]
    assert shown["datastore_active"] is True
    refused = client.get("/paris/api/3/action/datastore_search", {"resource_id": str(hidden.uuid)})
    assert refused.status_code == 404 and refused.json()["error"]["__type"] == "Not Found Error"
    elsewhere = client.get("/madrid/api/3/action/datastore_search", {"resource_id": str(public.uuid)})
    assert elsewhere.status_code == 404
    with scope(jurisdiction=air.jurisdiction):
        assert DatastoreTable.objects.count() == 2
