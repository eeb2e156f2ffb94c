"""The benchmarks' load generator: `wrk` (C, a few microseconds of CPU a request) when installed, else Python.

On a 2-core machine the load generator shares the cores with the server it measures. The Python
client (asyncio + httpx, in bench_pages.py) costs about a millisecond of CPU per request, as much
as a lean endpoint itself, so above a few hundred requests/s it measures mostly itself. `wrk`
(`make bench-deps` installs Debian's package) costs a few microseconds. Every bench can use:

- `wrk_get(url, clients=, duration=)`: GET one address for `duration` seconds (a reference such as /healthz);
- `wrk_posts(url, requests, clients=)`: POST each (token, JSON body) — or (token, path, body) — once, e.g.
  every voter's ballot, or every client's supports;
  a Lua script gives each wrk thread its own slice of the voters, so no token is sent twice; a
  connection that finds its thread's slice used up sends `GET /healthz` (answered 200, not counted)
  until the thread's last ballot is answered, so the expected status must not be 200.

Both answer a `LoadFigures`: requests, successes (the expected status), errors, elapsed seconds, and
p50/p95 latency over all requests as wrk measured them. BENCH_LOAD=python forces the fallback.
"""

import json
import math
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

THREADS = 2  # wrk threads: one per core of the machines we measure on

# done() prints one JSON line; request() walks this thread's own voters; response() counts statuses.
POSTS_LUA = r"""
local ffi = require("ffi")  -- wrk runs LuaJIT: the monotonic clock, for when the last ballot was answered
ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } plaza_timespec;
           int clock_gettime(int clock, plaza_timespec *now); ]]
local function now()
  local t = ffi.new("plaza_timespec")
  ffi.C.clock_gettime(1, t)
  return tonumber(t.tv_sec) + tonumber(t.tv_nsec) / 1e9
end
local threads = {}
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  stem = args[1]
  local file = io.open(stem .. "." .. id, "r")
  lines = {}
  for line in file:lines() do table.insert(lines, line) end
  file:close()
  sent, ok, refused, done_count = 0, 0, 0, 0
  expect = tonumber(args[2])
  first_sent, last_answered = 0, 0
  -- wrk calls thread 0's request() once before any connection, to check the request it builds:
  -- that call gets a filler, so no voter's ballot is built and never sent
  verify_pending = (id == 0)
end
function request()
  if verify_pending then
    verify_pending = false
    return wrk.format("GET", "/healthz")
  end
  if sent >= #lines then  -- this thread's voters are done: a filler the server answers 200, not counted
    return wrk.format("GET", "/healthz")
  end
  if sent == 0 then first_sent = now() end
  sent = sent + 1
  local token, path, body = lines[sent]:match("^(%S+) (%S+) (.*)$")
  local headers = {}
  if token ~= "-" then headers["Authorization"] = "Bearer " .. token end
  if body:sub(1, 1) == "{" then headers["Content-Type"] = "application/json"
  elseif body ~= "" then headers["Content-Type"] = "application/x-www-form-urlencoded" end
  if path == "-" then path = nil end  -- the address wrk was given
  return wrk.format("POST", path, headers, body)
end
function response(status, headers, body)
  if status == 200 then return end
  done_count = done_count + 1
  if status == expect then ok = ok + 1 else refused = refused + 1 end
  last_answered = now()
  if done_count >= #lines then  -- tell Python this thread is done: wrk itself would wait out its duration
    local marker = io.open(stem .. ".done." .. id, "w")
    marker:close()
    wrk.thread:stop()
  end
end
function done(summary, latency, requests)
  local ok_total, refused_total, first, last = 0, 0, math.huge, 0
  for _, thread in ipairs(threads) do
    ok_total = ok_total + thread:get("ok")
    refused_total = refused_total + thread:get("refused")
    if thread:get("first_sent") > 0 then first = math.min(first, thread:get("first_sent")) end
    last = math.max(last, thread:get("last_answered"))
  end
  -- from the first ballot sent to the last one answered (not wrk's whole run, which waits for stragglers)
  io.write(string.format('{"requests": %d, "ok": %d, "refused": %d, "socket_errors": %d, "seconds": %.6f, ' ..
    '"p50_us": %d, "p95_us": %d}\n', summary.requests, ok_total, refused_total,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    last - first, latency:percentile(50), latency:percentile(95)))
end
"""

GET_LUA = r"""
function done(summary, latency, requests)
  io.write(string.format('{"requests": %d, "ok": %d, "refused": %d, "socket_errors": %d, "seconds": %.6f, ' ..
    '"p50_us": %d, "p95_us": %d}\n', summary.requests, summary.requests - summary.errors.status,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50), latency:percentile(95)))
end
"""


