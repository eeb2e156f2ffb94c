"""Proposals benchmark: Decide Madrid's scale (21,000 proposals, 5,000 debates, 1,000,000 supports).

It makes its own database (PostgreSQL by default), migrates it, and generates one jurisdiction's
data with COPY (bulk_create on SQLite): proposals with tags, SDG goals, comments and supports
skewed toward popular proposals, and debates. Then, against gunicorn with the production settings:

- the proposal index under N concurrent clients, for each order and each filter;
- supports cast per second through HTTP (the API, one verified account and token per client).

The server-side time of each index variant is also measured in-process (no queueing), with its SQL
query count. The reference, measured in the same run, is /healthz. Run through `make bench`
(`benchmarks/run.py --only proposals`), or alone with `--json out.json`. `--tiny` scales down.
"""

import argparse
import asyncio
import itertools
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench_pages  # noqa: E402  (the shared harness: database, gunicorn, load, percentiles)
import load as load_generator  # noqa: E402  (wrk, when installed)
from bench_pages import Load, percentile  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/plaza_bench_proposals"
CATEGORIES = ["Mobility", "Environment", "Housing", "Culture", "Health", "Public space"]
TAGS = [f"tag{n}" for n in range(200)]
WORDS = ["bike", "lane", "tree", "park", "school", "bus", "night", "market", "fountain", "library", "square"]
WORDS += ["housing", "solar", "noise", "street"]
# (query string, label) of each index variant measured
VARIANTS = (
    ("order=hot", "hot (default)"),
    ("order=most_supported", "most supported"),
    ("order=newest", "newest"),
    ("order=most_commented", "most commented"),
    ("order=random", "random (seeded)"),
    ("category=Mobility", "filter: category"),
    ("tag=tag7", "filter: tag"),
    ("goal=11", "filter: SDG goal"),
    ("status=archived", "filter: status archived"),
)


@dataclass(frozen=True)
class Scale:
    proposals: int
    debates: int
    supports: int
    supports_per_person: int
    comments: int

    @classmethod
    def from_env(cls) -> "Scale":
        if os.environ.get("BENCH_TINY") or os.environ.get("BENCH_DATABASE_URL", "").startswith("sqlite"):
            return cls(proposals=300, debates=50, supports=6_000, supports_per_person=20, comments=600)
        return cls(
            proposals=int(os.environ.get("BENCH_PROPOSALS", "21000")),
            debates=int(os.environ.get("BENCH_DEBATES", "5000")),
            supports=int(os.environ.get("BENCH_SUPPORTS", "1000000")),
            supports_per_person=20,
            comments=int(os.environ.get("BENCH_COMMENTS", "60000")),
        )


def log(message: str) -> None:
    print(f"[bench_proposals] {message}", file=sys.stderr, flush=True)


# --- the data generator --------------------------------------------------------------------------


def _column_values(fields, row: dict, now) -> list:
    values = []
    for field in fields:
        if field.attname in row:
            values.append(row[field.attname])
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values.append(now)
        else:
            values.append(field.get_default())
    return values


def copy_rows(model, rows) -> int:
    """Write `rows` (dicts of attnames) with COPY on PostgreSQL, bulk_create elsewhere; ids given or not."""
    from django.db import connection
    from django.utils import timezone

    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    rows = itertools.chain([first], rows)
    now = timezone.now()
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if f is not pk or pk.attname in first]
    count = 0
    if connection.vendor == "postgresql":
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        statement = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(_column_values(fields, row, now))
                count += 1
        return count
    batch = []
    for row in rows:
        batch.append(model(**{f.attname: v for f, v in zip(fields, _column_values(fields, row, now), strict=True)}))
        if len(batch) == 5000:
            model.objects.bulk_create(batch)
            count, batch = count + len(batch), []
    model.objects.bulk_create(batch)
    return count + len(batch)


def reset_sequences(*models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)


def _next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1


def support_pairs(scale: Scale, rng: random.Random) -> list[tuple[int, int]]:
    """(person index, proposal index): each person supports distinct proposals, popular ones more often."""
    persons = scale.supports // scale.supports_per_person
    pairs = []
    for person in range(persons):
        chosen: set[int] = set()
        while len(chosen) < scale.supports_per_person:
            chosen.add(int(scale.proposals * rng.random() ** 3))  # a long tail, as in Decide Madrid
        pairs.extend((person, proposal) for proposal in chosen)
    return pairs


