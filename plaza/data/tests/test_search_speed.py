"""package_search and the catalogue page: facets counted once, cached under a stamp any catalogue write moves."""

import json
import re
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from plaza.data.operations import DatasetFields, update_dataset

pytestmark = pytest.mark.django_db
FACETED = {"facet.field": json.dumps(["organization", "groups", "res_format", "license_id", "tags"]), "rows": 10}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def search(client, path="/paris/api/3/action/package_search", **params):
    with CaptureQueriesContext(connection) as queries:
        body = client.get(path, {**FACETED, **params}).json()
    assert body["success"] is True, body
    return body["result"], len(queries.captured_queries)


def test_facets_are_counted_once_then_served_from_the_cache(client, air, metro, secret_plan):
    cold, cold_queries = search(client)
    warm, warm_queries = search(client)
    assert warm == cold and cold["facets"]["tags"] == {"air": 1, "pm10": 1, "metro": 1}
    # Pinned: warm, the jurisdiction, the stamp and the page's (id, modified_at); cold adds six facet queries
    # (five counts + organisation names), the count, and the page's datasets with their three prefetches.
    assert cold_queries == warm_queries + 11
    assert warm_queries <= 3
    filtered, _ = search(client, fq="organization:transport")
    assert filtered["facets"]["tags"] == {"metro": 1} and filtered["count"] == 1  # its own entry, not the first


def test_a_published_change_is_counted_at_once(client, air, metro, env_official, environment):
    before, _ = search(client)
    assert before["facets"]["tags"]["pm10"] == 1
    fields = DatasetFields(
        name="air-quality", title="Air quality stations", description="Hourly fine dust.", organization=environment,
        licence_id="cc-by-4.0", contact_name="Air", contact_email="air@paris.example", state="public",
        themes=["ENVI"], keywords=["air", "pm25"], temporal_start=date(2024, 1, 1), spatial="Paris", frequency="ANNUAL",
        sdg_goals=[],
    )  # fmt: skip
    with scopes_disabled():
        update_dataset(actor=env_official, dataset=air, fields=fields)
    after, _ = search(client)
    assert "pm10" not in after["facets"]["tags"] and after["facets"]["tags"]["pm25"] == 1
    with scopes_disabled():
        update_dataset(actor=env_official, dataset=air, fields=DatasetFields(**{**fields.__dict__, "state": "private"}))
    hidden, _ = search(client)
    assert hidden["count"] == 1 and "pm25" not in hidden["facets"]["tags"]


def test_the_cache_never_shows_an_organisations_private_datasets_to_others(client, air, secret_plan, env_official):
    client.force_login(env_official)
    mine = client.get("/paris/data/").content.decode()
    client.logout()
    public = client.get("/paris/data/").content.decode()
    assert "Noise survey draft" in mine and "Noise survey draft" not in public
    official_counts = mine.count("(2)") + mine.count(">2<")
    assert official_counts >= public.count("(2)") + public.count(">2<")


def test_the_network_search_counts_every_active_jurisdiction(client, air, madrid):
    from plaza.data.tests.factories import DatasetFactory, OrganizationFactory

    first, _ = search(client, path="/api/3/action/package_search")
    with scopes_disabled():
        DatasetFactory(organization=OrganizationFactory(jurisdiction=madrid, name="movilidad"), keywords=["bici"])
    second, _ = search(client, path="/api/3/action/package_search")
    assert first["count"] == 1 and second["count"] == 2 and second["facets"]["tags"].get("bici") == 1


