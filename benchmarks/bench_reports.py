"""Civic reports benchmark: one jurisdiction with BENCH_REPORTS reports (1,000,000 by default) on a real gunicorn.

It makes its own database (PostgreSQL by default; `--tiny` runs SQLite with a few thousand), migrates
it, creates one jurisdiction ("bench") with categories, 25 districts and an Open311 api_key, fills
the reports table in bulk (SQL `generate_series` on PostgreSQL) with their aggregates, then measures
under BENCH_CLIENTS concurrent clients: the list and map page (plain and filtered), a report page,
the dashboard, Open311 `requests.json` with filters, and report creation through HTTP (Open311 POST
with the api_key), against /healthz measured in the same run.

Run it through `make bench` (benchmarks/run.py), or alone with `--json out.json`.
"""

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_pages as pages  # noqa: E402 - the shared server, database and load helpers
import load as load_generator  # noqa: E402

# Reports created through HTTP when wrk sends them (each once; the Python client runs for BENCH_DURATION instead).
CREATED = int(os.environ.get("BENCH_REPORTS_CREATED", "6000"))

SLUG = "bench"
CATEGORIES = [
    ("pothole", "Pothole", "Road Management", 24, 168),
    ("streetlight", "Streetlight out", "Road Management", 48, 240),
    ("illegal-dumping", "Illegal dumping", "Clean Environment", 24, 72),
    ("graffiti", "Graffiti", "Clean Environment", 72, 336),
    ("illegal-parking", "Illegal parking", "Transportation", 2, 24),
]
GRID = 5  # 5 x 5 districts over Seoul
WEST, SOUTH, STEP_LON, STEP_LAT = 126.85, 37.45, 0.05, 0.03


def log(message: str) -> None:
    print(f"[bench_reports] {message}", file=sys.stderr, flush=True)


def report_count(tiny: bool) -> int:
    return int(os.environ.get("BENCH_REPORTS", "3000" if tiny else "1000000"))


def _box(col: int, row: int) -> dict:
    west, south = WEST + col * STEP_LON, SOUTH + row * STEP_LAT
    ring = [[west, south], [west + STEP_LON, south], [west + STEP_LON, south + STEP_LAT], [west, south + STEP_LAT]]
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


def prepare_jurisdiction() -> dict:
    """The jurisdiction, its reports component, categories, districts and an api_key; returns what the load needs."""
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from plaza.core.models import ApiToken, ComponentInstance, Jurisdiction, Process, User
    from plaza.core.operations.api_tokens import create_api_token
    from plaza.core.tenancy import jurisdiction_scope
    from plaza.reports.models import Area, Category

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    place = Jurisdiction.objects.create(
        slug=SLUG, name="Bench City", time_zone="Asia/Seoul", languages=["en"], latitude=37.5665, longitude=126.978
    )
    with jurisdiction_scope(place):
        today = timezone.localdate()
        process = Process.objects.create(
            jurisdiction=place,
            slug="civic",
            title="Civic reports",
            is_published=True,
            start_date=today - timedelta(days=1000),
            end_date=today + timedelta(days=1000),
        )
        component = ComponentInstance.objects.create(
            jurisdiction=place,
            process=process,
            manifest_name="reports",
            slug="reports",
            title="Reports",
            is_published=True,
        )
        categories = [
            Category.objects.create(jurisdiction=place, code=c, name=n, department=d, acknowledge_hours=a, fix_hours=f)
            for c, n, d, a, f in CATEGORIES
        ]
        areas = [
            Area.objects.create(jurisdiction=place, name=f"District {r * GRID + c + 1}", geometry=_box(c, r))
            for r in range(GRID)
            for c in range(GRID)
        ]
    robot = User.objects.create_user(email="robot@bench.example", password=None, public_name="Bench robot")
    _token, secret = create_api_token(actor=robot, name="bench", scope=ApiToken.Scope.WRITE)
    return {
        "jurisdiction": place.pk,
        "component": component.pk,
        "categories": [(c.pk, c.department) for c in categories],
        "areas": [a.pk for a in areas],
        "api_key": secret,
    }


