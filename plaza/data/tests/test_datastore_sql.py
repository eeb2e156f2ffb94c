"""datastore_search_sql: CKAN's SQL action over public datastore tables, and the attacks it must refuse."""
# ruff: noqa: S608 - these tests send SQL built from resource ids on purpose

import json

import pytest
from ckanapi import NotAuthorized, RemoteCKAN
from ckanapi import ValidationError as CkanValidationError
from django.db import connection
from django_scopes import scopes_disabled

from plaza.data import datastore_sql, datastore_text
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
        "SELECT * FROM ts_stat('SELECT to_tsvector(text) FROM data_datastorerow')",
        "SELECT ts_stat('SELECT to_tsvector(text) FROM data_datastorerow')",
        "SELECT ts_rewrite(to_tsquery('a'), 'SELECT * FROM core_user')",
        "SELECT ts_headline('x', to_tsquery('x')) FROM \"{public}\"",
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


FULL_TEXT_QUERIES = [
    ("plainto_tsquery('Jongno')", ["Jongno", "Jongno"]),
    ("to_tsquery('mapo | gangnam')", ["Gangnam", "Mapo"]),
    ("to_tsquery('simple', 'gang:* & !mapo')", ["Gangnam"]),
    ("websearch_to_tsquery('jongno or mapo')", ["Jongno", "Mapo", "Jongno"]),
    ("phraseto_tsquery('mapo gu')", ["Mapo"]),
    ("'gangnam'", ["Gangnam"]),
]


@pytest.mark.parametrize("condition, stations", FULL_TEXT_QUERIES)
def test_full_text_conditions_find_the_rows_ckan_would(client, readings, condition, stations):
    answer = sql(client, f'SELECT station FROM "{readings.uuid}" WHERE _full_text @@ {condition} ORDER BY _id')
    assert answer.status_code == 200, answer.json()
    assert [r["station"] for r in answer.json()["result"]["records"]] == stations


def test_ckanapi_reads_full_text_and_a_broken_tsquery_is_a_validation_error(live_server, readings):
    ckan, table = RemoteCKAN(live_server.url + "/paris"), f'"{readings.uuid}"'
    found = ckan.action.datastore_search_sql(sql=f"SELECT _id, station FROM {table} t WHERE t._full_text @@ 'mapo'")
    assert found["records"] == [{"_id": 3, "station": "Mapo"}]
    plain = ckan.action.datastore_search_sql(sql=f"SELECT * FROM {table} WHERE _id = 1")
    assert [f["id"] for f in plain["fields"]] == ["_id", "station", "district", "pm10", "measured_on"]  # not asked
    shown = ckan.action.datastore_search_sql(sql=f"SELECT _full_text FROM {table} WHERE _id = 3")
    assert "mapo" in shown["records"][0]["_full_text"]
    with pytest.raises(CkanValidationError) as refused:
        ckan.action.datastore_search_sql(sql=f"SELECT * FROM {table} WHERE _full_text @@ to_tsquery('mapo &')")
    assert "tsquery" in refused.value.error_dict["query"][0].lower()
    with pytest.raises(CkanValidationError) as refused:  # a tsquery made from the rows: broken only when run
        ckan.action.datastore_search_sql(sql=f"SELECT * FROM {table} WHERE _full_text @@ to_tsquery(station || ' &')")
    assert "tsquery" in refused.value.error_dict["query"][0].lower()
    with pytest.raises(NotAuthorized):
        ckan.action.datastore_search_sql(sql=f"SELECT * FROM {table} WHERE _full_text @@ ts_stat('SELECT 1')")