def test_a_cached_package_changes_with_its_dataset_and_its_datastore(
    client, air, env_official, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from plaza.data.operations import add_resource

    with django_capture_on_commit_callbacks(execute=False) as waiting:  # the load job waits: table not active yet
        resource = add_resource(
            actor=env_official, dataset=air, name="Readings",
            upload=SimpleUploadedFile("r.csv", b"station,pm10\nJongno,41\n", content_type="text/csv"),
        )  # fmt: skip
    before, _ = search(client)
    shown = {r["id"]: r for r in before["results"][0]["resources"]}
    assert shown[str(resource.uuid)]["datastore_active"] is False
    with django_capture_on_commit_callbacks(execute=True):
        for run_job in waiting:
            run_job()  # the table turns active: its dataset's modified_at moves, so the cached dict is not read
    after, _ = search(client)
    shown = {r["id"]: r for r in after["results"][0]["resources"]}
    assert shown[str(resource.uuid)]["datastore_active"] is True
    again, queries = search(client)
    assert again == after and queries <= 3  # served from the cache again


def test_a_datastore_total_is_counted_once_per_load_of_the_table(
    client, air, env_official, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from plaza.data.operations import add_resource, queue_datastore_load

    content = b"station,pm10\nJongno,41\nMapo,52\nJongno,44\n"
    with django_capture_on_commit_callbacks(execute=True):
        resource = add_resource(
            actor=env_official, dataset=air, name="Readings",
            upload=SimpleUploadedFile("r.csv", content, content_type="text/csv"),
        )  # fmt: skip
    params = {"resource_id": str(resource.uuid), "filters": json.dumps({"station": "Jongno"}), "limit": 1}

    def ask():
        with CaptureQueriesContext(connection) as queries:
            body = client.get("/paris/api/3/action/datastore_search", params).json()["result"]
        return body["total"], [q["sql"] for q in queries.captured_queries]

    (first, counted), (again, kept) = ask(), ask()
    assert first == again == 2
    assert len(kept) == len(counted) - 1 and not any("COUNT(" in sql for sql in kept)
    with django_capture_on_commit_callbacks(execute=True), scopes_disabled():
        queue_datastore_load(actor=env_official, resource=resource)  # loaded again: loaded_at moves
    reloaded, recounted = ask()
    assert reloaded == 2 and any("COUNT(" in sql for sql in recounted)


def test_an_estimated_total_reads_the_plan_instead_of_counting(
    client, air, env_official, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from plaza.data.operations import add_resource

    content = b"station,pm10\nJongno,41\nMapo,52\nJongno,44\n"
    with django_capture_on_commit_callbacks(execute=True):
        resource = add_resource(
            actor=env_official, dataset=air, name="Readings",
            upload=SimpleUploadedFile("r.csv", content, content_type="text/csv"),
        )  # fmt: skip

    def ask(**params):
        with CaptureQueriesContext(connection) as queries:
            body = client.get(
                "/paris/api/3/action/datastore_search", {"resource_id": str(resource.uuid), "limit": 1, **params}
            ).json()["result"]
        return body, [q["sql"] for q in queries.captured_queries]

    (estimated, planned), (exact, counted) = ask(q="jongno", total_estimation_threshold="1"), ask(q="mapo")
    assert exact["total"] == 1 and exact["total_was_estimated"] is False and any("COUNT(" in s for s in counted)
    if connection.vendor == "postgresql":
        assert estimated["total_was_estimated"] is True and estimated["total"] >= 1
        assert any(s.startswith("EXPLAIN") for s in planned) and not any("COUNT(" in s for s in planned)
    else:
        assert estimated["total_was_estimated"] is False and estimated["total"] == 2
    assert len(planned) == len(counted)  # the estimate takes the count's place, one statement for one


def test_words_rank_titles_first_keep_the_filters_and_send_no_list_of_ids(client, air, metro, secret_plan, environment):
    from plaza.data.tests.factories import DatasetFactory

    with scopes_disabled():
        for n in range(40):
            DatasetFactory(organization=environment, title=f"Readings {n}", description="Fine dust, hourly.")
        DatasetFactory(organization=environment, title="Dust map", description="Where dust falls.", keywords=["map"])
        DatasetFactory(organization=environment, title="Dust draft", description="Dust.", state="private")
    with CaptureQueriesContext(connection) as captured:
        body = client.get("/paris/api/3/action/package_search", {"q": "dust", "rows": 5}).json()["result"]
    assert body["count"] == 42  # the 40, the map and the air stations; never the private draft
    assert body["results"][0]["title"] == "Dust map"  # the word in the title ranks first
    id_lists = [m.count(",") + 1 for q in captured.captured_queries for m in re.findall(r"IN \(([0-9, ]+)\)", q["sql"])]
    assert max(id_lists, default=0) <= 5  # the page's ids at most: the matches stay in the database
    faceted, _ = search(client, q="dust", fq="tags:map")
    assert faceted["count"] == 1 and [r["title"] for r in faceted["results"]] == ["Dust map"]
    paged = client.get("/paris/api/3/action/package_search", {"q": "dust", "rows": 5, "start": 40}).json()["result"]
    assert paged["count"] == 42 and len(paged["results"]) == 2
