"""datastore_search_sql: CKAN's SQL action over public datastore tables, and the attacks it must refuse."""
# ruff: noqa: S608 - these tests send SQL built from resource ids on purpose

import json

import pytest
from ckanapi import NotAuthorized, RemoteCKAN
from ckanapi import ValidationError as CkanValidationError
from django.db import connection
from django_scopes import scopes_disabled

from plaza.data import datastore_sql
from plaza.data.models import DatastoreRow, DatastoreTable
from plaza.data.tests.test_datastore import READINGS, csv_upload, load  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def readings(air, env_official, load):  # noqa: F811
    return load(actor=env_official, dataset=air, name="March readings", upload=csv_upload(READINGS))


@pytest.fixture
def hidden(secret_plan, env_official, load):  # noqa: F811
    return load(actor=env_official, dataset=secret_plan, name="Noise", upload=csv_upload(READINGS))


def sql(client, query: str, path: str = "/paris/api/3/action/datastore_search_sql"):
    return client.post(path, data=json.dumps({"sql": query}), content_type="application/json")


def rows_kept() -> int:
    with scopes_disabled():
        return DatastoreRow.objects.count()


def test_ckanapi_drives_datastore_search_sql(live_server, readings):
    ckan = RemoteCKAN(live_server.url + "/paris")
    table = f'"{readings.uuid}"'
    query = f"SELECT station, pm10 FROM {table} WHERE district = 'Jongno-gu' ORDER BY pm10 DESC"
    found = ckan.action.datastore_search_sql(sql=query)
    assert found["sql"] == query
    assert found["records"] == [{"station": "Jongno", "pm10": 44}, {"station": "Jongno", "pm10": 41.5}]
    assert [f["id"] for f in found["fields"]] == ["station", "pm10"]
    assert "records_truncated" not in found
    grouped = ckan.action.datastore_search_sql(
        sql=f"SELECT station, count(*) AS n, max(measured_on) AS last FROM {table} t "
        "GROUP BY t.station ORDER BY n DESC, station"
    )
    assert grouped["records"][0] == {"station": "Jongno", "n": 2, "last": "2024-03-02"}
    assert {f["id"]: f["type"] for f in grouped["fields"]}["n"] in {"int8", "int4"}
    with_id = ckan.action.datastore_search_sql(sql=f"SELECT _id FROM {table} WHERE pm10 > 45")
    assert with_id["records"] == [{"_id": 3}]
    with pytest.raises(NotAuthorized):
        ckan.action.datastore_search_sql(sql="SELECT * FROM core_user")
    with pytest.raises(CkanValidationError) as refused:
        ckan.action.datastore_search_sql(sql=f"DELETE FROM {table}")
    assert refused.value.error_dict["query"] == ["Only SELECT queries are allowed."]


def test_the_network_api_reads_every_jurisdictions_public_tables(client, readings, madrid):
    found = sql(client, f'SELECT count(*) AS n FROM "{readings.uuid}"', "/api/3/action/datastore_search_sql")
    assert found.status_code == 200 and found.json()["result"]["records"] == [{"n": 4}]
    elsewhere = sql(client, f'SELECT count(*) AS n FROM "{readings.uuid}"', "/madrid/api/3/action/datastore_search_sql")
    assert elsewhere.status_code == 403


