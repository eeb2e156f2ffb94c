"""Open data benchmark: the CKAN API of a Seoul-sized portal under concurrent load, and CSV ingestion speed.

It makes its own database (PostgreSQL by default), migrates it, writes a portal of 4,500 public
datasets with 20,000 resources (ten organisations, 13 themes, keywords, all search-indexed), loads a
1,000,000-row CSV through the real datastore loader (frictionless validation + inserts: the ingestion
figure), then serves Plaza with gunicorn and sends N concurrent clients at each target. The reference,
measured in the same run, is /healthz. `--tiny` (SQLite) shrinks the portal to a smoke run.

Run it through `make bench` (benchmarks/run.py --only data), or alone with `--json out.json`.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_pages as pages  # noqa: E402 - the server, load and database helpers are shared

DISTRICTS = [
    "Jongno-gu", "Jung-gu", "Yongsan-gu", "Seongdong-gu", "Gwangjin-gu", "Dongdaemun-gu", "Jungnang-gu",
    "Seongbuk-gu", "Gangbuk-gu", "Dobong-gu", "Nowon-gu", "Eunpyeong-gu", "Seodaemun-gu", "Mapo-gu",
    "Yangcheon-gu", "Gangseo-gu", "Guro-gu", "Geumcheon-gu", "Yeongdeungpo-gu", "Dongjak-gu", "Gwanak-gu",
    "Seocho-gu", "Gangnam-gu", "Songpa-gu", "Gangdong-gu",
]  # fmt: skip
WORDS = ["air", "subway", "bus", "parks", "water", "noise", "health", "schools", "budget", "housing", "wifi", "bike"]
FORMATS = ["CSV", "JSON", "XLSX", "GEOJSON", "PDF"]


def log(message: str) -> None:
    print(f"[bench_data] {message}", file=sys.stderr, flush=True)


def sizes(database_url: str) -> dict[str, int]:
    small = database_url.startswith("sqlite")
    env = os.environ.get
    return {
        "datasets": int(env("BENCH_DATA_DATASETS", "200" if small else "4500")),
        "resources": int(env("BENCH_DATA_RESOURCES", "800" if small else "20000")),
        "rows": int(env("BENCH_DATA_ROWS", "20000" if small else "1000000")),
    }


def build_portal(size: dict[str, int]) -> None:
    """Seoul's portal written in bulk (the operations would take an hour; the rows are what matters)."""
    from django.db import connection

    from plaza.core.models import Jurisdiction
    from plaza.core.search import index_object
    from plaza.data.models import Dataset, DatasetKeyword, DatasetTheme, Organization, Resource
    from plaza.data.queries import with_details
    from plaza.data.vocabularies import Theme

    rng = random.Random(7)
    started = time.monotonic()
    seoul = Jurisdiction.objects.create(slug="seoul", name="Seoul", time_zone="Asia/Seoul")
    organizations = Organization.objects.bulk_create(
        [Organization(jurisdiction=seoul, name=f"office-{n}", title=f"Office {n}") for n in range(10)]
    )
    datasets = Dataset.objects.bulk_create(
        [
            Dataset(
                jurisdiction=seoul,
                name=f"dataset-{n}",
                title=f"{rng.choice(WORDS).title()} data {n}",
                description=f"Measurements of {rng.choice(WORDS)} and {rng.choice(WORDS)} in {rng.choice(DISTRICTS)}.",
                organization=rng.choice(organizations),
                state="public",
                licence_id=rng.choice(["cc-by-4.0", "kogl-type1"]),
                contact_name="Seoul Open Data Plaza",
                contact_email="opendata@seoul.example",
            )  # fmt: skip
            for n in range(size["datasets"])
        ],
        batch_size=1000,
    )
    themes = list(Theme.values)
    DatasetTheme.objects.bulk_create(
        [DatasetTheme(jurisdiction=seoul, dataset=d, code=c) for d in datasets for c in rng.sample(themes, 2)],
        batch_size=2000,
    )
    DatasetKeyword.objects.bulk_create(
        [DatasetKeyword(jurisdiction=seoul, dataset=d, name=w) for d in datasets for w in rng.sample(WORDS, 3)],
        batch_size=2000,
    )
    Resource.objects.bulk_create(
        [
            Resource(
                jurisdiction=seoul,
                dataset=datasets[n % len(datasets)],
                name=f"Resource {n}",
                format=rng.choice(FORMATS),
                url=f"https://files.seoul.example/{n}.csv",
                position=n // len(datasets),
            )  # fmt: skip
            for n in range(size["resources"])
        ],
        batch_size=2000,
    )
    from django_scopes import scopes_disabled

    with scopes_disabled():
        for dataset in with_details(Dataset.objects.filter(jurisdiction=seoul)).iterator(chunk_size=500):
            index_object(dataset)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    log(f"portal of {size['datasets']} datasets and {size['resources']} resources written in "
        f"{time.monotonic() - started:.1f} s")  # fmt: skip


