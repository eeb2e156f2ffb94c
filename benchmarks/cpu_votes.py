"""CPU per ballot, in-process: the cast path's cost without the machine's noise (wall clock is meaningless here).

Makes its own database (`<name>_cpu`, PostgreSQL by default), BENCH_BALLOTS voters with write
tokens (as bench_votes does), then calls Plaza's WSGI application directly (no socket, no load
generator) once per voter and reports, per request: the Python process's CPU time
(`time.process_time`), the PostgreSQL backend's CPU time (read from /proc when the server runs on
this machine) and the SQL statements. `/healthz` is measured the same way as the floor of the
Django stack. `--profile out.txt` writes a cProfile of the ballots, sorted by cumulative time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plaza_bench .venv/bin/python benchmarks/cpu_votes.py
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pages import Config, create_database, drop_database, server_environment  # noqa: E402
from bench_votes import ANSWERS, own_database, prepare_site  # noqa: E402

BALLOT_PATH = "/api/v1/votes/paris/votations/climate/ballot"


def environ(method: str, path: str, body: bytes = b"", token: str = "") -> dict:
    """What gunicorn hands the application for one request (the same keys, no socket)."""
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if body:
        env["CONTENT_TYPE"] = "application/json"
        env["CONTENT_LENGTH"] = str(len(body))
    if token:
        env["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return env


def call(app, env: dict) -> int:
    status: list[str] = []
    chunks = app(env, lambda s, headers, exc_info=None: status.append(s))
    b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return int(status[0].split()[0])


def backend_cpu() -> float | None:
    """CPU seconds the PostgreSQL backend serving this process's connection has used (None if not local)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(app, envs: list[dict], expect: int, profile: cProfile.Profile | None = None) -> dict:
    call(app, envs[0])  # warm: the connection, per-process caches
    db_before = backend_cpu()
    cpu_before = time.process_time()
    if profile:
        profile.enable()
    statuses = [call(app, env) for env in envs[1:]]
    if profile:
        profile.disable()
    cpu = time.process_time() - cpu_before
    db_after = backend_cpu()
    bad = [s for s in statuses if s != expect]
    if bad:
        raise SystemExit(f"{len(bad)} requests answered {sorted(set(bad))}, not {expect}")
    n = len(envs) - 1
    return {
        "requests": n,
        "python_ms": cpu / n * 1000,
        "database_ms": (db_after - db_before) / n * 1000 if db_before is not None and db_after is not None else None,
    }


def reset_votes(ballots: int) -> list[str] | None:
    """Reuse a database kept by `--keep`: empty the roll and ballots, give the voters fresh tokens."""
    import django
    from django.db import connection

    django.setup()
    from plaza.core.models import ApiToken
    from plaza.core.models.api import hash_secret

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_apitoken WHERE name = 'bench'")
        if cursor.fetchone()[0] != ballots + 1:
            return None
        cursor.execute("DELETE FROM votes_ballot")
        cursor.execute("DELETE FROM core_voterrollentry")
    tokens = []
    for token in ApiToken.objects.filter(name="bench").order_by("pk"):
        secret = f"{token.prefix}_{secrets.token_urlsafe(24)}"
        token.secret_hash, token.last_used_at = hash_secret(secret), None
        tokens.append((token, secret))
    ApiToken.objects.bulk_update([t for t, _s in tokens], ["secret_hash", "last_used_at"], batch_size=2000)
    from plaza.core.models import User

    User.objects.filter(email="last@bench.example").delete()  # its census record stays: an unused one
    return [s for _t, s in tokens]


