"""Participatory budgeting winner rules: Plaza's vectorised MES next to pabutools' on the same instances.

Rows: the largest real Pabulib instances in ../shared/realdata/pabulib and generated ones (random
approval ballots, project popularity 1-20 %, costs 10k-500k, budget 30 % of the total cost).
Every Plaza row says whether its winners equal pabutools' (measured in the same run); pabutools
runs on its multiprofile (identical ballots merged, ~5x faster than a plain profile).
`--tiny` runs small sizes only. BENCH_PABUTOOLS_MAX_VOTERS (default 20000) caps the generated
sizes pabutools is asked to solve: above it pabutools takes minutes, and the row says so.
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

import django  # noqa: E402
import numpy as np  # noqa: E402

django.setup()

from plaza.budgets import pabulib, rules  # noqa: E402

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
        ],
        "rows": rows,
        "notes": ["speed-up = pabutools' time / Plaza's time on the same instance in this run"],
    }
    args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
