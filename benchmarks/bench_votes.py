"""Votes benchmark: ballots per second through the real HTTP path, next to raw single-row inserts; a big tally.

It makes its own database (PostgreSQL by default, `plaza_bench_votes`), migrates it, puts a
votation and BENCH_BALLOTS verified voters (73,765 by default: Paris's 2018 climate-plan votation),
each with an API token of the write scope, in it, serves Plaza with gunicorn and casts every voter's
ballot once through `POST /api/v1/votes/paris/votations/climate/ballot` from concurrent clients:
the whole path (token, permission, census electorate, roll, ballot, receipt). The voters cast in
BENCH_ROUNDS rounds (3; a third of them each), each round just after its own reference: the
database's raw rate of committed single-row INSERTs from 16 clients, measured while the server
idles. Both figures swing by a fifth or more from one minute to the next on a shared machine, so
the table's reference and ballot rows are the rounds' medians, and each round's own ratio is
shown too. The time all the rounds' ballots took is "Paris's ballots time". Then BENCH_TALLY_BALLOTS
(1,000,000) ballots are written straight into a second votation and counted the way the results
page counts them (`queries.results_of`), and the way `plaza-tally` counts a file (`tally.count`).

Run it through `make bench` (benchmarks/run.py), or alone with `--json out.json`.
"""

import argparse
import asyncio
import hashlib
import itertools
import json
import os
import secrets
import sqlite3
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pages import (  # noqa: E402 - the harness's shared pieces: database, server, percentiles
    SERVER,
    Config,
    _ms,
    create_database,
    drop_database,
    gunicorn,
    hammer,
    percentile,
    server_environment,
    server_version,
    worker_kind,
)
from load import LoadFigures, wrk, wrk_get, wrk_posts  # noqa: E402 - the shared load generator

INSERT_CLIENTS = 16
BALLOT_PATH = "/api/v1/votes/paris/votations/climate/ballot"
PARIS_BALLOTS = 73_765
ANSWERS = ("yes", "no", "abstain")


def log(message: str) -> None:
    print(f"[bench_votes] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Sizes:
    ballots: int
    tally_ballots: int
    insert_seconds: float
    ceiling_seconds: float
    rounds: int

    @classmethod
    def from_env(cls, tiny: bool) -> "Sizes":
        env = os.environ.get
        return cls(
            ballots=int(env("BENCH_BALLOTS", "40" if tiny else str(PARIS_BALLOTS))),
            tally_ballots=int(env("BENCH_TALLY_BALLOTS", "2000" if tiny else "1000000")),
            insert_seconds=float(env("BENCH_INSERT_SECONDS", "1" if tiny else "10")),
            ceiling_seconds=float(env("BENCH_CEILING_SECONDS", "1" if tiny else "5")),
            rounds=int(env("BENCH_ROUNDS", "1" if tiny else "3")),
        )


def own_database(url: str) -> str:
    """The votes benchmark's own database, so that it never drops the one bench_pages is using."""
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        path = Path(parts.path)
        return f"sqlite:///{path.with_name(path.stem + '_votes' + path.suffix)}"
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path="/" + (name + "_votes" if not name.endswith("_votes") else name)))


# --- the site: a votation and its voters, made in bulk -----------------------------------------------


def make_voters(jurisdiction, count: int) -> list[str]:
    """`count` verified persons of `jurisdiction` (census records in 20 districts, born 1940-1999), each with an
    account and a write token, made in bulk; their token secrets."""
    from plaza.core.models import ApiToken, CensusRecord, Person, User, Verification
    from plaza.core.models.api import TOKEN_PREFIX, hash_secret

    batch, numbers = 5000, range(count)
    unusable = "!"  # nobody signs in: the voters use tokens
    users = User.objects.bulk_create(
        (User(email=f"voter{n}@bench.example", password=unusable) for n in numbers), batch_size=batch
    )
    records = CensusRecord.objects.bulk_create(
        (
            CensusRecord(
                jurisdiction=jurisdiction,
                document_hash=hashlib.sha256(f"doc{n}".encode()).hexdigest(),
                match_hash=hashlib.sha256(f"match{n}".encode()).hexdigest(),
                birth_year=1940 + n % 60,
                district=f"{1 + n % 20}e",
            )
            for n in numbers
        ),
        batch_size=batch,
    )
    persons = Person.objects.bulk_create(
        (Person(jurisdiction=jurisdiction, census_record=record) for record in records), batch_size=batch
    )
    Verification.objects.bulk_create(
        (
            Verification(jurisdiction=jurisdiction, user=user, person=person, level=Verification.Level.VERIFIED)
            for user, person in zip(users, persons, strict=True)
        ),
        batch_size=batch,
    )
    tokens = [f"{TOKEN_PREFIX}{n:08x}_{secrets.token_urlsafe(24)}" for n in numbers]
    ApiToken.objects.bulk_create(
        (
            ApiToken(
                user=user,
                name="bench",
                prefix=token.split("_", 2)[0] + "_" + token.split("_", 2)[1],
                secret_hash=hash_secret(token),
                scope=ApiToken.Scope.WRITE,
            )
            for user, token in zip(users, tokens, strict=True)
        ),
        batch_size=batch,
    )
    return tokens