def test_ranking_by_full_text_is_postgresqls_and_sqlite_says_so(client, readings):
    ranked = sql(
        client,
        f"SELECT station, ts_rank(_full_text, plainto_tsquery('jongno')) AS rank FROM \"{readings.uuid}\" "
        "WHERE _full_text @@ plainto_tsquery('jongno') ORDER BY rank DESC, _id",
    )
    if connection.vendor == "postgresql":
        assert [r["station"] for r in ranked.json()["result"]["records"]] == ["Jongno", "Jongno"]
        assert {f["id"]: f["type"] for f in ranked.json()["result"]["fields"]}["rank"] == "float4"
    else:
        assert ranked.status_code == 409
        assert ranked.json()["error"]["query"] == ["ts_rank needs PostgreSQL: this portal's database is SQLite."]


@pytest.fixture
def stations(air, env_official, load):  # noqa: F811
    """400 rows, one of them in Mapo: a selective full-text condition over a table worth an index."""
    lines = ["station,district,pm10"] + [f"Station {n},Jongno-gu,{n}" for n in range(1, 400)] + ["Mapo,Mapo-gu,7"]
    return load(actor=env_official, dataset=air, name="Stations", upload=csv_upload("\n".join(lines) + "\n"))


def test_a_full_text_condition_is_served_by_the_gin_index(client, stations):
    query = f"SELECT _id, station FROM \"{stations.uuid}\" WHERE _full_text @@ plainto_tsquery('mapo')"
    answer = sql(client, query)
    assert answer.json()["result"]["records"] == [{"_id": 400, "station": "Mapo"}]
    if connection.vendor != "postgresql":
        return  # SQLite reads each row's text: it has no index for it
    with scopes_disabled():
        tables = {str(stations.uuid): DatastoreTable.objects.get(resource=stations)}
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'data_datastore_row_full_text'")
        assert "gin" in cursor.fetchone()[0].lower()
        cursor.execute("ANALYZE data_datastorerow")  # the table's statistics, as autovacuum keeps them
        cursor.execute("SET LOCAL enable_seqscan = off")  # on a small table the planner would rather scan
        cursor.execute("SET LOCAL enable_indexscan = off")  # nor walk the (table, number) index row by row
    # The query as datastore_search_sql runs it: rewritten, under the reader role, read-only.
    rewritten = datastore_sql.rewrite(datastore_sql.parse(query), tables, "postgresql")
    plan = "\n".join(r["QUERY PLAN"] for r in datastore_sql.run(f"EXPLAIN {rewritten}", tables).records)
    assert "Bitmap Index Scan on data_datastore_row_full_text" in plan, plan


@pytest.mark.parametrize(
    "document, maker, text, expected",
    [
        ("jongno jongno-gu 41.5", "plainto_tsquery", "Jongno", True),
        ("jongno jongno-gu 41.5", "plainto_tsquery", "jongno gangnam", False),
        ("jongno jongno-gu 41.5", "to_tsquery", "jon:*", True),
        ("jongno jongno-gu 41.5", "to_tsquery", "!(mapo | gangnam) & jongno", True),
        ("seoul city hall station", "to_tsquery", "city <2> station", True),
        ("seoul city hall station", "to_tsquery", "city <2> hall", False),
        ("seoul city hall station", "to_tsquery", "city <-> hall", True),
        ("seoul city hall station", "to_tsquery", "(city | seoul) <-> hall", True),
        ("seoul city hall station", "phraseto_tsquery", "hall city", False),
        ("seoul city hall station", "websearch_to_tsquery", '"city hall" -busan', True),
        ("seoul city hall station", "websearch_to_tsquery", "busan or seoul", True),
        ("seoul city hall station", "websearch_to_tsquery", "seoul -hall", False),
        ("seoul city hall station", "plainto_tsquery", "", False),
    ],
)
def test_sqlites_full_text_matches_as_postgresql_does(document, maker, text, expected):
    """SQLite's `_full_text` (`datastore_text`) against the cases' answers; on PostgreSQL, PostgreSQL's own."""
    assert datastore_text.matches(document, datastore_text.tsquery(maker, text)) is expected
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT to_tsvector('simple', %s) @@ {maker}('simple', %s)", [document, text])
            assert cursor.fetchone()[0] is expected
