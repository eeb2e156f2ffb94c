"""Page benchmark: the demo network's busiest pages under concurrent load on a real gunicorn.

It makes its own database (PostgreSQL by default), migrates it, loads the demo network,
collects static files, then serves Plaza with gunicorn on 127.0.0.1 with the production
settings and sends N concurrent clients at each target for a bounded time. The reference is
measured in the same run: /healthz (the whole Django stack and one trivial query). A static
file served by WhiteNoise is measured too, as the floor of the server itself.

Run it through `make bench` (benchmarks/run.py), or alone with `--json out.json`.
"""

import argparse
import asyncio
import io
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the benchmarks' own modules, however this one is loaded
import load as load_generator  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/plaza_bench"
# (path, label in the table, is the reference)
TARGETS = (
    ("/healthz", "/healthz (reference)", True),
    ("/static/core/plaza.css", "/static/core/plaza.css", False),
    ("/paris/", "/paris/", False),
    ("/paris/processes/climate-plan/", "/paris/processes/climate-plan/", False),
)


@dataclass(frozen=True)
class Config:
    clients: int
    duration: float
    requests: int  # 0: no cap, the duration bounds the run
    rounds: int  # the duration (and cap) is split into this many round-robin passes over the targets
    warmup: float
    workers: int
    threads: int
    conn_max_age: int
    database_url: str

    @classmethod
    def from_env(cls) -> "Config":
        env = os.environ.get
        return cls(
            clients=int(env("BENCH_CLIENTS", "50")),
            duration=float(env("BENCH_DURATION", "15")),
            requests=int(env("BENCH_REQUESTS", "0")),
            rounds=max(1, int(env("BENCH_ROUNDS", "3"))),
            warmup=float(env("BENCH_WARMUP", "2")),
            workers=int(env("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1))),
            threads=int(env("BENCH_THREADS", "1")),
            conn_max_age=int(env("BENCH_CONN_MAX_AGE", "60")),
            database_url=env("BENCH_DATABASE_URL") or env("DATABASE_URL") or DEFAULT_DATABASE_URL,
        )


def log(message: str) -> None:
    print(f"[bench_pages] {message}", file=sys.stderr, flush=True)


# --- the benchmark's own database -------------------------------------------------------------


def database_name(url: str) -> str:
    parts = urlsplit(url)
    name = Path(parts.path).name if parts.scheme.startswith("sqlite") else parts.path.lstrip("/")
    if "bench" not in name:
        # The benchmark drops its database when it ends: never let it near a real one.
        raise SystemExit(f"Refusing database {name!r}: a benchmark database's name must contain 'bench'.")
    return name


def _maintenance_connection(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    )


def create_database(url: str) -> None:
    name = database_name(url)
    if url.startswith("sqlite"):
        drop_database(url)
        return
    from psycopg import sql

    with _maintenance_connection(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    name = database_name(url)
    if url.startswith("sqlite"):
        path = Path(urlsplit(url).path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    from psycopg import sql

    with _maintenance_connection(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _cache_url() -> str:
    """Redis for the served site's cache, as in production (`BENCH_REDIS_URL`, default database 15 of the local
    Redis when it answers; empty: each worker's local memory)."""
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    if not url:
        return ""
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 - no Redis here: the embedded default's cache
        return ""
    return url


CACHE_URL = _cache_url()


def server_environment(config: Config, scratch: Path) -> dict[str, str]:
    """The production profile, on loopback, with a throw-away secret and files in a scratch folder.

    The cache is Redis when there is one (flushed first: kept pieces of pages from an earlier run's database
    must not be served from this one's); background jobs run in-process (no worker is started).
    """
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DEBUG", "PLAZA_TESTING"}}
    if CACHE_URL:
        import redis

        redis.Redis.from_url(CACHE_URL).flushdb()
        env.update(REDIS_URL=CACHE_URL, PLAZA_JOB_BACKEND="inline")
    env.update(
        DJANGO_SETTINGS_MODULE="plaza.settings.production",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        PLAZA_SITE_URL="https://plaza.bench.example",
        DATABASE_URL=config.database_url,
        DB_CONN_MAX_AGE=str(config.conn_max_age),
        STATIC_ROOT=str(scratch / "static"),
        MEDIA_ROOT=str(scratch / "media"),
        LOG_LEVEL="WARNING",
        PLAZA_SERVER_TIMING="1",  # each answer says how long Django itself took: `server p95` beside the clients' view
    )
    return env


def prepare_site() -> None:
    """Migrate, load the demo network and collect static files, in this process."""
    import django
    from django.core.management import call_command
    from django.test import override_settings

    django.setup()
    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    # No request signs in, and PBKDF2 would spend ~10 s hashing the demo accounts' passwords.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        call_command("load_demo", stdout=io.StringIO())  # its list of demo logins is not for this output
    call_command("collectstatic", interactive=False, verbosity=0)
    log(f"database migrated, demo network loaded, static files collected in {time.monotonic() - started:.1f} s")


def count_queries(paths: list[str]) -> dict[str, int]:
    """SQL queries for one warm request of each target, through the whole middleware stack."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for path in paths:
        client.get(path)  # the first request fills per-process caches (content types, templates)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code} in-process; the benchmark would be meaningless.")
        counts[path] = len(captured.captured_queries)
    connection.close()
    return counts


# --- the server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SERVER = os.environ.get("BENCH_SERVER", "gunicorn")  # or granian


@contextmanager
def gunicorn(config: Config, env: dict[str, str]) -> Iterator[tuple[subprocess.Popen, str]]:
    port = free_port()
    if SERVER == "granian":  # Rust HTTP in front of the same WSGI application; connections kept alive
        command = [str(Path(sys.executable).with_name("granian")), "--interface", "wsgi", "plaza.wsgi:application"]
        command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(config.workers)]
        command += ["--blocking-threads", str(config.threads), "--backlog", "2048", "--log-level", "warning"]
        command += ["--no-ws"]
    else:
        command = [sys.executable, "-m", "gunicorn", "plaza.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{port}", "--workers", str(config.workers), "--threads", str(config.threads)]
        command += ["--timeout", "60", "--backlog", "2048", "--log-level", "warning", "--error-logfile", "-"]
        if config.threads > 1:  # gthread keeps connections alive: longer than the load generator's pauses
            command += ["--keep-alive", "75"]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(server, base)
        yield server, base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_ready(server: subprocess.Popen, base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode} before it answered.")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz in time.")


def worker_rss(server: subprocess.Popen) -> list[int]:
    """Resident memory (bytes) of each gunicorn worker (the master's children)."""
    sizes = []
    for child in psutil.Process(server.pid).children(recursive=True):
        try:
            sizes.append(child.memory_info().rss)
        except psutil.NoSuchProcess:
            continue
    return sizes


# --- the load ------------------------------------------------------------------------------------


@dataclass
class Load:
    # Each answered request's latency (Python client), or wrk's latency at each percentile repeated in
    # proportion to the requests it stands for (so that loads of several rounds merge by weight).
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0
    server_ms: list[float] = field(default_factory=list)  # the Server-Timing `app` time of each answer
    ok: int = 0

    def add(self, part: "Load") -> None:
        self.latencies += part.latencies
        self.errors += part.errors
        self.elapsed += part.elapsed
        self.server_ms += part.server_ms
        self.ok += part.ok

    @property
    def requests(self) -> int:
        return self.ok + self.errors

    def answered(self, seconds: float, response: httpx.Response) -> None:
        """Count one answer the Python client got: its latency, and the server's own time (Server-Timing `app`,
        ms) when the server says it."""
        from plaza.core.server_timing import server_milliseconds

        self.latencies.append(seconds)
        self.ok += 1
        value = server_milliseconds(response.headers.get("Server-Timing", ""))
        if value is not None:
            self.server_ms.append(value)


def wrk_hammer(url: str, *, clients: int, duration: float, cookie: str = "") -> Load:
    """As `hammer`, with wrk as the clients (a few microseconds of CPU a request instead of a millisecond)."""
    figures = load_generator.wrk_page(url, clients=clients, duration=duration, cookie=cookie)
    copies = max(1, figures["ok"] // 100)
    latencies = [int(us) / 1e6 for us in figures["quantiles_us"] for _ in range(copies)] if figures["ok"] else []
    errors = figures["refused"] + figures["socket_errors"]
    return Load(latencies, errors, figures["seconds"], [float(ms) for ms in figures["server_ms"]], figures["ok"])


async def hammer(url: str, *, clients: int, duration: float, max_requests: int) -> Load:
    """`clients` concurrent clients, each sending its next request as soon as the last one answered.

    With wrk installed (and BENCH_LOAD not python) wrk sends them, for the duration (no request cap).
    """
    if load_generator.wrk():
        return wrk_hammer(url, clients=clients, duration=duration)
    load = Load()
    budget = max_requests or float("inf")
    issued = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
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


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def measure(server, base: str, config: Config, queries: dict[str, int]) -> list[dict]:
    """Round-robin over the targets, so load from elsewhere on the machine hits them all alike."""
    loads = {path: Load() for path, _label, _ref in TARGETS}
    rss: dict[str, list[int]] = {}
    for path in loads:
        if config.warmup:
            asyncio.run(
                hammer(base + path, clients=config.clients, duration=config.warmup, max_requests=config.requests)
            )
    for round_number in range(config.rounds):
        cap = config.requests // config.rounds + (round_number < config.requests % config.rounds)
        for path, load in loads.items():
            part = asyncio.run(
                hammer(base + path, clients=config.clients, duration=config.duration / config.rounds, max_requests=cap)
            )
            load.add(part)
            rss[path] = worker_rss(server)
    for path, load in loads.items():
        log(f"{path}: {load.requests} requests, {load.errors} errors in {load.elapsed:.1f} s")
    return [row(path, label, is_reference, loads[path], queries, rss[path]) for path, label, is_reference in TARGETS]


def row(path: str, label: str, is_reference: bool, load: Load, queries: dict[str, int], rss: list[int]) -> dict:
    ordered = sorted(load.latencies)
    return {
        "target": label,
        "reference": is_reference,
        "requests": load.requests,
        "errors": load.errors,
        "rps": load.requests / load.elapsed if load.elapsed else None,
        "p50_ms": _ms(percentile(ordered, 0.50)),
        "p95_ms": _ms(percentile(ordered, 0.95)),
        "p99_ms": _ms(percentile(ordered, 0.99)),
        "server_p95_ms": percentile(sorted(load.server_ms), 0.95),
        "queries": queries.get(path),
        "rss_mib": statistics.mean(rss) / 2**20 if rss else None,
    }


SERVER_NOTE = (
    "server p95: the time Django itself took for each answer under that load (its Server-Timing 'app' value), "
    "without the wait in gunicorn's and the kernel's queues."
)


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


# --- the whole run -------------------------------------------------------------------------------

COLUMNS = [
    {"key": "target", "label": "target"},
    {"key": "requests", "label": "requests", "format": "int"},
    {"key": "errors", "label": "errors", "format": "int"},
    {"key": "rps", "label": "req/s", "format": "float1"},
    {"key": "p50_ms", "label": "p50 ms", "format": "float1"},
    {"key": "p95_ms", "label": "p95 ms", "format": "float1"},
    {"key": "p99_ms", "label": "p99 ms", "format": "float1"},
    {"key": "server_p95_ms", "label": "server p95 ms", "format": "float1"},
    {"key": "queries", "label": "SQL/page", "format": "int"},
    {"key": "rss_mib", "label": "RSS/worker MiB", "format": "float1"},
]


def worker_kind(config: Config) -> str:
    """What each worker process is: granian's with N blocking threads, gunicorn's sync or gthread."""
    if SERVER == "granian":
        return f"granian {config.threads}-thread"
    return "sync" if config.threads == 1 else f"gthread x{config.threads}"


def server_kind(config: Config) -> str:
    """The server as the run started it, and the cache the site used."""
    served = f"{SERVER}, {config.workers} {worker_kind(config)} workers"
    return f"{served}; cache: {'Redis (' + CACHE_URL + ', flushed first)' if CACHE_URL else 'local memory per worker'}"


def describe(config: Config, database: str, rss_total: int) -> list[str]:
    cap = f", at most {config.requests} requests" if config.requests else ""
    client = "wrk" if load_generator.wrk() else "Python asyncio + httpx"
    return [
        f"server: {server_kind(config)}, plaza.settings.production (DEBUG off), "
        f"{database}, DB_CONN_MAX_AGE={config.conn_max_age}",
        f"load: {config.clients} concurrent clients per target for {config.duration:g} s{cap} in "
        f"{config.rounds} round-robin rounds, after {config.warmup:g} s of warm-up; "
        f"{client} on the same machine, 127.0.0.1",
        f"all workers together: {rss_total / 2**20:.0f} MiB resident after the run",
    ]


def server_version(url: str) -> str:
    if url.startswith("sqlite"):
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with _maintenance_connection(url) as conn:
        return "PostgreSQL " + conn.execute("SHOW server_version").fetchone()[0].split()[0]


def run(config: Config) -> dict:
    with tempfile.TemporaryDirectory(prefix="plaza-bench-pages-") as tmp:
        env = server_environment(config, Path(tmp))
        os.environ.update(env)
        create_database(config.database_url)
        try:
            prepare_site()
            queries = count_queries([path for path, _label, _ref in TARGETS])
            with gunicorn(config, env) as (server, base):
                rows = measure(server, base, config, queries)
                rss_total = sum(worker_rss(server))
        finally:
            from django.db import connections

            connections.close_all()
            drop_database(config.database_url)
    return {
        "title": "demo network pages on gunicorn",
        "config": describe(config, server_version(config.database_url), rss_total),
        "columns": COLUMNS,
        "rows": rows,
        "ratio_of": ["rps", "p50_ms", "p95_ms"],
        "notes": [
            "/healthz: the whole Django stack and SELECT 1; /static/...: WhiteNoise, before any view.",
            "With more clients than workers the server is saturated: latency is mostly queueing "
            "(clients / throughput), and 'req/s / ref' is the page's cost relative to the reference.",
            "SQL/page: queries of one warm request, counted in-process with CaptureQueriesContext.",
            SERVER_NOTE,
            "RSS/worker: mean resident memory of the gunicorn workers after that target's last round.",
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