def generate(component, scale: Scale, seed: int = 4) -> dict:
    """One jurisdiction's proposals, supports, tags, goals, comments and debates; returns the counts written."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from plaza.core.models import CensusRecord, Comment, Person, SDGGoal, SDGTag
    from plaza.proposals.models import Debate, Proposal, ProposalTag, Support
    from plaza.proposals.operations import hot_score

    rng = random.Random(seed)
    jurisdiction = component.jurisdiction
    started = time.monotonic()
    User = get_user_model()
    authors = [User.objects.create_user(email=f"author{n}@bench.example", password=None) for n in range(50)]
    pairs = support_pairs(scale, rng)
    counts = [0] * scale.proposals
    for _person, proposal in pairs:
        counts[proposal] += 1
    commented = [int(scale.proposals * rng.random() ** 2) for _n in range(scale.comments)]
    comments_counts = [0] * scale.proposals
    for proposal in commented:
        comments_counts[proposal] += 1

    first_record, persons = _next_id(CensusRecord), scale.supports // scale.supports_per_person
    copy_rows(
        CensusRecord,
        (
            {
                "id": first_record + n,
                "jurisdiction_id": jurisdiction.pk,
                "document_hash": f"bench-doc-{n}",
                "match_hash": f"bench-match-{n}",
                "is_active": True,
            }
            for n in range(persons)
        ),
    )
    first_person = _next_id(Person)
    copy_rows(
        Person,
        (
            {"id": first_person + n, "jurisdiction_id": jurisdiction.pk, "census_record_id": first_record + n}
            for n in range(persons)
        ),
    )
    now = timezone.now()
    first_proposal = _next_id(Proposal)
    statuses = [Proposal.Status.PUBLISHED] * 8 + [Proposal.Status.THRESHOLD_REACHED, Proposal.Status.ARCHIVED]

    def proposal_row(n: int) -> dict:
        published = now - timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
        status = statuses[n % len(statuses)]
        title = " ".join(rng.sample(WORDS, 4)) + f" {n}"
        return {
            "id": first_proposal + n,
            "jurisdiction_id": jurisdiction.pk,
            "component_id": component.pk,
            "author_id": authors[n % len(authors)].pk,
            "title": title,
            "folded_title": f" {title} ",
            "summary": "A generated proposal for the benchmark.",
            "body": "Generated body. " * 20,
            "category": CATEGORIES[n % len(CATEGORIES)],
            "latitude": 40.3 + rng.random() / 5 if n % 4 == 0 else None,
            "longitude": -3.8 + rng.random() / 5 if n % 4 == 0 else None,
            "status": status,
            "support_count": counts[n],
            "comments_count": comments_counts[n],
            "hot_score": hot_score(counts[n], published),
            "published_at": published,
            "threshold_reached_at": published if status == Proposal.Status.THRESHOLD_REACHED else None,
        }

    copy_rows(Proposal, (proposal_row(n) for n in range(scale.proposals)))
    copy_rows(
        ProposalTag,
        (
            {"jurisdiction_id": jurisdiction.pk, "proposal_id": first_proposal + n, "name": TAGS[n % len(TAGS)]}
            for n in range(scale.proposals)
        ),
    )
    goals = list(SDGGoal.objects.order_by("number").values_list("pk", flat=True))
    proposal_type = ContentType.objects.get_for_model(Proposal)
    copy_rows(
        SDGTag,
        (
            {
                "jurisdiction_id": jurisdiction.pk,
                "content_type_id": proposal_type.pk,
                "object_id": first_proposal + n,
                "goal_id": goals[n % len(goals)],
            }
            for n in range(scale.proposals)
        ),
    )
    copy_rows(
        Support,
        (
            {
                "jurisdiction_id": jurisdiction.pk,
                "component_id": component.pk,
                "proposal_id": first_proposal + proposal,
                "person_id": first_person + person,
            }
            for person, proposal in pairs
        ),
    )
    copy_rows(
        Comment,
        (
            {
                "jurisdiction_id": jurisdiction.pk,
                "content_type_id": proposal_type.pk,
                "object_id": first_proposal + proposal,
                "author_id": authors[n % len(authors)].pk,
                "body": "A generated comment.",
            }
            for n, proposal in enumerate(commented)
        ),
    )
    copy_rows(
        Debate,
        (
            {
                "jurisdiction_id": jurisdiction.pk,
                "component_id": component.pk,
                "author_id": authors[n % len(authors)].pk,
                "title": f"Should we talk about {' '.join(rng.sample(WORDS, 3))} {n}?",
                "body": "Generated debate.",
            }
            for n in range(scale.debates)
        ),
    )
    reset_sequences(CensusRecord, Person, Proposal, ProposalTag, SDGTag, Support, Comment, Debate)
    _analyze()
    seconds = time.monotonic() - started
    log(f"generated {scale.proposals:,} proposals and {len(pairs):,} supports in {seconds:.0f} s")
    return {"seconds": seconds, "supports": len(pairs)}


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # VACUUM too on PostgreSQL: the visibility map lets the paginator's count read the index only.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# --- the site --------------------------------------------------------------------------------------


def prepare_site(scale: Scale, clients: int) -> dict:
    """Migrate, make Madrid's proposals component, generate the data, and the clients' accounts and tokens."""
    import django
    from django.core.management import call_command
    from django.test import override_settings

    django.setup()
    from django_scopes import scopes_disabled

    from plaza.core.models import ApiToken
    from plaza.core.operations.api_tokens import create_api_token
    from plaza.core.tests.factories import JurisdictionFactory, VerificationFactory
    from plaza.proposals.tests.factories import open_component

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    with scopes_disabled(), override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        madrid = JurisdictionFactory(slug="madrid", name="Madrid", languages=["es", "en"], default_language="es")
        component = open_component(madrid, threshold_value=10_000_000)  # no threshold crossed while casting
        generated = generate(component, scale)
        tokens = []
        for _n in range(clients):
            user = VerificationFactory(jurisdiction=madrid).user
            _token, secret = create_api_token(actor=user, name="bench", scope=ApiToken.Scope.WRITE, jurisdiction=madrid)
            tokens.append(secret)
        open_ids = list(
            component.proposals.filter(status="published").order_by("id").values_list("id", flat=True)[:5000]
        )
        return {
            "index": component.get_absolute_url(),
            "tokens": tokens,
            "open_ids": open_ids,
            "generated": generated,
        }


def server_side(index: str, rounds: int) -> list[dict]:
    """Each variant's time inside Django (no network, no queueing) and its SQL queries, in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    figures = []
    for query, label in VARIANTS:
        path = f"{index}?{query}"
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code} in-process.")
        queries = len(captured.captured_queries)  # now: the next request's end resets the log
        times = []
        for page in range(rounds):
            started = time.perf_counter()
            client.get(f"{path}&page={1 + page % 3}")
            times.append(time.perf_counter() - started)
        times.sort()
        figures.append(
            {
                "path": path,
                "label": label,
                "queries": queries,
                "server_p50_ms": percentile(times, 0.5) * 1000,
                "server_p95_ms": percentile(times, 0.95) * 1000,
            }
        )
    connection.close()
    return figures


