"""Participatory budgeting winner rules: Plaza's vectorised MES next to pabutools' on the same instances.

Rows: the two largest real Pabulib instances in ../shared/realdata/pabulib, Budapest's (whose
add-one completion takes 153k increments), and generated ones (random approval ballots, project
popularity 1-20 %, costs 10k-500k, budget 30 % of the total cost); each with `mes` and
`mes-complete`. Times are process CPU seconds (the machine is shared). pabutools runs the same rule
on its multiprofile (identical ballots merged, ~5x faster than a plain profile) in a child process
that the kernel stops after BENCH_PABUTOOLS_LIMIT CPU seconds (120, `--tiny` 10): the row then says
"> 120" and how much faster Plaza is at least. Every row says whether the winners are the same.
`--tiny` runs small sizes only.

Then ballot casting through HTTP: the demo network on gunicorn (production settings, PostgreSQL
by default, the database set up and dropped as bench_pages does), BENCH_BALLOTS verified residents
(default 400) each saving a basket on Madrid's open budget from BENCH_CLIENTS concurrent clients
(default 16), then every one of them sending the same form again: the second pass must be refused
and leave the count unchanged (one ballot per person). Then the same through the JSON API, as the
votes benchmark casts votations' ballots: as many other residents, each with a write token, POST
`/api/v1/budgets/madrid/budgets/madrid-budget-2026/ballot/centro` once (wrk when installed, else the
Python client), next to the reference measured just before in the same database: the raw rate of
committed single-row INSERTs from 16 clients (bench_votes' `insert_rate`).
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
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


def cpu_timed(function, *args):
    """The value and the CPU seconds of this process it took (the machine is shared: wall time means little).

    What takes milliseconds is repeated for a fifth of a second and averaged.
    """
    runs, started = 0, time.process_time()
    while True:
        value = function(*args)
        runs += 1
        elapsed = time.process_time() - started
        if elapsed >= 0.2 or runs >= 1000:
            return value, elapsed / runs


def seconds(value: float) -> str:
    return f"{value:.2f}" if value >= 1 else f"{value:.2g}"


def _pabutools_child(election: rules.Election, rule: str, limit: float, multiprofile: bool, answer) -> None:
    import resource

    from plaza.budgets.tests.pabutools_reference import pabutools_instance, pabutools_outcome

    instance, profile = pabutools_instance(election)
    if multiprofile:  # identical ballots counted once with a multiplicity: pabutools' fastest form
        profile = profile.as_multiprofile()
    used = time.process_time()
    # The kernel stops pabutools once it has had `limit` CPU seconds for the rule itself.
    resource.setrlimit(resource.RLIMIT_CPU, (math.ceil(used + limit), resource.RLIM_INFINITY))
    winners, seconds = cpu_timed(pabutools_outcome, instance, profile, rule)
    answer.send((winners, seconds))


def pabutools_run(
    election: rules.Election, rule: str, limit: float, *, multiprofile: bool
) -> tuple[list[str], float] | None:
    """pabutools' sorted winners and CPU seconds in a child process, or None past `limit` CPU seconds."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_pabutools_child, args=(election, rule, limit, multiprofile, send), daemon=True)
    child.start()
    send.close()
    result = None
    # A generous wall-clock cap too, in case the machine is so busy that the CPU limit takes hours.
    if receive.poll(30 * limit + 120):
        try:
            result = receive.recv()
        except EOFError:
            result = None
    if child.is_alive():
        child.kill()
    child.join()
    return result