FILL_POSTGRES = """
WITH cats AS (SELECT %(cat_ids)s::bigint[] AS ids, %(departments)s::text[] AS deps, %(areas)s::bigint[] AS areas)
INSERT INTO reports_report (
    jurisdiction_id, component_id, category_id, area_id, department, description, latitude, longitude, address,
    is_anonymous, reporter_email, status, close_reason, supporters_count, token, created_at, updated_at,
    acknowledged_at, fixed_at, closed_at, open311_origin, open311_hops, address_id, hidden_reason)
SELECT %(j)s, %(component)s, cats.ids[1 + g %% 5], cats.areas[1 + (g / 7) %% 25], cats.deps[1 + g %% 5],
    'Bench report ' || g, %(south)s + ((g / 7) %% 25 / 5) * %(step_lat)s + (g %% 97) / 97.0 * %(step_lat)s,
    %(west)s + ((g / 7) %% 5) * %(step_lon)s + (g %% 89) / 89.0 * %(step_lon)s, '', true, '',
    s.status, CASE WHEN s.status = 'closed' THEN 'not_responsible' ELSE '' END, 0, md5(g::text || random()::text),
    t.created, t.created, CASE WHEN s.status <> 'open' THEN t.created + ((g %% 60) + 1) * interval '1 hour' END,
    CASE WHEN s.status = 'fixed' THEN t.created + ((g %% 400) + 2) * interval '1 hour' END,
    CASE WHEN s.status = 'closed' THEN t.created + ((g %% 60) + 1) * interval '1 hour' END, '', 0, '', ''
FROM generate_series(1, %(n)s) AS g, cats,
    LATERAL (SELECT CASE WHEN g %% 20 = 0 THEN 'open' WHEN g %% 20 = 1 THEN 'acknowledged'
             WHEN g %% 20 = 2 THEN 'in_progress' WHEN g %% 20 = 3 THEN 'closed' ELSE 'fixed' END AS status) AS s,
    LATERAL (SELECT now() - (%(n)s - g) * (interval '3 years' / %(n)s) - interval '1 day' AS created) AS t
"""


# The same figures rebuild_daily_stats derives from these timelines (one acknowledgement, then fixed or closed),
# added up in SQL: replaying a million timelines in Python takes ~20 minutes on a busy 2-core machine.
FIGURES_POSTGRES = """
WITH events AS (
    SELECT r.category_id, r.department, r.area_id, (r.created_at AT TIME ZONE 'Asia/Seoul')::date AS day,
           1 AS reported, 0 AS acknowledged, 0 AS ack_s, 0 AS ack_late, 0 AS fixed, 0 AS fix_s, 0 AS fix_late,
           0 AS closed
    FROM reports_report r WHERE r.jurisdiction_id = %(j)s
    UNION ALL
    SELECT r.category_id, r.department, r.area_id, (r.acknowledged_at AT TIME ZONE 'Asia/Seoul')::date, 0, 1,
           extract(epoch FROM r.acknowledged_at - r.created_at)::bigint,
           (extract(epoch FROM r.acknowledged_at - r.created_at) > c.acknowledge_hours * 3600)::int, 0, 0, 0,
           (r.status = 'closed')::int
    FROM reports_report r JOIN reports_category c ON c.id = r.category_id
    WHERE r.jurisdiction_id = %(j)s AND r.acknowledged_at IS NOT NULL
    UNION ALL
    SELECT r.category_id, r.department, r.area_id, (r.fixed_at AT TIME ZONE 'Asia/Seoul')::date, 0, 0, 0, 0, 1,
           extract(epoch FROM r.fixed_at - r.created_at)::bigint,
           (extract(epoch FROM r.fixed_at - r.created_at) > c.fix_hours * 3600)::int, 0
    FROM reports_report r JOIN reports_category c ON c.id = r.category_id
    WHERE r.jurisdiction_id = %(j)s AND r.status = 'fixed'
)
INSERT INTO reports_dailystat (jurisdiction_id, day, category_id, department, area_id, reported, acknowledged,
    acknowledge_seconds, acknowledged_late, fixed, fix_seconds, fixed_late, closed, reopened)
SELECT %(j)s, day, category_id, department, area_id, sum(reported), sum(acknowledged), sum(ack_s), sum(ack_late),
       sum(fixed), sum(fix_s), sum(fix_late), sum(closed), 0
FROM events GROUP BY day, category_id, department, area_id
"""
OPEN_COUNTS_POSTGRES = """
INSERT INTO reports_opencount (jurisdiction_id, category_id, department, area_id, open, total)
SELECT %(j)s, category_id, department, area_id,
       count(*) FILTER (WHERE status IN ('open', 'acknowledged', 'in_progress')), count(*)
FROM reports_report WHERE jurisdiction_id = %(j)s GROUP BY category_id, department, area_id
"""


