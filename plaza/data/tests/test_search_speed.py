"""package_search and the catalogue page: facets counted once, cached under a stamp any catalogue write moves."""

import json
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
    # Pinned: the stamp, six facet queries (organisation labels + five counts), the page and its prefetches, the count.
    assert cold_queries == warm_queries + 6
    assert warm_queries <= 8
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
