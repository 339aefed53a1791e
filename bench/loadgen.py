"""Load generation with wrk: a closed loop of N connections for a fixed time.

Each run gets a Lua script with a list of requests (method, path, headers, body).
wrk runs one thread per connection, and each connection owns every Nth request of
the list and sends its own in turn: load spreads over many users and bodies with no
work in the generator while it runs, and no two connections ever act for the same
user at once (no row-lock queues, no two turns of one conversation in flight)
unless the list is shorter than the number of connections. The script's `done`
hook prints one JSON line with the counts and latency percentiles wrk measured.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RESULT_MARKER = "BENCH_RESULT "
_PERCENTILES = (50, 90, 99, 99.9)


@dataclass(frozen=True)
class HttpRequest:
    """One request as wrk sends it (and as the sequential checks send it)."""

    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None

    @classmethod
    def json(
        cls, method: str, path: str, payload: Any, headers: dict[str, str] | None = None
    ) -> HttpRequest:
        merged = {"Content-Type": "application/json", **(headers or {})}
        return cls(method, path, merged, json.dumps(payload, separators=(",", ":")))


@dataclass(frozen=True)
class LoadResult:
    """What one wrk run measured. Latencies are in milliseconds."""

    requests: int
    seconds: float
    errors: dict[str, int]
    latency_ms: dict[str, float]

    @property
    def rate(self) -> float:
        """Completed requests per second (failed ones included: see `failed`)."""
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failed(self) -> int:
        """Requests that got no 2xx/3xx answer, timed out or broke a connection."""
        return sum(self.errors.values())

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "rate": self.rate}


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit(
            "wrk is not installed: `apt-get install -y wrk` (make bench does this for you)"
        )
    return path


def _lua_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\r", "\\r") + '"'


def _lua_script(requests: Sequence[HttpRequest], connections: int) -> str:
    specs = []
    for request in requests:
        headers = ", ".join(
            f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in request.headers.items()
        )
        body = _lua_string(request.body) if request.body is not None else "nil"
        specs.append(
            f"  {{{_lua_string(request.method)}, {_lua_string(request.path)}, "
            f"{{{headers}}}, {body}}},"
        )
    return "\n".join(
        ["local specs = {", *specs, "}", _SLOTS.replace("CONNECTIONS", str(connections)), _DONE]
    )


# setup() runs in wrk's main Lua state and numbers the threads (one connection
# each); init() runs in each thread's own state and keeps that thread's requests.
_SLOTS = """
local connections = CONNECTIONS
local threads_seen = 0
function setup(thread)
  thread:set("slot", threads_seen)
  threads_seen = threads_seen + 1
end

local requests = {}
local next_index = 0
function init(args)
  for i, spec in ipairs(specs) do
    if (i - 1) % connections == slot then
      table.insert(requests, wrk.format(spec[1], spec[2], spec[3], spec[4]))
    end
  end
  if #requests == 0 then
    local spec = specs[slot % #specs + 1]
    table.insert(requests, wrk.format(spec[1], spec[2], spec[3], spec[4]))
  end
end

function request()
  next_index = next_index % #requests + 1
  return requests[next_index]
end
"""


# Latencies in wrk are microseconds; the JSON line gives milliseconds.
_DONE = """
function done(summary, latency, requests)
  local e = summary.errors
  local parts = {}
  for _, p in ipairs({PERCENTILES}) do
    table.insert(parts, string.format('"p%s":%.3f', p, latency:percentile(p) / 1000))
  end
  io.write(string.format(
    'MARKER{"requests":%d,"duration_us":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency":{"mean":%.3f,"max":%.3f,%s}}\\n',
    summary.requests, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean / 1000, latency.max / 1000, table.concat(parts, ",")))
end
""".replace("PERCENTILES", ", ".join(str(p) for p in _PERCENTILES)).replace("MARKER", RESULT_MARKER)


class LoadRun:
    """One wrk run, started in the background; `result()` waits for it."""

    def __init__(
        self,
        base_url: str,
        requests: Sequence[HttpRequest],
        *,
        connections: int,
        seconds: float,
        timeout_seconds: float = 10.0,
    ) -> None:
        if not requests:
            raise ValueError("no requests to send")
        self._directory = tempfile.TemporaryDirectory(prefix="bench-wrk-")
        script = Path(self._directory.name) / "requests.lua"
        script.write_text(_lua_script(requests, connections))
        self._seconds = seconds
        command = [require_wrk(), f"-t{connections}", f"-c{connections}"]
        command += [f"-d{max(1, round(seconds))}s"]
        command += [f"--timeout={timeout_seconds:g}s", "-s", str(script), base_url]
        self._process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def result(self) -> LoadResult:
        try:
            stdout, stderr = self._process.communicate(timeout=self._seconds + 60)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.communicate()
            raise RuntimeError("wrk did not finish in time") from None
        finally:
            self._directory.cleanup()
        for line in stdout.splitlines():
            if line.startswith(RESULT_MARKER):
                data = json.loads(line[len(RESULT_MARKER) :])
                latency = {k: float(v) for k, v in data["latency"].items()}
                return LoadResult(
                    requests=int(data["requests"]),
                    seconds=int(data["duration_us"]) / 1e6,
                    errors={k: int(v) for k, v in data["errors"].items()},
                    latency_ms=latency,
                )
        raise RuntimeError(f"wrk gave no result (exit {self._process.returncode}): {stderr}")


def run_load(
    base_url: str, requests: Sequence[HttpRequest], *, connections: int, seconds: float
) -> LoadResult:
    """Run wrk in the foreground and return what it measured."""
    return LoadRun(base_url, requests, connections=connections, seconds=seconds).result()