def ingest(rows: int) -> tuple[str, float]:
    """Load a generated CSV of `rows` rows through the datastore loader; the resource id and rows/s."""
    from django.db import connection
    from django_scopes import scopes_disabled

    from plaza.data import datastore
    from plaza.data.models import Dataset, DatastoreTable, Resource

    rng = random.Random(11)
    lines = ["station_id,district,hour,boardings,alightings,measured_on"]
    lines += [
        f"{n},{DISTRICTS[n % 25]},{n % 24},{rng.randint(0, 9000)},{rng.randint(0, 9000)},2026-0{1 + n % 9}-1{n % 10}"
        for n in range(1, rows + 1)
    ]
    content = ("\n".join(lines) + "\n").encode()
    with scopes_disabled():
        dataset = Dataset.objects.get(name="dataset-0")
        resource = Resource.objects.create(
            jurisdiction=dataset.jurisdiction, dataset=dataset, name="Subway ridership", format="CSV",
            url="https://files.seoul.example/ridership.csv", position=99,
        )  # fmt: skip
        table = DatastoreTable.objects.create(jurisdiction=dataset.jurisdiction, resource=resource)
        started = time.monotonic()
        outcome = datastore.load_rows(table, content, "CSV", lambda loaded: None)
        datastore.finish_load(table, outcome)
        elapsed = time.monotonic() - started
    if outcome.error_count or outcome.rows != rows:
        raise SystemExit(f"The CSV did not load: {outcome.errors[:3]}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE data_datastorerow")
    log(f"{rows} rows ingested in {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s)")
    return str(resource.uuid), rows / elapsed


def targets(resource_id: str) -> list[tuple[str, str, bool]]:
    facets = json.dumps(["organization", "groups", "res_format", "license_id", "tags"])
    search = "/seoul/api/3/action/package_search?"
    datastore = f"/seoul/api/3/action/datastore_search?resource_id={resource_id}&limit=10&filters="
    return [
        ("/healthz", "/healthz (reference)", True),
        (search + urlencode({"facet.field": facets, "rows": 10}), "package_search, 5 facets", False),
        (
            search + urlencode({"facet.field": facets, "rows": 10, "fq": 'groups:envi res_format:"CSV"'}),
            "package_search, fq + 5 facets",
            False,
        ),
        (datastore + quote(json.dumps({"station_id": 424242})), "datastore_search, filter 1 row", False),
        (
            datastore + quote(json.dumps({"district": "Mapo-gu", "hour": 8})),
            "datastore_search, filter ~1,700 rows",
            False,
        ),
        # Last: a slow target would leave a queue of requests that the next target's first seconds inherit.
        (search + urlencode({"q": "subway", "rows": 10}), "package_search, q=subway", False),
    ]


def service_times(paths: list[str], repeats: int = 20) -> dict[str, float]:
    """p95 ms of one client asking in turn, in-process (no queueing behind other clients: the service time)."""
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    found = {}
    for path in paths:
        client.get(path)
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - started)
        found[path] = pages.percentile(sorted(times), 0.95) * 1000
    connection.close()
    return found


def run(config: pages.Config) -> dict:
    size = sizes(config.database_url)
    with tempfile.TemporaryDirectory(prefix="plaza-bench-data-") as tmp:
        env = pages.server_environment(config, Path(tmp))
        os.environ.update(env)
        pages.create_database(config.database_url)
        try:
            import django
            from django.core.management import call_command

            django.setup()
            call_command("migrate", interactive=False, verbosity=0)
            build_portal(size)
            resource_id, rows_per_second = ingest(size["rows"])
            chosen = targets(resource_id)
            pages.TARGETS = tuple(chosen)
            queries = pages.count_queries([path for path, _label, _ref in chosen])
            alone = service_times([path for path, _label, _ref in chosen])
            with pages.gunicorn(config, env) as (server, base):
                rows = pages.measure(server, base, config, queries)
                rss_total = sum(pages.worker_rss(server))
        finally:
            from django.db import connections

            connections.close_all()
            pages.drop_database(config.database_url)
    database = pages.server_version(config.database_url)
    return {
        "title": "open data portal: CKAN API under load, datastore ingestion",
        "config": [
            *pages.describe(config, database, rss_total),
            f"portal: {size['datasets']:,} public datasets, {size['resources']:,} resources, one datastore table "
            f"of {size['rows']:,} rows (JSON rows, GIN jsonb_path_ops index on PostgreSQL)",
            f"CSV ingestion (frictionless validation + COPY on PostgreSQL, one process): {rows_per_second:,.0f} rows/s",
        ],
        "columns": pages.COLUMNS,
        "rows": rows,
        "ratio_of": ["rps", "p50_ms", "p95_ms"],
        "notes": [
            "one client alone, in-process, p95 of 20 requests: "
            + "; ".join(f"{label} {alone[path]:.1f} ms" for path, label, _ref in chosen),
            "package_search facets: organization, groups (themes), res_format, license_id, tags, counted in SQL once "
            "per catalogue change and cached with the count; each dataset's CKAN dict cached under its modified_at.",
            "datastore_search filters use JSON containment (data @> {...}) served by the GIN index; the exact total is "
            "counted once per table load and filter, then cached.",
            "With more clients than workers the server is saturated: latency is mostly queueing.",
            pages.SERVER_NOTE,
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, required=True, help="write the result here")
    args = parser.parse_args()
    result = run(pages.Config.from_env())
    args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