# --- supports through HTTP -------------------------------------------------------------------------


async def cast_supports(base: str, tokens: list[str], open_ids: list[int], duration: float, cap: int) -> Load:
    """One client per token (a verified person each), each supporting the open proposals in turn."""
    load = Load()
    issued = 0
    budget = cap or float("inf")
    limits = httpx.Limits(max_connections=len(tokens), max_keepalive_connections=len(tokens))
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        started = time.perf_counter()
        deadline = started + duration

        async def one_client(token: str, offset: int) -> None:
            nonlocal issued
            headers = {"Authorization": f"Bearer {token}"}
            for n in range(len(open_ids)):
                if time.perf_counter() >= deadline or issued >= budget:
                    return
                issued += 1
                pk = open_ids[(offset + n) % len(open_ids)]
                sent = time.perf_counter()
                try:
                    response = await client.post(
                        f"{base}/api/v1/proposals/madrid/proposals/{pk}/support", headers=headers
                    )
                    ok = response.status_code == 201
                except httpx.HTTPError:
                    ok = False
                if ok:
                    load.answered(time.perf_counter() - sent, response)
                else:
                    load.errors += 1

        spread = max(1, len(open_ids) // max(1, len(tokens)))
        await asyncio.gather(*(one_client(token, n * spread) for n, token in enumerate(tokens)))
        load.elapsed = time.perf_counter() - started
    return load


def _wrk_supports(base: str, tokens: list[str], open_ids: list[int], config) -> dict:
    """Every client's supports with wrk (microseconds of CPU a request, where httpx costs a millisecond): each
    token supports its own run of open proposals, never one twice, `SUPPORTS_PER_CLIENT` each at most."""
    per_client = min(len(open_ids), int(os.environ.get("BENCH_SUPPORTS_PER_CLIENT", "400")))
    spread = max(1, len(open_ids) // max(1, len(tokens)))
    requests = [
        (token, f"/api/v1/proposals/madrid/proposals/{open_ids[(n * spread + k) % len(open_ids)]}/support", "")
        for k in range(per_client)
        for n, token in enumerate(tokens)
    ]
    figures = load_generator.wrk_posts(f"{base}/healthz", requests, clients=config.clients)
    log(f"supports: {figures.ok} cast of {len(requests)} in {figures.elapsed:.1f} s with wrk")
    return figures.row("POST a support (API)")


# --- the whole run -------------------------------------------------------------------------------


def _row(label: str, load: Load, *, reference: bool = False, inside: dict | None = None) -> dict:
    ordered = sorted(load.latencies)
    inside = inside or {}
    return {
        "target": label,
        "reference": reference,
        "requests": load.requests,
        "errors": load.errors,
        "rps": load.requests / load.elapsed if load.elapsed else None,
        "p50_ms": bench_pages._ms(percentile(ordered, 0.50)),
        "p95_ms": bench_pages._ms(percentile(ordered, 0.95)),
        "server_p95_ms": percentile(sorted(load.server_ms), 0.95),
        "alone_p95_ms": inside.get("server_p95_ms"),
        "queries": inside.get("queries"),
    }


def measure(base: str, config, site: dict, inside: list[dict]) -> list[dict]:
    def hammer(path: str) -> Load:
        if config.warmup:
            asyncio.run(
                bench_pages.hammer(
                    base + path, clients=config.clients, duration=config.warmup, max_requests=config.requests
                )
            )
        return asyncio.run(
            bench_pages.hammer(
                base + path, clients=config.clients, duration=config.duration, max_requests=config.requests
            )
        )

    rows = [_row("healthz (reference)", hammer("/healthz"), reference=True)]
    for figures in inside:
        load = hammer(figures["path"])
        log(f"{figures['label']}: {load.requests} requests, {load.errors} errors")
        rows.append(_row(f"index: {figures['label']}", load, inside=figures))
    if load_generator.wrk():
        rows.append(_wrk_supports(base, site["tokens"], site["open_ids"], config))
        return rows
    supports = asyncio.run(cast_supports(base, site["tokens"], site["open_ids"], config.duration, config.requests))
    log(f"supports: {len(supports.latencies)} cast, {supports.errors} refused or failed")
    rows.append(_row("POST a support (API)", supports))
    return rows


COLUMNS = [
    {"key": "target", "label": "target"},
    {"key": "requests", "label": "requests", "format": "int"},
    {"key": "errors", "label": "errors", "format": "int"},
    {"key": "rps", "label": "req/s", "format": "float1"},
    {"key": "p50_ms", "label": "p50 ms", "format": "float1"},
    {"key": "p95_ms", "label": "p95 ms", "format": "float1"},
    {"key": "server_p95_ms", "label": "server p95 ms", "format": "float1"},
    {"key": "alone_p95_ms", "label": "alone p95 ms", "format": "float1"},
    {"key": "queries", "label": "SQL/page", "format": "int"},
]


def run(config) -> dict:
    scale = Scale.from_env()
    with tempfile.TemporaryDirectory(prefix="plaza-bench-proposals-") as tmp:
        env = bench_pages.server_environment(config, Path(tmp))
        env["PLAZA_API_RATE"] = "1000000/m"  # the API's per-token rate limit is not what is measured
        os.environ.update(env)
        bench_pages.create_database(config.database_url)
        try:
            started = time.monotonic()
            site = prepare_site(scale, config.clients)
            log(f"site ready in {time.monotonic() - started:.1f} s")
            rounds = os.environ.get("BENCH_SERVER_ROUNDS", "5" if scale.proposals < 1000 else "60")
            inside = server_side(site["index"], rounds=int(rounds))
            with bench_pages.gunicorn(config, env) as (_server, base):
                rows = measure(base, config, site, inside)
        finally:
            from django.db import connections

            connections.close_all()
            bench_pages.drop_database(config.database_url)
    generated = site["generated"]
    return {
        "title": "proposals index and supports at Decide Madrid's scale",
        "config": [
            *bench_pages.describe(config, bench_pages.server_version(config.database_url), 0)[:2],
            f"data: {scale.proposals:,} proposals, {generated['supports']:,} supports, {scale.debates:,} debates, "
            f"{scale.comments:,} comments in one jurisdiction, generated in {generated['seconds']:.1f} s",
        ],
        "columns": COLUMNS,
        "rows": rows,
        "ratio_of": ["rps", "p95_ms"],
        "notes": [
            "p50/p95: seen by the clients (with more clients than workers, mostly queueing).",
            bench_pages.SERVER_NOTE,
            "alone p95: one request at a time inside Django in the benchmark's process (pages 1-3), no load.",
            "SQL/page: queries of one warm index request (pinned constant in plaza/proposals/tests/test_pages.py).",
            "POST a support: one verified account and API token per client; req/s of supports counted (201).",
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, required=True, help="write the result here")
    args = parser.parse_args()
    os.environ.setdefault("BENCH_DATABASE_URL", os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    if "bench" not in os.environ["BENCH_DATABASE_URL"]:
        os.environ["BENCH_DATABASE_URL"] = DEFAULT_DATABASE_URL
    result = run(bench_pages.Config.from_env())
    args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
