"""Participatory budgeting winner rules: Plaza's vectorised MES next to pabutools' on the same instances.

Rows: the largest real Pabulib instances in ../shared/realdata/pabulib and generated ones (random
approval ballots, project popularity 1-20 %, costs 10k-500k, budget 30 % of the total cost).
Every Plaza row says whether its winners equal pabutools' (measured in the same run); pabutools
runs on its multiprofile (identical ballots merged, ~5x faster than a plain profile).
`--tiny` runs small sizes only. BENCH_PABUTOOLS_MAX_VOTERS (default 20000) caps the generated
sizes pabutools is asked to solve: above it pabutools takes minutes, and the row says so.

Then ballot casting through HTTP: the demo network on gunicorn (production settings, PostgreSQL
by default, the database set up and dropped as bench_pages does), BENCH_BALLOTS verified residents
(default 400) each saving a basket on Madrid's open budget from BENCH_CLIENTS concurrent clients
(default 16), then every one of them sending the same form again: the second pass must be refused
and leave the count unchanged (one ballot per person).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plaza.settings")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from plaza.budgets import pabulib, rules  # noqa: E402  (no Django needed for the rules)

REAL = Path(os.environ.get("PLAZA_SHARED_DIR", "/work/shared")) / "realdata" / "pabulib"


def generated(projects: int, voters: int, seed: int = 1) -> rules.Election:
    rng = np.random.default_rng(seed)
    matrix = rng.random((voters, projects)) < rng.uniform(0.01, 0.2, projects)
    costs = (rng.integers(10, 500, projects) * 1000).tolist()
    return rules.Election.from_matrix(
        project_ids=[str(j) for j in range(projects)], costs=costs, budget=sum(costs) * 3 // 10, approvals=matrix
    )


def timed(function, *args):
    started = time.perf_counter()
    value = function(*args)
    return value, time.perf_counter() - started


def pabutools_mes(election: rules.Election) -> list[str]:
    from pabutools.election import Cost_Sat
    from pabutools.rules import method_of_equal_shares

    from plaza.budgets.tests.pabutools_reference import pabutools_instance

    instance, profile = pabutools_instance(election)
    result = method_of_equal_shares(instance, profile.as_multiprofile(), sat_class=Cost_Sat)
    return sorted(p.name for p in result)


def compare(name: str, election: rules.Election, with_pabutools: bool) -> dict:
    mine, plaza_s = timed(rules.mes, election)
    row = {
        "instance": name,
        "size": f"{len(election.costs)} x {election.voters:,}",
        "plaza_s": plaza_s,
        "winners": len(mine.selected),
    }
    if with_pabutools:
        theirs, pabutools_s = timed(pabutools_mes, election)
        row.update(
            pabutools_s=pabutools_s,
            speedup=pabutools_s / plaza_s,
            same="yes" if sorted(mine.selected) == theirs else "NO",
        )
        if row["same"] == "NO":
            row["errors"] = 1
    else:
        row["same"] = "not run (minutes)"
    return row


def _residents(count: int) -> list[str]:
    """Verified Madrid residents with a signed-in session each; returns their session keys."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_scopes import scopes_disabled

    from plaza.core.models import Jurisdiction
    from plaza.core.tests.factories import CensusRecordFactory, PersonFactory, UserFactory, VerificationFactory

    keys = []
    with scopes_disabled():
        madrid = Jurisdiction.objects.get(slug="madrid")
        for n in range(count):
            record = CensusRecordFactory(jurisdiction=madrid, document_id=f"BENCH{n:06d}")
            person = PersonFactory(jurisdiction=madrid, census_record=record)
            user = VerificationFactory(jurisdiction=madrid, person=person, user=UserFactory()).user
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            keys.append(session.session_key)
    return keys


def _post_all(base: str, path: str, project: int, keys: list[str], clients: int) -> tuple[list[float], list[int]]:
    import queue
    import threading

    import httpx

    work: queue.Queue = queue.Queue()
    for key in keys:
        work.put(key)
    timings: list[float] = []
    statuses: list[int] = []
    token = "b" * 32  # the CSRF secret, sent as cookie and form field alike

    def client() -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            while True:
                try:
                    key = work.get_nowait()
                except queue.Empty:
                    return
                started = time.perf_counter()
                answer = http.post(
                    path,
                    data={"csrfmiddlewaretoken": token, "project": str(project), "save": "1", "revision": ""},
                    headers={"Cookie": f"sessionid={key}; csrftoken={token}", "Referer": base + path},
                )
                timings.append(time.perf_counter() - started)
                statuses.append(answer.status_code)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, statuses