def compare(name: str, election: rules.Election, rule: str, limit: float) -> dict:
    """Plaza's winners and CPU time against pabutools', on the profile as pabutools reads a .pb file (one
    ballot per voter: how `parse_pabulib` hands it over) and on its multiprofile (identical ballots
    counted once: pabutools' fastest form, a large help on real files, where few ballots differ)."""
    mine, plaza_s = cpu_timed(rules.outcome, election, rule)
    row = {
        "instance": name,
        "rule": rule,
        "size": f"{len(election.costs)} x {election.voters:,}",
        "plaza_s": plaza_s,
        "plaza": seconds(plaza_s),
        "winners": len(mine.selected),
    }
    same = []
    for key, multiprofile in (("pabutools", False), ("multiprofile", True)):
        theirs = pabutools_run(election, rule, limit, multiprofile=multiprofile)
        if theirs is None:
            row.update({key: f"> {limit:g}", f"{key}_speedup": f"> {limit / plaza_s:.0f}x"})
            continue
        winners, pabutools_s = theirs
        same.append(sorted(mine.selected) == winners)
        row.update({key: seconds(pabutools_s), f"{key}_speedup": f"{pabutools_s / plaza_s:.1f}x"})
    row["same"] = "not compared" if not same else "yes" if all(same) else "NO"
    if not all(same):
        row["errors"] = 1
    return row