def prepare_site(voters: int) -> list[str]:
    """Migrate, make Paris, a votation and `voters` verified persons with write tokens; their token secrets."""
    import django
    from django.core.management import call_command

    django.setup()
    from django_scopes import scopes_disabled

    from plaza.core.tests.factories import JurisdictionFactory
    from plaza.votes.tests.factories import VotationFactory

    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    with scopes_disabled():
        paris = JurisdictionFactory(slug="paris", name="Paris", time_zone="Europe/Paris")
        VotationFactory(jurisdiction=paris, slug="climate", title="Climate plan", booth=False)
        VotationFactory(jurisdiction=paris, slug="tally", title="A million ballots", booth=False)
        tokens = make_voters(paris, voters)
    log(f"database migrated, {voters:,} verified voters with tokens made in {time.monotonic() - started:.1f} s")
    return tokens


# --- the reference: committed single-row inserts from 16 clients -------------------------------------


def insert_rate(url: str, seconds: float) -> dict:
    """INSERT one row and COMMIT, again and again, from 16 clients at once (threads, one connection each)."""
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(INSERT_CLIENTS)
    sqlite_path = urlsplit(url).path if url.startswith("sqlite") else None

    def connect():
        if sqlite_path:
            conn = sqlite3.connect(sqlite_path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            return conn
        import psycopg

        parts = urlsplit(url)
        return psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password,
            dbname=parts.path.lstrip("/"),
            autocommit=True,
        )

    setup = connect()  # a new table each time: every measure starts from the same empty one
    setup.execute("DROP TABLE IF EXISTS bench_insert")
    setup.execute("CREATE TABLE bench_insert (id INTEGER PRIMARY KEY, client INT, payload TEXT)")
    setup.close()
    counter = itertools.count(1)
    deadline_holder: list[float] = []

    def client(number: int) -> None:
        conn = connect()
        mine = []
        try:
            start.wait()
            if number == 0:
                deadline_holder.append(time.perf_counter() + seconds)
            while not deadline_holder:
                time.sleep(0.0005)
            mark = "?" if sqlite_path else "%s"
            statement = f"INSERT INTO bench_insert (id, client, payload) VALUES ({mark}, {mark}, {mark})"  # noqa: S608
            while time.perf_counter() < deadline_holder[0]:
                sent = time.perf_counter()
                conn.execute(statement, (next(counter), number, '{"q1": ["yes"]}'))
                mine.append(time.perf_counter() - sent)
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(INSERT_CLIENTS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    ordered = sorted(latencies)
    log(f"reference: {len(ordered):,} committed single-row inserts in {elapsed:.1f} s")
    return {
        "target": f"raw INSERT + COMMIT, {INSERT_CLIENTS} clients (reference)",
        "reference": True,
        "count": len(ordered),
        "errors": 0,
        "rate": len(ordered) / seconds,
        "p50_ms": _ms(percentile(ordered, 0.50)),
        "p95_ms": _ms(percentile(ordered, 0.95)),
        "seconds": seconds,
    }


# --- the ballots, through HTTP ----------------------------------------------------------------------


@dataclass
class Casting:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0
    statuses: dict = field(default_factory=dict)


async def cast_all(url: str, ballots: list[tuple[str, dict]], clients: int) -> Casting:
    """Every (token, JSON body) is POSTed once; `clients` concurrent clients take the next as soon as they are free."""
    result = Casting()
    voters = iter(ballots)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        started = time.perf_counter()

        async def one_client() -> None:
            for token, body in voters:
                sent = time.perf_counter()
                try:
                    response = await client.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
                    status = response.status_code
                except httpx.HTTPError:
                    status = "connection error"
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status == 201:
                    result.latencies.append(time.perf_counter() - sent)
                else:
                    result.errors += 1

        await asyncio.gather(*(one_client() for _ in range(clients)))
        result.elapsed = time.perf_counter() - started
    return result


def ballots_in_database() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM votes_ballot b JOIN votes_votation v ON v.id = b.votation_id WHERE v.slug = 'climate'"
        )
        return cursor.fetchone()[0]


