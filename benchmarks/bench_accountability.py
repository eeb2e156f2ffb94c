"""Accountability benchmark: a network of action plans under load, and the CSV imports of 10,000 rows.

It makes its own database (PostgreSQL by default; the name must contain "bench"), migrates it and
builds a synthetic OGP Local network: 300 member jurisdictions × 2 plans × 10 commitments × 5
milestones, each milestone with 20 progress updates (10 per side, each superseding the last), i.e.
6,000 commitments, 30,000 milestones and 600,000 updates. Then, on gunicorn with the production
settings, it sends concurrent clients at the network overview (signed in as network staff), a filtered
overview, a "who else committed to …" page and a plan page; the reference is /healthz, measured in
the same run. Last, in-process, it times the bulk update of 10,000 results from a CSV and the import of
10,000 milestone progress updates from a CSV (each: check, then apply in one transaction), the paths the
background jobs take.

`BENCH_ACC_JURISDICTIONS` (300) and `BENCH_ACC_UPDATES` (20) scale the network; `--tiny` (run.py)
uses 6 jurisdictions, 2 updates and 500 CSV rows on SQLite.

Run it through `make bench` (benchmarks/run.py), or alone with `--json out.json`.
"""

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import load as load_generator  # noqa: E402
from bench_pages import (  # noqa: E402  (the page benchmark's server and load helpers)
    Config,
    Load,
    create_database,
    drop_database,
    gunicorn,
    percentile,
    server_environment,
    server_kind,
    server_version,
    worker_rss,
    wrk_hammer,
)

POLICY_AREAS = [
    "Open contracting",
    "Participatory budgeting",
    "Open data",
    "Health",
    "Transport",
    "Climate",
    "Education",
    "Anti-corruption",
    "Beneficial ownership",
    "Public services",
]
VALUES = ["access_to_information", "civic_participation", "public_accountability", "technology_and_innovation"]


def log(message: str) -> None:
    print(f"[bench_accountability] {message}", file=sys.stderr, flush=True)


def scale() -> dict[str, int]:
    tiny = os.environ.get("BENCH_DATABASE_URL", "").startswith("sqlite")
    return {
        "jurisdictions": int(os.environ.get("BENCH_ACC_JURISDICTIONS", "6" if tiny else "300")),
        "plans": 2,
        "commitments": 10,
        "milestones": 5,
        "updates": int(os.environ.get("BENCH_ACC_UPDATES", "2" if tiny else "20")),
        "csv_rows": int(os.environ.get("BENCH_ACC_CSV_ROWS", "500" if tiny else "10000")),
    }


# --- the synthetic network -------------------------------------------------------------------------