def fill_reports(setup: dict, n: int, database_url: str) -> float:
    """Insert `n` reports (PostgreSQL: one SQL statement), then their figures; returns the seconds it took."""
    from django.db import connection

    from plaza.core.models import Jurisdiction
    from plaza.reports.stats import rebuild_daily_stats

    started = time.monotonic()
    if database_url.startswith("sqlite"):
        _fill_in_python(setup, n)
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                FILL_POSTGRES,
                {
                    "j": setup["jurisdiction"],
                    "component": setup["component"],
                    "cat_ids": [pk for pk, _d in setup["categories"]],
                    "departments": [d for _pk, d in setup["categories"]],
                    "areas": setup["areas"],
                    "n": n,
                    "south": SOUTH,
                    "west": WEST,
                    "step_lat": STEP_LAT,
                    "step_lon": STEP_LON,
                },
            )
            _timelines_postgres(cursor, setup["jurisdiction"])
            log(f"{n:,} reports and timelines inserted in {time.monotonic() - started:.0f} s; adding up the figures")
            if os.environ.get("BENCH_REBUILD") == "python":  # the reports.rebuild_stats job's way (~20 min for 1M)
                rebuild_daily_stats(Jurisdiction.objects.get(pk=setup["jurisdiction"]))
            else:
                cursor.execute(FIGURES_POSTGRES, {"j": setup["jurisdiction"]})
                cursor.execute(OPEN_COUNTS_POSTGRES, {"j": setup["jurisdiction"]})
            cursor.execute("ANALYZE")
        log(f"figures ready after {time.monotonic() - started:.0f} s")
        return time.monotonic() - started
    rebuild_daily_stats(Jurisdiction.objects.get(pk=setup["jurisdiction"]))
    return time.monotonic() - started


def _timelines_postgres(cursor, jurisdiction: int) -> None:
    """Each report's timeline lines (created, then its status steps), as the operations would have written."""
    cursor.execute(
        """
        INSERT INTO reports_update
            (jurisdiction_id, report_id, kind, from_status, to_status, body, is_public, created_at)
        SELECT jurisdiction_id, id, 'created', '', 'open', '', true, created_at FROM reports_report
        WHERE jurisdiction_id = %(j)s
        UNION ALL
        SELECT jurisdiction_id, id, 'status', 'open', CASE WHEN status = 'closed' THEN 'closed' ELSE 'acknowledged' END,
               '', true, acknowledged_at FROM reports_report WHERE jurisdiction_id = %(j)s AND status <> 'open'
        UNION ALL
        SELECT jurisdiction_id, id, 'status', 'acknowledged', status, '', true, coalesce(fixed_at, acknowledged_at)
        FROM reports_report WHERE jurisdiction_id = %(j)s AND status IN ('in_progress', 'fixed')
        """,
        {"j": jurisdiction},
    )