def test_a_private_datasets_table_answers_like_an_unknown_one(client, readings, hidden):
    private = sql(client, f'SELECT * FROM "{hidden.uuid}"')
    unknown = sql(client, 'SELECT * FROM "00000000-0000-0000-0000-000000000000"')
    assert private.status_code == unknown.status_code == 403
    assert private.json()["error"]["__type"] == "Authorization Error"
    assert private.json()["error"]["message"] == f"Not authorized to read resource “{hidden.uuid}”."
    joined = sql(client, f'SELECT a.station FROM "{readings.uuid}" a JOIN "{hidden.uuid}" b ON a._id = b._id')
    assert joined.status_code == 403
    nested = sql(client, f'SELECT * FROM "{readings.uuid}" WHERE _id IN (SELECT _id FROM "{hidden.uuid}")')
    assert nested.status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM core_user",
        "SELECT * FROM auth_permission",
        "SELECT * FROM data_datastorerow",
        'SELECT * FROM "{public}" JOIN data_dataset ON true',
        "SELECT * FROM pg_catalog.pg_authid",
        "SELECT * FROM pg_user",
        "SELECT * FROM sqlite_master",
        "SELECT * FROM main.data_datastorerow",
        "SELECT * FROM information_schema.tables",
        "SELECT pg_read_file('/etc/passwd')",
        "SELECT * FROM pg_ls_dir('.')",
        "SELECT lo_import('/etc/passwd')",
        "SELECT current_setting('data_directory')",
        "SELECT pg_sleep(10)",
        "SELECT load_extension('/tmp/evil')",
        "SELECT * FROM generate_series(1, 10)",
        "SELECT query_to_xml('select * from core_user', true, true, '')",
    ],
)
def test_other_tables_system_tables_and_dangerous_functions_are_refused(client, readings, query):
    answer = sql(client, query.format(public=readings.uuid))
    assert answer.status_code == 403, answer.json()
    assert answer.json()["error"]["__type"] == "Authorization Error"


@pytest.mark.parametrize(
    "query, message",
    [
        ('DELETE FROM "{public}"', "Only SELECT queries are allowed."),
        ("UPDATE \"{public}\" SET station = 'x'", "Only SELECT queries are allowed."),
        ("INSERT INTO \"{public}\" (station) VALUES ('x')", "Only SELECT queries are allowed."),
        ('DROP TABLE "{public}"', "Only SELECT queries are allowed."),
        ("TRUNCATE data_datastorerow", "Only SELECT queries are allowed."),
        ('WITH gone AS (DELETE FROM "{public}" RETURNING *) SELECT * FROM gone', "Only SELECT queries are allowed."),
        ('SELECT * INTO stolen FROM "{public}"', "Only SELECT queries are allowed."),
        ('SELECT * FROM "{public}" FOR UPDATE', "Only SELECT queries are allowed."),
        ("COPY data_datastorerow TO '/tmp/out'", "Only SELECT queries are allowed."),
        ("SET statement_timeout = 0", "Only SELECT queries are allowed."),
        ('SELECT 1; DELETE FROM "{public}"', "Query is not a single statement."),
        ('SELECT * FROM "{public}" /* */; DROP TABLE data_datastorerow', "Query is not a single statement."),
        ('SELECT * FROM "{public}" WHERE station = $1', "Only SELECT queries are allowed."),
        ("SELECT 'pg_authid'::regclass FROM \"{public}\"", "Cannot convert to REGCLASS."),
    ],
)
def test_writes_multiple_statements_and_parameters_are_refused_and_nothing_changes(client, readings, query, message):
    before = rows_kept()
    answer = sql(client, query.format(public=readings.uuid))
    assert answer.status_code == 409, answer.json()
    assert answer.json()["error"] == {"__type": "Validation Error", "query": [message]}
    assert rows_kept() == before


@pytest.mark.parametrize("query", ["ATTACH DATABASE '/tmp/evil.sqlite3' AS evil", "PRAGMA writable_schema = 1"])
def test_attach_and_pragmas_are_refused(client, readings, query):
    answer = sql(client, query)
    assert answer.status_code == 409 and answer.json()["success"] is False