def _residents(count: int) -> list[str]:
    """Verified Madrid residents with a signed-in session each; returns their session keys."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import override_settings
    from django_scopes import scopes_disabled

    from plaza.core.models import Jurisdiction
    from plaza.core.tests.factories import CensusRecordFactory, PersonFactory, UserFactory, VerificationFactory

    keys = []
    # Nobody signs in with a password: a fast hasher for the accounts' unusable ones (PBKDF2 takes 0.3 s each).
    with scopes_disabled(), override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
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
    import bench_votes

    config = bench_pages.Config.from_env()
    count = int(os.environ.get("BENCH_BALLOTS", "20" if tiny else "400"))
    api_count = int(os.environ.get("BENCH_API_BALLOTS", "20" if tiny else "30000"))
    api_rounds = int(os.environ.get("BENCH_ROUNDS", "1" if tiny else "3"))
    clients = int(os.environ.get("BENCH_CLIENTS", "16"))
    with tempfile.TemporaryDirectory(prefix="plaza-bench-budgets-") as tmp:
        env = bench_pages.server_environment(config, Path(tmp))
        env["PLAZA_API_RATE"] = "1000000/m"  # one token a voter, but the load comes from one address
        os.environ.update(env)
        bench_pages.create_database(config.database_url)
        try:
            bench_pages.prepare_site()
            from django_scopes import scopes_disabled

            from plaza.budgets.models import Ballot, Budget
            from plaza.core.models import VoterRollEntry

            keys = _residents(count)
            with scopes_disabled():
                budget = Budget.objects.select_related("jurisdiction").get(slug="madrid-budget-2026")
                secrets = bench_votes.make_voters(budget.jurisdiction, api_count)
                project = budget.projects.order_by("pk").first().pk
            path = "/madrid/budgets/madrid-budget-2026/ballot/centro/"
            from django.db import connections

            connections.close_all()
            rounds = []
            with bench_pages.gunicorn(config, env) as (_server, base):
                started = time.perf_counter()
                timings, statuses = _post_all(base, path, project, keys, clients)
                elapsed = time.perf_counter() - started
                _again, repeated = _post_all(base, path, project, keys, clients)
                api_path = "/api/v1/budgets/madrid/budgets/madrid-budget-2026/ballot/centro"
                for number in range(api_rounds):  # as bench_votes: each round after its own reference
                    reference = bench_votes.insert_rate(config.database_url, 1 if tiny else 10)
                    ballots = [(secret, {"choices": {str(project): 1}}) for secret in secrets[number::api_rounds]]
                    casting = bench_votes.post_each(base + api_path, ballots, clients)
                    rounds.append((reference, casting))
            with scopes_disabled():
                stored = Ballot.objects.filter(budget=budget).count()
                roll = VoterRollEntry.objects.filter(election_key=budget.election_key).count()
        finally:
            from django.db import connections

            connections.close_all()
            bench_pages.drop_database(config.database_url)
    timings.sort()
    name = bench_pages.database_name(config.database_url)
    ok = statuses.count(302) == count and repeated.count(400) == count
    reference, api, per_round = bench_votes.median_rounds(rounds, "HTTP ballots, JSON API")
    api_ok = api["count"] == api_count and stored == count + api_count == roll
    return [
        {
            "instance": f"HTTP ballots, page form ({name}, {config.workers} workers)",
            "size": f"{count:,} residents, {clients} clients",
            "plaza_s": elapsed,
            "plaza": seconds(elapsed),
            "rps": count / elapsed,
            "p50_ms": 1000 * timings[len(timings) // 2],
            "p95_ms": 1000 * timings[int(len(timings) * 0.95) - 1],
            "same": f"{repeated.count(400)} repeats refused",
            **({} if ok else {"errors": 1}),
        },
        {
            "instance": f"{reference['target']} ({name})",
            "rps": reference["rate"],
            "p50_ms": reference["p50_ms"],
            "p95_ms": reference["p95_ms"],
        },
        {
            "instance": f"{api['target']} ({name}, {config.workers} workers × {config.threads} threads)",
            "size": f"{api_count:,} residents, {clients} clients",
            "plaza_s": api["seconds"],
            "plaza": seconds(api["seconds"]),
            "rps": api["rate"],
            "p50_ms": api["p50_ms"],
            "p95_ms": api["p95_ms"],
            "same": f"{api['rate'] / reference['rate']:.1%} of the reference; {stored} ballots, {roll} on the roll",
            **({} if api_ok and not api["errors"] else {"errors": 1}),
        },
        *(
            {"instance": row["target"], "rps": row["rate"], "p50_ms": row["p50_ms"], "p95_ms": row["p95_ms"]}
            for row in per_round
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", type=Path, required=True)
    parser.add_argument("--only", choices=("rules", "ballots"), help="run only the winner rules' or the ballots' rows")
    args = parser.parse_args()
    tiny = os.environ.get("BENCH_DATABASE_URL", "").startswith("sqlite")
    limit = float(os.environ.get("BENCH_PABUTOOLS_LIMIT", "10" if tiny else "120"))
    # Every real instance at hand (the largest first); the tiny run takes the largest only.
    real = sorted(REAL.glob("*.pb"), key=lambda p: p.stat().st_size, reverse=True)[: 1 if tiny else None]
    sizes = [(50, 2000)] if tiny else [(50, 10_000), (200, 10_000), (200, 100_000)]
    rows = []
    if args.only != "ballots":
        instances = [(path.stem[:32], pabulib.read(str(path)).election()) for path in real]
        instances += [("generated", generated(projects, voters)) for projects, voters in sizes]
        rows += [
            compare(name, election, rule, limit) for name, election in instances for rule in ("mes", "mes-complete")
        ]
    if args.only != "rules":
        rows += ballot_rows(tiny)
    result = {
        "title": "Method of Equal Shares: Plaza (NumPy, exact ties) vs pabutools 1.2.3",
        "config": [
            f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}; machine shared with other jobs",
            f"rule rows: process CPU seconds; pabutools is stopped after {limit:g} CPU s (BENCH_PABUTOOLS_LIMIT)",
        ],
        "columns": [
            {"key": "instance", "label": "instance"},
            {"key": "rule", "label": "rule"},
            {"key": "size", "label": "projects x voters"},
            {"key": "plaza", "label": "Plaza s"},
            {"key": "pabutools", "label": "pabutools s"},
            {"key": "pabutools_speedup", "label": "speed-up"},
            {"key": "multiprofile", "label": "pabutools multiprofile s"},
            {"key": "multiprofile_speedup", "label": "speed-up"},
            {"key": "winners", "label": "winners", "format": "int"},
            {"key": "same", "label": "same winners"},
            {"key": "rps", "label": "ballots/s", "format": "float1"},
            {"key": "p50_ms", "label": "p50 ms", "format": "float1"},
            {"key": "p95_ms", "label": "p95 ms", "format": "float1"},
        ],
        "rows": rows,
        "notes": [
            "speed-up = pabutools' CPU time / Plaza's on the same instance in this run; 'pabutools s': the profile "
            "as parse_pabulib reads it (one ballot per voter, how pabutools is used); 'multiprofile': identical "
            "ballots merged first (pabutools' fastest form); both repeated for 0.2 s when one run is shorter",
            "goal (issue 6): Plaza >= 30x faster; mes-complete on 200 x 100,000 in under 10 s",
            "HTTP ballots row: wall-clock seconds",
        ],
    }
    args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