# --- the tally of a million ballots -----------------------------------------------------------------


def write_tally_ballots(count: int) -> None:
    """`count` ballots straight into the second votation (COPY on PostgreSQL), as if cast."""
    import uuid

    from django.db import connection
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from plaza.votes.models import Ballot, Votation

    with scopes_disabled():
        votation = Votation.objects.get(slug="tally")
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    started = time.monotonic()
    if connection.vendor == "postgresql":
        columns = "id, jurisdiction_id, votation_id, answers, receipt_hash, change_hash, cast_at, channel"
        with connection.cursor() as cursor, cursor.copy(f"COPY votes_ballot ({columns}) FROM STDIN") as copy:
            for n in range(count):
                copy.write_row(
                    (
                        uuid.uuid4(),
                        votation.jurisdiction_id,
                        votation.pk,
                        json.dumps({"q1": [ANSWERS[n % 3]]}),
                        hashlib.sha256(n.to_bytes(8, "big")).hexdigest(),
                        "",
                        now,
                        "online",
                    )
                )
    else:
        with scopes_disabled():
            Ballot.objects.bulk_create(
                (
                    Ballot(
                        jurisdiction_id=votation.jurisdiction_id,
                        votation=votation,
                        answers={"q1": [ANSWERS[n % 3]]},
                        receipt_hash=hashlib.sha256(n.to_bytes(8, "big")).hexdigest(),
                        cast_at=now,
                        channel="online",
                    )
                    for n in range(count)
                ),
                batch_size=5000,
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE votes_ballot")
    log(f"{count:,} ballots written for the tally in {time.monotonic() - started:.1f} s")


def tally_rows(count: int) -> list[dict]:
    from django_scopes import scopes_disabled

    from plaza.core.tenancy import jurisdiction_scope
    from plaza.votes import queries, tally
    from plaza.votes.models import Votation

    with scopes_disabled():
        votation = Votation.objects.select_related("jurisdiction").get(slug="tally")
    with jurisdiction_scope(votation.jurisdiction):
        votation = queries.votation_page(votation.jurisdiction, "tally")
        began = time.perf_counter()
        results = queries.results_of(votation)
        in_database = time.perf_counter() - began
        header = queries.votation_header(votation)
    expected = {key: sum(1 for n in range(count) if ANSWERS[n % 3] == key) for key in ANSWERS}
    got = {o.key: o.count for o in results.questions[0].options}
    if got != expected:
        raise SystemExit(f"the tally is wrong: {got} != {expected}")
    answers = [{"q1": [ANSWERS[n % 3]]} for n in range(count)]  # what plaza-tally holds after reading the file
    began = time.perf_counter()
    recount = tally.count(header, answers)
    in_python = time.perf_counter() - began
    if {o.key: o.count for o in recount.questions[0].options} != expected:
        raise SystemExit("plaza-tally's count differs from the app's")
    log(f"tally of {count:,}: {in_database:.2f} s from the database, {in_python:.2f} s in plaza-tally's count")
    return [
        {"target": f"tally of {count:,} ballots, results page (database)", "count": count, "seconds": in_database},
        {"target": f"tally of {count:,} ballots, plaza-tally count (Python)", "count": count, "seconds": in_python},
    ]


# --- the whole run ----------------------------------------------------------------------------------

COLUMNS = [
    {"key": "target", "label": "target"},
    {"key": "count", "label": "rows/ballots", "format": "int"},
    {"key": "errors", "label": "errors", "format": "int"},
    {"key": "rate", "label": "per second", "format": "float1"},
    {"key": "p50_ms", "label": "p50 ms", "format": "float1"},
    {"key": "p95_ms", "label": "p95 ms", "format": "float1"},
    {"key": "seconds", "label": "seconds", "format": "float2"},
]


def python_figures(load, elapsed: float, ok: int, errors: int) -> LoadFigures:
    ordered = sorted(load)
    return LoadFigures(
        requests=ok + errors,
        ok=ok,
        errors=errors,
        elapsed=elapsed,
        p50_ms=_ms(percentile(ordered, 0.50)),
        p95_ms=_ms(percentile(ordered, 0.95)),
        generator="Python asyncio + httpx",
    )


def healthz(base: str, config: Config, seconds: float, *, use_wrk: bool) -> LoadFigures:
    """The ceiling of this server and load generator: /healthz (the whole Django stack and SELECT 1)."""
    if use_wrk:
        return wrk_get(f"{base}/healthz", clients=config.clients, duration=seconds)
    load = asyncio.run(hammer(f"{base}/healthz", clients=config.clients, duration=seconds, max_requests=0))
    return python_figures(load.latencies, load.elapsed, len(load.latencies), load.errors)


def post_each(url: str, ballots: list[tuple[str, dict]], clients: int) -> LoadFigures:
    """Each (token, JSON body) POSTed once to `url` from `clients` connections: wrk when installed, else the Python
    client (BENCH_LOAD=python asks for it)."""
    if wrk() is not None:
        return wrk_posts(url, [(token, json.dumps(body)) for token, body in ballots], clients=clients)
    casting = asyncio.run(cast_all(url, ballots, clients))
    log(f"answers: {casting.statuses}")
    return python_figures(casting.latencies, casting.elapsed, len(casting.latencies), casting.errors)


def cast_every_ballot(base: str, tokens: list[str], config: Config) -> LoadFigures:
    ballots = [(token, {"answers": {"q1": [ANSWERS[n % 3]]}}) for n, token in enumerate(tokens)]
    return post_each(f"{base}{BALLOT_PATH}", ballots, config.clients)


def median_rounds(rounds: list[tuple[dict, LoadFigures]], target: str) -> tuple[dict, dict, list[dict]]:
    """The reference row and the ballots row of the rounds (each the median round by rate, the ballots row counting
    every round's ballots and time), and one row per round with its own ratio to its own reference."""
    references = sorted((reference for reference, _casting in rounds), key=lambda r: r["rate"])
    castings = sorted((casting for _reference, casting in rounds), key=lambda c: c.rate or 0)
    reference = {**references[len(references) // 2], "reference": True}
    if len(rounds) > 1:
        reference["target"] += f", median of {len(rounds)} rounds"
    median = castings[len(castings) // 2]
    ballots = figures_row(
        target + (f", median of {len(rounds)} rounds" if len(rounds) > 1 else ""),
        median,
        count=sum(c.ok for c in castings),
        seconds=sum(c.elapsed for c in castings),
    )
    ballots["errors"] = sum(c.errors for c in castings)
    ballots["rate"] = median.rate
    per_round = [
        figures_row(
            f"round {n}: ballots, {casting.rate / own['rate']:.1%} of its reference ({own['rate']:,.0f}/s)", casting
        )
        for n, (own, casting) in enumerate(rounds, 1)
    ]
    return reference, ballots, per_round if len(rounds) > 1 else []


def figures_row(target: str, figures: LoadFigures, **extra) -> dict:
    return {
        "target": target,
        "count": figures.ok,
        "errors": figures.errors,
        "rate": figures.rate,
        "p50_ms": figures.p50_ms,
        "p95_ms": figures.p95_ms,
        "seconds": figures.elapsed,
        **extra,
    }


def run(config: Config, sizes: Sizes) -> dict:
    config = replace(config, database_url=own_database(config.database_url))
    use_wrk = wrk() is not None
    # The ballots' server: keep-alive workers (gthread) unless BENCH_THREADS says otherwise; docs/deploy.md.
    ballot_config = replace(config, threads=int(os.environ.get("BENCH_THREADS", "4")))
    sync_config = replace(config, threads=1)
    generator = "wrk" if use_wrk else "Python asyncio + httpx"
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="plaza-bench-votes-") as tmp:
        env = server_environment(config, Path(tmp))
        env["PLAZA_API_RATE"] = "1000000/m"  # one token a voter, but the load comes from one address
        os.environ.update(env)
        create_database(config.database_url)
        try:
            tokens = prepare_site(sizes.ballots)
            from django.db import connections

            connections.close_all()
            with gunicorn(sync_config, env) as (_server, base):
                ceilings = [("Python asyncio + httpx", healthz(base, config, sizes.ceiling_seconds, use_wrk=False))]
                if use_wrk:
                    ceilings.append(("wrk", healthz(base, config, sizes.ceiling_seconds, use_wrk=True)))
            for name, figures in ceilings:
                rows.append(figures_row(f"/healthz, {worker_kind(sync_config)} workers, {name}", figures))
            rounds: list[tuple[dict, LoadFigures]] = []
            with gunicorn(ballot_config, env) as (_server, base):
                if ballot_config.threads != 1:
                    ceiling = healthz(base, config, sizes.ceiling_seconds, use_wrk=use_wrk)
                    rows.append(figures_row(f"/healthz, {worker_kind(ballot_config)} workers, {generator}", ceiling))
                for number in range(sizes.rounds):
                    reference = insert_rate(config.database_url, sizes.insert_seconds)
                    casting = cast_every_ballot(base, tokens[number :: sizes.rounds], config)
                    log(
                        f"round {number + 1}: reference {reference['rate']:,.0f}/s, ballots {casting.rate:,.0f}/s "
                        f"({casting.rate / reference['rate']:.1%})"
                    )
                    rounds.append((reference, casting))
            stored, acknowledged = ballots_in_database(), sum(casting.ok for _r, casting in rounds)
            if stored != acknowledged:
                raise SystemExit(f"{stored} ballots stored but {acknowledged} acknowledged")
            elapsed = sum(casting.elapsed for _r, casting in rounds)
            log(f"{len(tokens):,} ballots in {elapsed:.1f} s, {acknowledged:,} acknowledged, all stored once")
            write_tally_ballots(sizes.tally_ballots)
            tallies = tally_rows(sizes.tally_ballots)
            version = server_version(config.database_url)
        finally:
            from django.db import connections

            connections.close_all()
            drop_database(config.database_url)
    reference, ballots_row, round_rows = median_rounds(
        rounds, f"ballot via HTTP (POST …/ballot), {worker_kind(ballot_config)}, {generator}"
    )
    return {
        "title": "ballots through HTTP, raw inserts, tally",
        "config": [
            f"server: {SERVER}, {config.workers} workers "
            "(as each row names them; gunicorn's sync workers close every connection, gthread and granian keep them), "
            f"plaza.settings.production (DEBUG off), {version}, DB_CONN_MAX_AGE={config.conn_max_age}",
            f"load: {len(tokens):,} verified voters cast once each (a write token each) from {config.clients} "
            f"concurrent connections, {generator} on the same machine, 127.0.0.1",
        ],
        "columns": COLUMNS,
        "rows": [reference, *rows, ballots_row, *round_rows, *tallies],
        "ratio_of": ["rate"],
        "notes": [
            f"reference: {INSERT_CLIENTS} threads, one connection each, autocommit INSERT of one row, for "
            f"{sizes.insert_seconds:g} s, in the same database just before each round of ballots (the server "
            f"idle); {sizes.rounds} rounds, each casting a {sizes.rounds}th of the voters' ballots: the reference "
            "and ballot rows are the medians of the rounds, each round's row gives its own ratio.",
            "/healthz rows: the ceiling of each server and load generator (the whole Django stack and SELECT 1, "
            f"{sizes.ceiling_seconds:g} s each); sync workers close every connection, gthread keeps them alive.",
            "ballot: token check, permission, electorate, roll row and ballot row written once, receipt (the lean "
            "path of plaza/core/api/lean.py); 'seconds' is the time for all the ballots (Paris 2018: 73,765).",
            "tally: the results page's count (the database groups identical ballots, tally.py counts) and "
            "plaza-tally's count of the same ballots in memory (file reading not included).",
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, required=True, help="write the result here")
    args = parser.parse_args()
    config = Config.from_env()
    tiny = config.database_url.startswith("sqlite")
    result = run(config, Sizes.from_env(tiny))
    args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