def run(ballots: int, profile_to: Path | None, keep: bool) -> dict:
    config = Config.from_env()
    url = own_database(config.database_url).removesuffix("_votes") + "_cpu"
    with tempfile.TemporaryDirectory(prefix="plaza-cpu-votes-") as tmp:
        env = server_environment(config.__class__(**{**config.__dict__, "database_url": url}), Path(tmp))
        env["PLAZA_API_RATE"] = "1000000/m"
        os.environ.update(env)
        tokens = None
        if keep:
            try:
                tokens = reset_votes(ballots)
            except Exception:  # noqa: BLE001 - no such database yet: make it
                tokens = None
        if tokens is None:
            from django.db import connections

            connections.close_all()  # a kept database that could not be reused is made again: no connection to it stays
            create_database(url)
        try:
            tokens = tokens or prepare_site(ballots + 1)
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            from plaza.wsgi import application as app  # what the servers serve: the intake in front of Django

            health = measure(app, [environ("GET", "/healthz") for _ in range(ballots + 1)], 200)
            with CaptureQueriesContext(connection) as captured:
                call(app, environ("GET", "/healthz"))
            health["statements"] = len(captured.captured_queries)
            bodies = [json.dumps({"answers": {"q1": [ANSWERS[n % 3]]}}).encode() for n in range(len(tokens))]
            envs = [environ("POST", BALLOT_PATH, body, token) for body, token in zip(bodies, tokens, strict=True)]
            profile = cProfile.Profile(time.process_time) if profile_to else None
            ballot = measure(app, envs, 201, profile)
            statements = _ballot_statements(app)
            plans = _plans()
            if profile_to:
                out = io.StringIO()
                pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(60)
                profile_to.write_text(out.getvalue())
        finally:
            from django.db import connections

            connections.close_all()
            if not keep:
                drop_database(url)
    ballot["statements"] = statements
    ballot["plans"] = plans
    return {"healthz": health, "ballot": ballot}


def _plans() -> list[dict]:
    """How PostgreSQL ran this connection's prepared statements: planned once (generic) or afresh each time (custom)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT left(statement, 60), generic_plans, custom_plans FROM pg_prepared_statements")
        return [{"statement": " ".join(s.split()), "generic": g, "custom": c} for s, g, c in cursor.fetchall()]


def _ballot_statements(app) -> int:
    """The statements of one more ballot (a fresh voter made for it), as the API test pins them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scopes_disabled

    from plaza.core.models import ApiToken, CensusRecord, Jurisdiction, Person, User, Verification
    from plaza.core.models.api import TOKEN_PREFIX, hash_secret

    with scopes_disabled():
        paris = Jurisdiction.objects.get(slug="paris")
        user = User.objects.create(email="last@bench.example", password="!")  # noqa: S106 - unusable: nobody signs in
        record = CensusRecord.objects.create(
            jurisdiction=paris, document_hash=secrets.token_hex(32), match_hash=secrets.token_hex(32)
        )
        person = Person.objects.create(jurisdiction=paris, census_record=record)
        Verification.objects.create(jurisdiction=paris, user=user, person=person, level=Verification.Level.VERIFIED)
        secret = f"{TOKEN_PREFIX}ffffffff_{secrets.token_urlsafe(24)}"
        ApiToken.objects.create(
            user=user, name="last", prefix="plaza_ffffffff", secret_hash=hash_secret(secret), scope="write"
        )
    body = json.dumps({"answers": {"q1": ["yes"]}}).encode()
    with CaptureQueriesContext(connection) as captured:
        status = call(app, environ("POST", BALLOT_PATH, body, secret))
    if status != 201:
        raise SystemExit(f"the counted ballot answered {status}")
    return len(captured.captured_queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=int(os.environ.get("BENCH_BALLOTS", "1000")))
    parser.add_argument("--profile", type=Path, help="write a cProfile (CPU time) of the ballots here")
    parser.add_argument("--keep", action="store_true", help="keep the database for the next run (and reuse one kept)")
    args = parser.parse_args()
    result = run(args.ballots, args.profile, args.keep)
    for name, figures in result.items():
        db = "n/a" if figures["database_ms"] is None else f"{figures['database_ms']:.3f}"
        print(
            f"{name:8} {figures['requests']:6} requests  python CPU {figures['python_ms']:.3f} ms/request  "
            f"database CPU {db} ms/request  statements {figures['statements']}"
        )
        for plan in figures.get("plans", []):
            print(f"  prepared: {plan['generic']} generic plans, {plan['custom']} custom plans: {plan['statement']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