def test_comments_and_quoting_tricks_stay_data(client, readings):
    table = f'"{readings.uuid}"'
    commented = sql(client, f"SELECT station FROM {table} -- ; DELETE FROM {table}\nWHERE _id = 1")
    assert commented.status_code == 200 and commented.json()["result"]["records"] == [{"station": "Jongno"}]
    trick = "'\"; DROP TABLE data_datastorerow; --'"
    quoted = sql(client, f"SELECT {trick} AS x, '{readings.uuid}' AS y FROM {table} LIMIT 1")
    assert quoted.json()["result"]["records"] == [{"x": '"; DROP TABLE data_datastorerow; --', "y": str(readings.uuid)}]
    aliased = sql(client, f'SELECT "pg_x".station FROM {table} AS "pg_x" WHERE "pg_x"._id = 2')
    assert aliased.json()["result"]["records"] == [{"station": "Gangnam"}]
    cte = sql(client, f"WITH core_user AS (SELECT station FROM {table}) SELECT count(*) AS n FROM core_user")
    assert cte.json()["result"]["records"] == [{"n": 4}]
    assert rows_kept() == 4


def test_a_syntax_error_and_a_missing_sql_answer_validation_errors(client, readings):
    broken = sql(client, f'SELECT FROM WHERE "{readings.uuid}" (')
    assert broken.status_code == 409 and list(broken.json()["error"]) == ["__type", "query"]
    missing = client.get("/paris/api/3/action/datastore_search_sql")
    assert missing.status_code == 409 and missing.json()["error"]["sql"] == ["Missing value"]
    unknown_column = sql(client, f'SELECT altitude FROM "{readings.uuid}"')
    assert unknown_column.status_code == 409 and "altitude" in unknown_column.json()["error"]["query"][0]


def test_rows_beyond_the_limit_are_cut_and_said_so(client, readings, settings):
    settings.PLAZA_DATASTORE_SQL_MAX_ROWS = 3
    answer = sql(client, f'SELECT _id FROM "{readings.uuid}" ORDER BY _id').json()["result"]
    assert answer["records"] == [{"_id": 1}, {"_id": 2}, {"_id": 3}] and answer["records_truncated"] is True


def test_a_query_that_runs_too_long_is_stopped(client, readings, settings):
    settings.PLAZA_DATASTORE_SQL_TIMEOUT_MS = 200
    endless = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT count(*) AS n FROM c"
    answer = sql(client, endless)
    assert answer.status_code == 409 and answer.json()["error"]["query"] == ["Query took too long"]
    after = sql(client, f'SELECT count(*) AS n FROM "{readings.uuid}"')  # the connection is usable again
    assert after.json()["result"]["records"] == [{"n": 4}]


@pytest.mark.parametrize(
    "raw",
    [
        "DELETE FROM data_datastorerow",
        "UPDATE data_datastorerow SET data = data",
        "SELECT * FROM core_user",
        "SELECT id FROM data_datastoretable",
    ],
)
def test_the_database_refuses_what_the_parser_would_have_let_through(readings, raw):
    """The second line: a statement run as datastore_search_sql runs it, without the parser's checks."""
    with pytest.raises(datastore_sql.SqlRefused) as refused:
        datastore_sql.run(raw, {})
    assert refused.value.kind == "authorization"
    assert rows_kept() == 4
    with scopes_disabled():
        assert DatastoreTable.objects.count() == 1


def test_the_database_refuses_file_reads_and_unlisted_functions(readings):
    raw = "SELECT pg_read_file('/etc/hostname')" if connection.vendor == "postgresql" else "SELECT hex(1)"
    with pytest.raises(datastore_sql.SqlRefused) as refused:
        datastore_sql.run(raw, {})
    assert refused.value.kind == "authorization"


@pytest.mark.parametrize(
    "query, read",
    [
        ("WITH core_user AS (SELECT * FROM core_user) SELECT * FROM core_user", {"core_user"}),
        ("SELECT * FROM (WITH core_user AS (SELECT 1) SELECT * FROM core_user) AS x, core_user", {"core_user"}),
        ("WITH a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a", {"b"}),
        ("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT * FROM c", set()),
        ("WITH a AS (SELECT 1), b AS (SELECT * FROM a) SELECT * FROM b, t", {"t"}),
    ],
)
def test_with_names_are_scoped_as_postgresql_scopes_them(query, read):
    """The parser's own line: a WITH name hides a table only where PostgreSQL would resolve it to the WITH."""
    assert datastore_sql.table_names(datastore_sql.parse(query)) == read
