"""The benchmark harness cannot rot silently: its help, its table and a tiny real run on SQLite."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"plaza_benchmarks_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_harness(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


APP_BENCHMARKS = sorted(p.stem.removeprefix("bench_") for p in BENCHMARKS.glob("bench_*.py") if p.stem != "bench_pages")


def test_help_names_the_settings():
    result = run_harness("--help")
    assert result.returncode == 0, result.stderr
    assert "BENCH_CLIENTS" in result.stdout and "--tiny" in result.stdout


def test_every_benchmark_module_is_listed():
    result = run_harness("--list")
    assert result.stdout.split() == sorted(p.stem.removeprefix("bench_") for p in BENCHMARKS.glob("bench_*.py"))
    assert "pages" in result.stdout.split()


def test_table_divides_by_the_reference_of_the_same_run():
    run = load("run")
    table = run.render_table(
        {
            "columns": [{"key": "target", "label": "target"}, {"key": "p50_ms", "label": "p50 ms", "format": "float1"}],
            "rows": [{"target": "/healthz", "reference": True, "p50_ms": 4.0}, {"target": "/paris/", "p50_ms": 10.0}],
            "ratio_of": ["p50_ms"],
        }
    )
    lines = table.splitlines()
    assert lines[0].split() == ["target", "p50", "ms", "p50", "ms", "/", "ref"]
    assert lines[2].split() == ["/healthz", "4.0", "1.0x"]
    assert lines[3].split() == ["/paris/", "10.0", "2.5x"]


def test_the_benchmark_refuses_a_database_it_could_not_safely_drop():
    pages = load("bench_pages")
    assert pages.database_name("postgres://postgres@127.0.0.1:5432/plaza_bench") == "plaza_bench"
    with pytest.raises(SystemExit, match="bench"):
        pages.database_name("postgres://postgres@127.0.0.1:5432/plaza")


def test_tiny_run_serves_every_page_on_gunicorn_without_errors():
    result = run_harness("--tiny", "--only", "pages")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert out.startswith("machine: ")
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.startswith("/")}
    assert set(rows) == {"/healthz", "/static/core/plaza.css", "/paris/", "/paris/processes/climate-plan/"}
    for path in ("/paris/", "/paris/processes/climate-plan/"):
        requests, errors = rows[path][1], rows[path][2]
        assert (requests, errors) == ("6", "0"), out
    assert rows["/healthz"][-3:] == ["1.0x", "1.0x", "1.0x"]


@pytest.mark.parametrize("name", APP_BENCHMARKS)
def test_each_app_benchmark_runs_tiny_on_sqlite(name):
    """Each app's benchmark, in its smoke size: it builds its data, serves its targets and prints its table."""
    result = run_harness("--tiny", "--only", name, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert result.stdout.startswith("machine: ")
    assert f"== {name}" in result.stdout and "\n---" in result.stdout, result.stdout  # its table was printed


def test_the_reports_bulk_fill_writes_every_column_the_table_requires():
    """`--tiny` fills on SQLite through the ORM; the full run's one INSERT … SELECT must keep up with the model."""
    import re

    from plaza.reports.models import Report

    sql = load("bench_reports").FILL_POSTGRES
    listed = {c.strip() for c in re.search(r"INSERT INTO reports_report \(([^)]*)\)", sql).group(1).split(",")}
    required = {f.column for f in Report._meta.concrete_fields if not f.null and not f.primary_key}
    assert required - listed == set()