def build_network(size: dict[str, int]) -> dict:
    """Bulk-insert the network; returns the addresses to load and the staff user's id."""
    from django.utils import timezone

    from plaza.accountability.models import (
        ActionPlan,
        Commitment,
        CommitmentTopic,
        Milestone,
        PlanStatus,
        ProgressUpdate,
    )
    from plaza.accountability.operations import refresh_figures, topics_for
    from plaza.core.models import Jurisdiction, Role, RoleGrant, User
    from plaza.core.tenancy import across_jurisdictions

    started = time.monotonic()
    rng = random.Random(8)
    with across_jurisdictions():
        network = Jurisdiction.objects.create(slug="ogp-local", name="OGP Local", kind=Jurisdiction.Kind.NETWORK)
        members = Jurisdiction.objects.bulk_create(
            [
                Jurisdiction(
                    slug=f"city-{n:03d}",
                    name=f"City {n:03d}",
                    parent=network,
                    depth=1,
                    languages=["en"],
                    default_language="en",
                )
                for n in range(size["jurisdictions"])
            ]
        )
        if not all(m.pk for m in members):
            members = list(Jurisdiction.objects.filter(parent=network).order_by("slug"))
        staff = User.objects.create_user(email="staff@bench.example", password=None, public_name="OGP staff")
        RoleGrant.objects.create(jurisdiction=network, user=staff, role=Role.NETWORK_STAFF)
        author = User.objects.create_user(email="official@bench.example", password=None, public_name="Official")

        plans = ActionPlan.objects.bulk_create(
            [
                ActionPlan(
                    jurisdiction=j,
                    slug=f"plan-{p}",
                    title=f"{j.name} action plan {p}",
                    period_start=date(2022 + 2 * p, 1, 1),
                    period_end=date(2023 + 2 * p, 12, 31),
                    status=PlanStatus.IMPLEMENTATION if p else PlanStatus.CLOSED,
                )
                for j in members
                for p in range(size["plans"])
            ],
            batch_size=2000,
        )
        plans = list(ActionPlan.objects.select_related("jurisdiction").order_by("id"))
        commitments = Commitment.objects.bulk_create(
            [
                Commitment(
                    jurisdiction_id=plan.jurisdiction_id,
                    plan=plan,
                    number=n + 1,
                    title=f"{POLICY_AREAS[(n + plan.pk) % len(POLICY_AREAS)]} commitment {n + 1}",
                    problem="A problem.",
                    description="A description.",
                    contribution="A contribution.",
                    ogp_values=rng.sample(VALUES, 2),
                    policy_areas=[POLICY_AREAS[(n + plan.pk) % len(POLICY_AREAS)], "Open data"],
                    lead_institution="A department",
                    start_date=plan.period_start,
                    end_date=plan.period_end,
                )
                for plan in plans
                for n in range(size["commitments"])
            ],
            batch_size=2000,
        )
        commitments = list(Commitment.objects.order_by("id"))
        CommitmentTopic.objects.bulk_create([t for c in commitments for t in topics_for(c)], batch_size=5000)
        Milestone.objects.bulk_create(
            [
                Milestone(
                    jurisdiction_id=c.jurisdiction_id,
                    commitment=c,
                    position=m + 1,
                    deliverable=f"Deliverable {m + 1}",
                    due_date=c.start_date + timedelta(days=60 * (m + 1)),
                )
                for c in commitments
                for m in range(size["milestones"])
            ],
            batch_size=5000,
        )
        milestones = list(Milestone.objects.order_by("id").values_list("id", "jurisdiction_id"))
        log(
            f"{len(members)} jurisdictions, {len(plans)} plans, {len(commitments)} commitments, "
            f"{len(milestones)} milestones in {time.monotonic() - started:.1f} s"
        )
        previous: dict[tuple[int, str], int] = {}
        now = timezone.now()
        for wave in range(size["updates"]):
            side = "government" if wave % 2 == 0 else "civil_society"
            step = wave // 2 + 1
            total = (size["updates"] + 1) // 2
            percentage = min(99, round(100 * step / (total + 1)))
            rows = [
                ProgressUpdate(
                    jurisdiction_id=j,
                    milestone_id=m,
                    side=side,
                    status="substantial",
                    percentage=percentage,
                    narrative=f"Update {wave + 1}.",
                    supersedes_id=previous.get((m, side)),
                    author=author,
                    author_label="Official",
                    organisation="",
                    created_at=now - timedelta(days=size["updates"] - wave),
                )
                for m, j in milestones
            ]
            created = ProgressUpdate.objects.bulk_create(rows, batch_size=5000)
            if not all(u.pk for u in created):  # a database that does not return ids: read them back
                created = list(
                    ProgressUpdate.objects.filter(narrative=f"Update {wave + 1}.", side=side).order_by("milestone_id")
                )
            for update in created:
                previous[(update.milestone_id, side)] = update.pk
        refresh_figures([c.pk for c in commitments])  # what add_milestone and post_progress_update keep
        log(f"network built in {time.monotonic() - started:.1f} s")
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does after a bulk load; without it the planner guesses
    return {"staff": staff.pk, "member": members[len(members) // 2].slug}


def staff_cookie(user_id: int) -> str:
    """A session for the network's staff, as the browser would hold it after signing in."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(pk=user_id))
    return client.cookies["sessionid"].value


def count_queries(paths: list[str], cookie: str) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = cookie
    counts = {}
    for path in paths:
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code} in-process; the benchmark would be meaningless.")
        counts[path] = len(captured.captured_queries)
    return counts


# --- the load --------------------------------------------------------------------------------------


async def hammer(url: str, cookie: str, *, clients: int, duration: float, max_requests: int) -> Load:
    if load_generator.wrk():
        return wrk_hammer(url, clients=clients, duration=duration, cookie=f"sessionid={cookie}")
    load = Load()
    budget = max_requests or float("inf")
    issued = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60, cookies={"sessionid": cookie}) as client:
        started = time.perf_counter()
        deadline = started + duration

        async def one_client() -> None:
            nonlocal issued
            while time.perf_counter() < deadline and issued < budget:
                issued += 1
                sent = time.perf_counter()
                try:
                    response = await client.get(url)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    load.answered(time.perf_counter() - sent, response)
                else:
                    load.errors += 1

        await asyncio.gather(*(one_client() for _ in range(clients)))
        load.elapsed = time.perf_counter() - started
    return load


def measure(server, base: str, config: Config, targets, cookie: str, queries: dict[str, int]) -> list[dict]:
    loads = {path: Load() for path, _label, _ref in targets}
    for path in loads:
        if config.warmup:
            asyncio.run(hammer(base + path, cookie, clients=config.clients, duration=config.warmup, max_requests=0))
    for round_number in range(config.rounds):
        cap = config.requests // config.rounds + (round_number < config.requests % config.rounds)
        for path, load in loads.items():
            part = asyncio.run(
                hammer(
                    base + path,
                    cookie,
                    clients=config.clients,
                    duration=config.duration / config.rounds,
                    max_requests=cap,
                )
            )
            load.add(part)
    rows = []
    for path, label, is_reference in targets:
        load = loads[path]
        ordered = sorted(load.latencies)
        log(f"{path}: {load.requests} requests, {load.errors} errors in {load.elapsed:.1f} s")
        rows.append(
            {
                "target": label,
                "reference": is_reference,
                "requests": load.requests,
                "errors": load.errors,
                "rps": load.requests / load.elapsed if load.elapsed else None,
                "p50_ms": _ms(percentile(ordered, 0.50)),
                "p95_ms": _ms(percentile(ordered, 0.95)),
                "server_p95_ms": percentile(sorted(load.server_ms), 0.95),
                "queries": queries.get(path),
            }
        )
    return rows


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


# --- the import ------------------------------------------------------------------------------------


def time_import(rows: int, member_slug: str) -> list[dict]:
    """Check then apply a CSV updating `rows` results (all exist, keyed by external id), in-process."""
    from plaza.accountability import results_import
    from plaza.accountability.models import Result
    from plaza.core.models import Jurisdiction, User
    from plaza.core.tenancy import jurisdiction_scope

    jurisdiction = Jurisdiction.objects.get(slug=member_slug)
    actor = User.objects.get(email="official@bench.example")
    Result.objects.bulk_create(
        [Result(jurisdiction=jurisdiction, external_id=f"EXT-{n:06d}", title=f"Result {n}") for n in range(rows)],
        batch_size=5000,
    )
    lines = ["external_id,status,progress,budget_spent,note"]
    lines += [f"EXT-{n:06d},in_progress,{n % 99 + 1},{n * 10}.50,Synced from the back office" for n in range(rows)]
    text = "\n".join(lines) + "\n"
    with jurisdiction_scope(jurisdiction):
        return _check_and_apply(results_import, text, jurisdiction, actor, f"CSV import, {rows:,} rows")


def _check_and_apply(importer, text: str, jurisdiction, actor, label: str) -> list[dict]:
    """Time `importer.check` then `importer.apply` (one transaction) on `text`, as the background job runs them."""
    started = time.perf_counter()
    report = importer.check(text, jurisdiction)
    checked = time.perf_counter()
    if report.error_count:
        raise SystemExit(f"the benchmark's own CSV has errors: {report.errors[:3]}")
    importer.apply(report, jurisdiction=jurisdiction, actor=actor, job_id=None)
    applied = time.perf_counter()
    log(f"{label}: check {checked - started:.2f} s, apply {applied - checked:.2f} s")
    return [
        {"target": f"{label}: check", "seconds": checked - started},
        {"target": f"{label}: apply (one transaction)", "seconds": applied - checked},
        {"target": f"{label}: total", "seconds": applied - started},
    ]


def time_progress_import(rows: int, member_slug: str) -> list[dict]:
    """Check then apply a CSV of `rows` government progress updates on keyed milestones, in-process.

    The member gets one more plan in implementation with rows / 5 keyed commitments of 5 keyed milestones
    (a back office syncing every milestone at once); each row supersedes the milestone's current update.
    """
    from plaza.accountability import progress_import
    from plaza.accountability.models import ActionPlan, Commitment, Milestone, PlanStatus
    from plaza.core.models import Jurisdiction, User
    from plaza.core.tenancy import jurisdiction_scope

    jurisdiction = Jurisdiction.objects.get(slug=member_slug)
    actor = User.objects.get(email="official@bench.example")
    with jurisdiction_scope(jurisdiction):
        plan = ActionPlan.objects.create(
            jurisdiction=jurisdiction,
            slug="sync",
            title="Synced plan",
            period_start=date(2024, 1, 1),
            period_end=date(2026, 12, 31),
            status=PlanStatus.IMPLEMENTATION,
        )
        count = max(1, rows // 5)
        Commitment.objects.bulk_create(
            [
                Commitment(
                    jurisdiction=jurisdiction,
                    plan=plan,
                    number=n + 1,
                    external_id=f"C-{n:05d}",
                    title=f"Synced commitment {n}",
                    problem="-",
                    description="-",
                    contribution="-",
                    ogp_values=["access_to_information"],
                    lead_institution="A department",
                    start_date=plan.period_start,
                    end_date=plan.period_end,
                )
                for n in range(count)
            ],
            batch_size=2000,
        )
        keyed = dict(Commitment.objects.filter(plan=plan).values_list("external_id", "pk"))
        Milestone.objects.bulk_create(
            [
                Milestone(
                    jurisdiction=jurisdiction,
                    commitment_id=keyed[f"C-{n:05d}"],
                    position=m + 1,
                    external_id=f"M-{m + 1}",
                    deliverable=f"Deliverable {m + 1}",
                    due_date=date(2025, 6, 30),
                )
                for n in range(count)
                for m in range(5)
            ],
            batch_size=5000,
        )
    lines = ["commitment,milestone,status,percentage,narrative,links"]
    lines += [
        f"C-{n // 5:05d},M-{n % 5 + 1},substantial,{n % 98 + 1},Synced from the back office,https://example.org/{n}"
        for n in range(rows)
    ]
    text = "\n".join(lines) + "\n"
    return _check_and_apply(progress_import, text, jurisdiction, actor, f"progress CSV import, {rows:,} rows")


# --- the whole run ---------------------------------------------------------------------------------

COLUMNS = [
    {"key": "target", "label": "target"},
    {"key": "requests", "label": "requests", "format": "int"},
    {"key": "errors", "label": "errors", "format": "int"},
    {"key": "rps", "label": "req/s", "format": "float1"},
    {"key": "p50_ms", "label": "p50 ms", "format": "float1"},
    {"key": "p95_ms", "label": "p95 ms", "format": "float1"},
    {"key": "server_p95_ms", "label": "server p95 ms", "format": "float1"},
    {"key": "queries", "label": "SQL/page", "format": "int"},
    {"key": "seconds", "label": "seconds", "format": "float2"},
]


def run(config: Config) -> dict:
    import django

    size = scale()
    with tempfile.TemporaryDirectory(prefix="plaza-bench-accountability-") as tmp:
        env = server_environment(config, Path(tmp))
        os.environ.update(env)
        create_database(config.database_url)
        try:
            django.setup()
            from django.core.management import call_command

            started = time.monotonic()
            call_command("migrate", interactive=False, verbosity=0)
            call_command("collectstatic", interactive=False, verbosity=0)
            log(f"migrated in {time.monotonic() - started:.1f} s")
            built = build_network(size)
            cookie = staff_cookie(built["staff"])
            member = built["member"]
            targets = (
                ("/healthz", "reference: /healthz", True),
                ("/ogp-local/accountability/network/", "network overview (staff)", False),
                (
                    "/ogp-local/accountability/network/?policy_area=open-contracting&status=implementation",
                    "network overview, filtered",
                    False,
                ),
                ("/ogp-local/accountability/network/topics/", "who else: policy areas", False),
                (f"/{member}/accountability/plans/plan-1/", "plan page", False),
                (f"/{member}/accountability/plans/plan-1/commitments/3/", "commitment page", False),
            )
            queries = count_queries([path for path, _label, _ref in targets], cookie)
            from django.db import connections

            connections.close_all()
            with gunicorn(config, env) as (server, base):
                rows = measure(server, base, config, targets, cookie, queries)
                rss_total = sum(worker_rss(server))
            rows += time_import(size["csv_rows"], member)
            rows += time_progress_import(size["csv_rows"], member)
        finally:
            from django.db import connections

            connections.close_all()
            drop_database(config.database_url)
    updates = size["jurisdictions"] * size["plans"] * size["commitments"] * size["milestones"] * size["updates"]
    return {
        "title": "the network's action plans under load, and the CSV imports",
        "config": [
            f"data: {size['jurisdictions']} jurisdictions x {size['plans']} plans x {size['commitments']} commitments "
            f"x {size['milestones']} milestones x {size['updates']} updates = {updates:,} progress updates",
            f"server: {server_kind(config)}, plaza.settings.production, "
            f"{server_version(config.database_url)}, DB_CONN_MAX_AGE={config.conn_max_age}; "
            f"{rss_total / 2**20:.0f} MiB resident in all",
            f"load: {config.clients} concurrent clients per target for {config.duration:g} s in {config.rounds} "
            f"round-robin rounds after {config.warmup:g} s of warm-up "
            f"({'wrk' if load_generator.wrk() else 'asyncio + httpx'}, same machine)",
        ],
        "columns": COLUMNS,
        "rows": rows,
        "ratio_of": ["rps", "p95_ms"],
        "notes": [
            "The goal (issue 8): network overview and plan pages p95 <= 50 ms under 50 clients; "
            "10,000 progress rows imported in <= 10 s.",
            "With more clients than workers the server is saturated: p95 is mostly queueing; "
            "'req/s / ref' is the page's cost relative to /healthz.",
            "The import is timed in-process (what the background job runs), without the job's bookkeeping.",
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, required=True, help="write the result here")
    args = parser.parse_args()
    result = run(Config.from_env())
    args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