# GET one address for the duration; each answer's Server-Timing `app` value is kept (the server's own time).
PAGE_LUA = r"""
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  if args[1] and args[1] ~= "" then wrk.headers["Cookie"] = args[1] end
  server, ok, bad = {}, 0, 0
end
function response(status, headers, body)
  if status == 200 then ok = ok + 1 else bad = bad + 1 end
  local timing = headers["Server-Timing"] or headers["server-timing"]
  if timing then
    local app = timing:match("app;dur=([%d%.]+)")
    if app then server[#server + 1] = tonumber(app) end
  end
end
function done(summary, latency, requests)
  local ok_total, bad_total, samples, quantiles = 0, 0, {}, {}
  for _, thread in ipairs(threads) do
    ok_total = ok_total + thread:get("ok")
    bad_total = bad_total + thread:get("bad")
    for _, value in ipairs(thread:get("server")) do samples[#samples + 1] = string.format("%.2f", value) end
  end
  for p = 1, 100 do quantiles[p] = tostring(latency:percentile(p)) end
  io.write(string.format('{"requests": %d, "ok": %d, "refused": %d, "socket_errors": %d, "seconds": %.6f, ' ..
    '"p50_us": %d, "p95_us": %d, "quantiles_us": [%s], "server_ms": [%s]}\n', summary.requests, ok_total, bad_total,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50), latency:percentile(95), table.concat(quantiles, ","),
    table.concat(samples, ",")))
end
"""


@dataclass
class LoadFigures:
    requests: int
    ok: int
    errors: int
    elapsed: float
    p50_ms: float | None
    p95_ms: float | None
    generator: str

    @property
    def rate(self) -> float | None:
        return self.ok / self.elapsed if self.elapsed else None

    def row(self, target: str) -> dict:
        """A benchmark table's row of these figures (req/s counts the expected answers only)."""
        return {
            "target": target,
            "requests": self.ok + self.errors,
            "errors": self.errors,
            "rps": self.rate,
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
        }


def wrk() -> str | None:
    """The wrk executable, unless BENCH_LOAD=python asks for the Python client."""
    if os.environ.get("BENCH_LOAD", "").lower() == "python":
        return None
    return shutil.which("wrk")


def _run(script: str, url: str, clients: int, args: list[str], duration: float, done: list[Path] = ()) -> dict:
    """Run wrk; when every path in `done` exists (each thread's slice answered), interrupt it: it prints its summary."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    try:
        command = [
            wrk() or "wrk",
            f"-t{min(THREADS, clients)}",
            f"-c{clients}",
            f"-d{math.ceil(duration)}s",
            "--timeout",
            "30s",
        ]
        command += ["-s", lua.name, url, "--", *args]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + duration + 60
        while process.poll() is None and time.monotonic() < deadline:
            if done and all(path.exists() for path in done):
                process.send_signal(signal.SIGINT)
                break
            time.sleep(0.2)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        Path(lua.name).unlink(missing_ok=True)
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"wrk failed ({process.returncode}): {stderr.strip() or stdout[-500:]}")
    return json.loads(lines[-1])


def _load(figures: dict) -> LoadFigures:
    return LoadFigures(
        requests=figures["requests"],
        ok=figures["ok"],
        errors=figures["socket_errors"],
        elapsed=figures["seconds"],
        p50_ms=figures["p50_us"] / 1000,
        p95_ms=figures["p95_us"] / 1000,
        generator="wrk",
    )


def wrk_get(url: str, *, clients: int, duration: float) -> LoadFigures:
    figures = _run(GET_LUA, url, clients, [], duration)
    load = _load(figures)
    load.errors += figures["refused"]
    return load


def wrk_posts(
    url: str, requests: list[tuple[str, str]] | list[tuple[str, str, str]], *, clients: int, expect: int = 201
) -> LoadFigures:
    """POST every (token, body) once from `clients` connections; `ok` counts the `expect` answers.

    A request may name its own address as (token, path, body) (a support: one proposal's address each). A body
    starting with "{" is sent as JSON, any other as a form (url-encoded, without spaces), an empty one without a
    content type; the token "-" sends no Authorization header (a form that carries its own key).
    """
    threads = min(THREADS, clients)
    with tempfile.TemporaryDirectory(prefix="plaza-wrk-") as folder:
        stem = Path(folder) / "requests"
        for thread in range(threads):
            chosen = requests[thread::threads]
            lines = [f"{r[0]} {r[1] if len(r) == 3 else '-'} {r[-1] if len(r) == 3 else r[1]}" for r in chosen]
            Path(f"{stem}.{thread}").write_text("\n".join(lines) + "\n")
        # wrk needs a duration: a cap (every request at a slow 20/s); it is interrupted once the slices are answered.
        duration = max(30, len(requests) / 20)
        done = [Path(f"{stem}.done.{thread}") for thread in range(threads)]
        figures = _run(POSTS_LUA, url, clients, [str(stem), str(expect)], duration, done)
    load = _load(figures)
    load.errors += max(0, len(requests) - figures["ok"])  # a voter whose ballot was not acknowledged
    return load


def wrk_page(url: str, *, clients: int, duration: float, cookie: str = "") -> dict:
    """GET `url` from `clients` connections for `duration` s: counts, wrk's latency at every percentile
    (`quantiles_us`, 1 % to 100 %) and the server's own time of each answer (`server_ms`, from Server-Timing)."""
    return _run(PAGE_LUA, url, clients, [cookie], duration)