def _fill_in_python(setup: dict, n: int) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from plaza.reports.models import Report, Update

    now, rng = timezone.now(), random.Random(1)
    reports = []
    for g in range(1, n + 1):
        category, department = setup["categories"][g % 5]
        area = (g // 7) % 25
        status = ["open", "acknowledged", "in_progress", "closed"][g % 20] if g % 20 < 4 else "fixed"
        created = now - timedelta(days=3 * 365 * (n - g) / n + 1)
        ack = created + timedelta(hours=g % 60 + 1) if status != "open" else None
        reports.append(
            Report(
                jurisdiction_id=setup["jurisdiction"],
                component_id=setup["component"],
                category_id=category,
                area_id=setup["areas"][area],
                department=department,
                description=f"Bench report {g}",
                latitude=SOUTH + (area // 5 + rng.random()) * STEP_LAT,
                longitude=WEST + (area % 5 + rng.random()) * STEP_LON,
                status=status,
                close_reason="not_responsible" if status == "closed" else "",
                acknowledged_at=ack,
                fixed_at=created + timedelta(hours=g % 400 + 2) if status == "fixed" else None,
                closed_at=ack if status == "closed" else None,
                is_anonymous=True,
            )
        )
    Report.objects.bulk_create(reports, batch_size=1000)
    Report.objects.filter(jurisdiction_id=setup["jurisdiction"]).update(created_at=now - timedelta(days=2))
    Update.objects.bulk_create(
        [
            Update(jurisdiction_id=setup["jurisdiction"], report_id=pk, kind="created", to_status="open")
            for pk in Report.objects.filter(jurisdiction_id=setup["jurisdiction"]).values_list("pk", flat=True)
        ],
        batch_size=1000,
    )


def targets(setup: dict) -> list[tuple[str, str, bool]]:
    """(path, label, is the reference)."""
    from django.utils import timezone

    from plaza.reports.models import Report

    newest = Report.objects.filter(jurisdiction_id=setup["jurisdiction"]).order_by("-id").values_list("pk", flat=True)
    now = timezone.now().replace(microsecond=0)
    window = urlencode(
        {
            "start_date": (now - timezone.timedelta(days=60)).isoformat(),
            "end_date": (now + timezone.timedelta(days=1)).isoformat(),
        }
    )
    base = f"/{SLUG}/open311/v2/requests.json"
    return [
        ("/healthz", "/healthz (reference)", True),
        (f"/{SLUG}/reports/", "list + map", False),
        (f"/{SLUG}/reports/?status=open&category=pothole&area=District+7", "list + map, filtered", False),
        (f"/{SLUG}/reports/{newest.first()}/", "a report page", False),
        (f"/{SLUG}/reports/dashboard/", "dashboard", False),
        (
            f"{base}?service_code=pothole&status=open&{window}",
            "requests.json, filtered",
            False,
        ),
        (f"{base}", "requests.json (90 days)", False),
    ]


def report_form(rng: random.Random, api_key: str) -> dict[str, str]:
    """One new report as an Open311 client posts it: a random category and a point inside the 25 districts."""
    return {
        "api_key": api_key,
        "service_code": rng.choice(CATEGORIES)[0],
        "lat": f"{SOUTH + rng.random() * GRID * STEP_LAT:.6f}",
        "long": f"{WEST + rng.random() * GRID * STEP_LON:.6f}",
        "description": "Benchmark report sent over Open311",
    }


def create_reports_wrk(base: str, api_key: str, *, clients: int, count: int) -> dict:
    """Report creation through HTTP sent by wrk: `count` Open311 POSTs, each answered 201 once (the row's figures)."""
    rng = random.Random(7)
    path = f"/{SLUG}/open311/v2/requests.json"
    requests = [("-", path, urlencode(report_form(rng, api_key))) for _ in range(count)]
    figures = load_generator.wrk_posts(f"{base}/healthz", requests, clients=clients)
    log(f"POST requests.json: {figures.ok} reports created of {count} in {figures.elapsed:.1f} s with wrk")
    return figures.row("create a report (Open311 POST)")


async def create_reports(base: str, api_key: str, *, clients: int, duration: float, max_requests: int) -> pages.Load:
    """Report creation through HTTP: Open311 POST requests.json with the api_key, as an app or a partner would."""
    load = pages.Load()
    budget, issued = max_requests or float("inf"), 0
    rng = random.Random(7)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        started = time.perf_counter()
        deadline = started + duration

        async def one_client() -> None:
            nonlocal issued
            while time.perf_counter() < deadline and issued < budget:
                issued += 1
                form = report_form(rng, api_key)
                sent = time.perf_counter()
                try:
                    response = await client.post(f"{base}/{SLUG}/open311/v2/requests.json", data=form)
                    ok = response.status_code in (200, 201)
                except httpx.HTTPError:
                    ok = False
                if ok:
                    load.answered(time.perf_counter() - sent, response)
                else:
                    load.errors += 1

        await asyncio.gather(*(one_client() for _ in range(clients)))
        load.elapsed = time.perf_counter() - started
    return load


def measure(server, base: str, config: pages.Config, setup: dict, paths, queries) -> list[dict]:
    loads = {path: pages.Load() for path, _label, _ref in paths}
    rss: dict[str, list[int]] = {}
    for path in loads:
        if config.warmup:
            asyncio.run(pages.hammer(base + path, clients=config.clients, duration=config.warmup, max_requests=6))
    for round_number in range(config.rounds):
        cap = config.requests // config.rounds + (round_number < config.requests % config.rounds)
        for path, load in loads.items():
            part = asyncio.run(
                pages.hammer(
                    base + path, clients=config.clients, duration=config.duration / config.rounds, max_requests=cap
                )
            )
            load.add(part)
            rss[path] = pages.worker_rss(server)
    for path, load in loads.items():
        log(f"{path}: {load.requests} requests, {load.errors} errors in {load.elapsed:.1f} s")
    rows = [pages.row(path, label, ref, loads[path], queries, rss[path]) for path, label, ref in paths]
    if load_generator.wrk():
        created = create_reports_wrk(base, setup["api_key"], clients=config.clients, count=CREATED)
        rows.append({**created, "reference": False, "rss_mib": statistics.mean(pages.worker_rss(server)) / 2**20})
        return rows
    created = asyncio.run(
        create_reports(
            base, setup["api_key"], clients=config.clients, duration=config.duration, max_requests=config.requests
        )
    )
    log(f"POST requests.json: {created.requests} requests, {created.errors} errors in {created.elapsed:.1f} s")
    rows.append(pages.row("POST", "create a report (Open311 POST)", False, created, {}, pages.worker_rss(server)))
    return rows


def run(config: pages.Config, n: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="plaza-bench-reports-") as tmp:
        env = pages.server_environment(config, Path(tmp))
        os.environ.update(env)
        pages.create_database(config.database_url)
        try:
            setup = prepare_jurisdiction()
            from django_scopes import scopes_disabled

            with scopes_disabled():  # the benchmark's set-up spans its one jurisdiction on purpose
                fill_seconds = fill_reports(setup, n, config.database_url)
                paths = targets(setup)
            queries = pages.count_queries([path for path, _label, _ref in paths])
            with pages.gunicorn(config, env) as (server, base):
                rows = measure(server, base, config, setup, paths, queries)
                rss_total = sum(pages.worker_rss(server))
        finally:
            from django.db import connections

            connections.close_all()
            pages.drop_database(config.database_url)
    return {
        "title": f"civic reports: one jurisdiction with {n:,} reports",
        "config": [
            *pages.describe(config, pages.server_version(config.database_url), rss_total),
            f"data: {n:,} reports over 3 years in 5 categories and 25 districts, loaded and aggregated in "
            f"{fill_seconds:.0f} s",
        ],
        "columns": pages.COLUMNS,
        "rows": rows,
        "ratio_of": ["rps", "p50_ms", "p95_ms"],
        "notes": [
            "list + map: the first page of 50 and its map; filtered: status, category and district.",
            "requests.json: Open311 GeoReport v2 (its default window is the last 90 days, 200 results at most, "
            "as discovery.json announces).",
            "create: Open311 POST with a write api_key, each a new report routed by point in polygon; req/s is "
            "reports created per second.",
            "With more clients than workers the server is saturated: latency is mostly queueing.",
            pages.SERVER_NOTE,
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, required=True, help="write the result here")
    args = parser.parse_args()
    config = pages.Config.from_env()
    result = run(config, report_count(config.database_url.startswith("sqlite")))
    args.json.write_text(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
