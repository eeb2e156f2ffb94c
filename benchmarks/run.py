"""`make bench`: runs every benchmarks/bench_*.py module and prints its figures as one table each.

Each module runs in its own process (a benchmark may configure Django its own way) and writes
its result as JSON: rows of figures, which row is the reference measured in the same run, and
which columns to divide by the reference's. This runner prints the machine, then the tables.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Run Plaza's benchmarks and print a table of figures, with ratios to a reference "
        "measured in the same run. Settings also come from the environment: BENCH_CLIENTS (50), "
        "BENCH_DURATION seconds per target (15), BENCH_REQUESTS per target (0 = no cap), BENCH_ROUNDS (3), "
        "BENCH_WORKERS gunicorn workers (2 x CPUs + 1), BENCH_DATABASE_URL or DATABASE_URL "
        "(default postgres://postgres@127.0.0.1:5432/plaza_bench; the name must contain 'bench', "
        "because the benchmark drops that database when it ends).",
    )
    parser.add_argument("--only", action="append", default=[], help="run only this benchmark (e.g. pages); repeatable")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--clients", type=int, help="concurrent clients (BENCH_CLIENTS)")
    parser.add_argument("--duration", type=float, help="seconds of load per target (BENCH_DURATION)")
    parser.add_argument("--requests", type=int, help="stop a target after this many requests (BENCH_REQUESTS)")
    parser.add_argument("--workers", type=int, help="gunicorn worker processes (BENCH_WORKERS)")
    parser.add_argument(
        "--tiny",
        action="store_true",
        help="a smoke run: SQLite in a temporary folder, 2 clients, a handful of requests, 1 worker",
    )
    return parser.parse_args(argv)


def discover() -> dict[str, Path]:
    return {path.stem.removeprefix("bench_"): path for path in sorted(HERE.glob("bench_*.py"))}


def machine_lines() -> list[str]:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return [
        f"machine: {os.cpu_count()} CPUs ({model}), {memory} memory, load average {load}",
        f"python {platform.python_version()} on {platform.system()} {platform.release()}",
    ]


def child_env(args: argparse.Namespace, scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    for flag, name in (
        ("clients", "CLIENTS"),
        ("duration", "DURATION"),
        ("requests", "REQUESTS"),
        ("workers", "WORKERS"),
    ):
        value = getattr(args, flag)
        if value is not None:
            env[f"BENCH_{name}"] = str(value)
    if args.tiny:
        env.update(
            BENCH_CLIENTS="2",
            BENCH_REQUESTS=env.get("BENCH_REQUESTS", "6") if args.requests is None else str(args.requests),
            BENCH_DURATION="5",
            BENCH_WARMUP="1",
            BENCH_WORKERS="1",
            BENCH_DATABASE_URL=f"sqlite:///{scratch / 'plaza_bench.sqlite3'}",
            BENCH_LOAD=env.get("BENCH_LOAD", "python"),  # the fallback client, wherever wrk is installed
            BENCH_REDIS_URL=env.get("BENCH_REDIS_URL", ""),  # the embedded default's cache, like its database
        )
    return env


def format_cell(value, kind: str) -> str:
    if value is None:
        return "-"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "ratio":
        return f"{value:.2f}x" if value < 1 else f"{value:.1f}x"
    if kind == "float1":
        return f"{value:.1f}"
    if kind == "float2":
        return f"{value:.2f}"
    return str(value)


def with_ratios(result: dict) -> tuple[list[dict], list[dict]]:
    """The columns and rows, plus one 'x ref' column per figure the benchmark divides by its reference."""
    columns = list(result["columns"])
    rows = [dict(row) for row in result["rows"]]
    reference = next((row for row in rows if row.get("reference")), None)
    for key in result.get("ratio_of", []):
        label = next(c["label"] for c in result["columns"] if c["key"] == key)
        columns.append({"key": f"{key}_ratio", "label": f"{label} / ref", "format": "ratio"})
        for row in rows:
            base = reference.get(key) if reference else None
            row[f"{key}_ratio"] = row[key] / base if base and row.get(key) is not None else None
    return columns, rows


def render_table(result: dict) -> str:
    columns, rows = with_ratios(result)
    cells = [[format_cell(row.get(c["key"]), c.get("format", "str")) for c in columns] for row in rows]
    widths = [max(len(c["label"]), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    first = columns[0]["key"]

    def line(values):
        return "  ".join(
            v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(values, widths, strict=True))
        )

    out = [line([c["label"] for c in columns]), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    reference = next((row[first] for row in rows if row.get("reference")), None)
    if reference:
        out.append(f"note: '/ ref' divides by the figure of {reference}, measured in the same run.")
    out += [f"note: {note}" for note in result.get("notes", [])]
    return "\n".join(out)


def run_one(name: str, path: Path, env: dict[str, str], scratch: Path) -> tuple[dict | None, float]:
    out = scratch / f"{name}.json"
    started = time.monotonic()
    completed = subprocess.run([sys.executable, str(path), "--json", str(out)], env=env, cwd=ROOT, check=False)
    elapsed = time.monotonic() - started
    if completed.returncode != 0 or not out.exists():
        print(f"benchmark {name} failed (exit {completed.returncode})", file=sys.stderr)
        return None, elapsed
    return json.loads(out.read_text()), elapsed


def save(name: str, result: dict) -> None:
    """Keep each run's figures (benchmarks/results/ is ignored by git) to compare runs later."""
    folder = HERE / "results"
    folder.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    (folder / f"{name}-{stamp}.json").write_text(json.dumps({**result, "machine": machine_lines()}, indent=2))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    benchmarks = discover()
    if args.list:
        print("\n".join(benchmarks))
        return 0
    unknown = [name for name in args.only if name not in benchmarks]
    if unknown:
        print(f"no such benchmark: {', '.join(unknown)} (have: {', '.join(benchmarks)})", file=sys.stderr)
        return 2
    chosen = {name: path for name, path in benchmarks.items() if not args.only or name in args.only}
    failed = 0
    with tempfile.TemporaryDirectory(prefix="plaza-bench-") as tmp:
        scratch = Path(tmp)
        env = child_env(args, scratch)
        print("\n".join(machine_lines()), flush=True)
        for name, path in chosen.items():
            result, elapsed = run_one(name, path, env, scratch)
            if result is None:
                failed += 1
                continue
            print(f"\n== {name}: {result['title']} ({elapsed:.0f} s)")
            print("\n".join(result.get("config", [])))
            print(render_table(result), flush=True)
            if not args.tiny:
                save(name, result)
            failed += sum(1 for row in result["rows"] if row.get("errors"))
            silent = [row["target"] for row in result["rows"] if row.get("requests") == 0]
            if silent:  # a load that counted nothing measured nothing: the harness is broken, not the site fast
                print(f"no request was answered for: {', '.join(silent)}", file=sys.stderr)
                failed += len(silent)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