def ballot_rows(tiny: bool) -> list[dict]:
    import tempfile

    import bench_pages

    config = bench_pages.Config.from_env()
    count = int(os.environ.get("BENCH_BALLOTS", "20" if tiny else "400"))
    clients = int(os.environ.get("BENCH_CLIENTS", "16"))
    with tempfile.TemporaryDirectory(prefix="plaza-bench-budgets-") as tmp:
        env = bench_pages.server_environment(config, Path(tmp))
        os.environ.update(env)
        bench_pages.create_database(config.database_url)
        try:
            bench_pages.prepare_site()
            from django_scopes import scopes_disabled

            from plaza.budgets.models import Ballot, Budget
            from plaza.core.models import VoterRollEntry

            keys = _residents(count)
            with scopes_disabled():
                budget = Budget.objects.get(slug="madrid-budget-2026")
                project = budget.projects.order_by("pk").first().pk
            path = "/madrid/budgets/madrid-budget-2026/ballot/centro/"
            with bench_pages.gunicorn(config, env) as (_server, base):
                started = time.perf_counter()
                timings, statuses = _post_all(base, path, project, keys, clients)
                elapsed = time.perf_counter() - started
                _again, repeated = _post_all(base, path, project, keys, clients)
            with scopes_disabled():
                stored = Ballot.objects.filter(budget=budget).count()
                roll = VoterRollEntry.objects.filter(election_key=budget.election_key).count()
        finally:
            from django.db import connections

            connections.close_all()
            bench_pages.drop_database(config.database_url)
    timings.sort()
    ok = statuses.count(302) == count and stored == count == roll and repeated.count(400) == count
    return [
        {
            "instance": f"HTTP ballots ({bench_pages.database_name(config.database_url)}, {config.workers} workers)",
            "size": f"{count:,} residents, {clients} clients",
            "plaza_s": elapsed,
            "rps": count / elapsed,
            "p50_ms": 1000 * timings[len(timings) // 2],
            "p95_ms": 1000 * timings[int(len(timings) * 0.95) - 1],
            "same": f"{stored} ballots, {roll} on roll, {repeated.count(400)} repeats refused",
            **({} if ok else {"errors": 1}),
        }
    ]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", type=Path, required=True)
    args = parser.parse_args()
    tiny = os.environ.get("BENCH_DATABASE_URL", "").startswith("sqlite")
    cap = int(os.environ.get("BENCH_PABUTOOLS_MAX_VOTERS", "20000"))
    rows = []
    real = sorted(REAL.glob("*.pb"), key=lambda p: p.stat().st_size, reverse=True)[: 1 if tiny else 2]
    for path in real:
        rows.append(compare(path.stem[:40], pabulib.read(str(path)).election(), True))
    sizes = [(50, 2000)] if tiny else [(50, 10_000), (200, 10_000), (200, 100_000)]
    for projects, voters in sizes:
        rows.append(compare("generated", generated(projects, voters), voters <= cap))
    projects, voters = (50, 2000) if tiny else (200, 100_000)
    election = generated(projects, voters)
    complete, seconds = timed(rules.mes_complete, election)
    rows.append(
        {
            "instance": "generated, mes-complete",
            "size": f"{projects} x {voters:,}",
            "plaza_s": seconds,
            "winners": len(complete.selected),
            "same": "not run (pabutools: hours)",
        }
    )
    rows.extend(ballot_rows(tiny))
    result = {
        "title": "Method of Equal Shares: Plaza (NumPy, exact ties) vs pabutools 1.2.3",
        "config": [f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}; machine shared with other jobs"],
        "columns": [
            {"key": "instance", "label": "instance"},
            {"key": "size", "label": "projects x voters"},
            {"key": "plaza_s", "label": "Plaza s", "format": "float2"},
            {"key": "pabutools_s", "label": "pabutools s", "format": "float2"},
            {"key": "speedup", "label": "speed-up", "format": "float1"},
            {"key": "winners", "label": "winners", "format": "int"},
            {"key": "same", "label": "same winners"},
            {"key": "rps", "label": "ballots/s", "format": "float1"},
            {"key": "p50_ms", "label": "p50 ms", "format": "float1"},
            {"key": "p95_ms", "label": "p95 ms", "format": "float1"},
        ],
        "rows": rows,
        "notes": ["speed-up = pabutools' time / Plaza's time on the same instance in this run"],
    }
    args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
