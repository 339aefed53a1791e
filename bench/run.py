"""`make bench`: todochat's server figures next to a raw FastAPI + asyncpg baseline.

  python -m bench.run [--db postgresql|sqlite] [--quick] [--keep-db] [--reuse-db]
                      [--seconds S] [--rounds R] [--soak-seconds S] [--skip PHASES]

Loads its own database, starts todochat (`todochat serve`) and the baseline app as
separate processes on 127.0.0.1, alternates wrk runs of the two for every measure
(todochat, baseline, todochat, baseline …), counts the statements each kind of
request sends to PostgreSQL through a counting proxy, watches the workers' memory
under mixed load, prints every figure with its target and writes the whole run as
JSON to bench/results/. See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench import dataset as data
from bench.loadgen import HttpRequest, LoadResult, LoadRun, require_wrk, run_load
from bench.pgproxy import CountingProxy, ProxyThread
from bench.report import Row, print_rows, print_soak, print_statements, soak_verdict
from bench.servers import (
    JWT_SECRET,
    Server,
    baseline_server,
    rss_megabytes,
    todochat_cli,
    todochat_server,
)
from bench.workload import KINDS, Workload, check_response, send

RESULTS_DIR = Path(__file__).resolve().parent / "results"
PHASES = ("load", "statements", "soak")
SOAK_KINDS = ["list", "create", "chat_add", "chat_pending", "history_short", "mcp_list"]
COUNTED_KINDS = ["list", "create", "chat_add", "chat_pending", "history_long", "mcp_list"]
STATEMENT_TARGETS = {
    "list": 4,
    "create": 5,
    "chat_add": 12,
    "chat_pending": 12,
    "history_long": 4,
}


@dataclass(frozen=True)
class Options:
    database: str
    admin_url: str
    database_name: str
    seconds: float
    warmup_seconds: float
    rounds: int
    connections: int
    soak_seconds: float
    count_requests: int
    spec: data.DatasetSpec
    keep_database: bool
    reuse_database: bool
    baseline_sqlite: bool
    quick: bool
    skip: frozenset[str]
    results_dir: Path

    @property
    def on_postgresql(self) -> bool:
        return self.database == "postgresql"


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def parse_options(argv: list[str] | None = None) -> Options:
    quick_default = os.environ.get("QUICK", "") not in ("", "0", "false", "no")
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument(
        "--db", choices=["postgresql", "sqlite"], default=os.environ.get("DB") or "postgresql"
    )
    parser.add_argument(
        "--quick",
        action=argparse.BooleanOptionalAction,
        default=quick_default,
        help="short runs on a smaller data set: a smoke check, not a measurement (QUICK=1)",
    )
    parser.add_argument("--seconds", type=float, help="length of one run (BENCH_SECONDS, 10)")
    parser.add_argument("--rounds", type=int, help="runs of each side per measure (2)")
    parser.add_argument("--connections", type=int, help="wrk connections (16)")
    parser.add_argument(
        "--soak-seconds", type=float, help="mixed-load memory soak (BENCH_SOAK_SECONDS, 120)"
    )
    parser.add_argument(
        "--count-requests", type=int, help="sequential requests per kind when counting (50)"
    )
    parser.add_argument("--users", type=int, help="users to load (1000)")
    parser.add_argument("--tasks-per-user", type=int, help="tasks per user (1000)")
    parser.add_argument(
        "--long-conversation", type=int, help="messages in the long conversation (100000)"
    )
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL database to create and drop the bench database from",
    )
    parser.add_argument("--database-name", default="todochat_bench")
    parser.add_argument("--keep-db", action="store_true", help="keep the loaded database")
    parser.add_argument(
        "--reuse-db", action="store_true", help="use an already loaded database (with --keep-db)"
    )
    parser.add_argument(
        "--no-sqlite-baseline",
        action="store_true",
        help="with --db sqlite, measure todochat alone (no raw aiosqlite baseline)",
    )
    parser.add_argument(
        "--skip", default="", help=f"comma-separated phases to leave out: {', '.join(PHASES)}"
    )
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)

    skip = frozenset(name.strip() for name in args.skip.split(",") if name.strip())
    if unknown := skip - set(PHASES):
        parser.error(f"unknown phase(s) in --skip: {', '.join(sorted(unknown))}")
    quick = bool(args.quick)
    spec = data.DatasetSpec(
        users=args.users or (200 if quick else 1000),
        tasks_per_user=args.tasks_per_user or (200 if quick else 1000),
        long_conversation=args.long_conversation or 100_000,
    )
    seconds = args.seconds or _env_float("BENCH_SECONDS", 2 if quick else 10)
    return Options(
        database=args.db,
        admin_url=args.admin_url,
        database_name=args.database_name,
        seconds=seconds,
        warmup_seconds=1 if quick else 2,
        rounds=args.rounds or int(_env_float("BENCH_ROUNDS", 2)),
        connections=args.connections or int(_env_float("BENCH_CONNECTIONS", 16)),
        soak_seconds=args.soak_seconds or _env_float("BENCH_SOAK_SECONDS", 20 if quick else 120),
        count_requests=args.count_requests or (20 if quick else 50),
        spec=spec,
        keep_database=args.keep_db,
        reuse_database=args.reuse_db,
        baseline_sqlite=not args.no_sqlite_baseline,
        quick=quick,
        skip=skip,
        results_dir=args.results_dir,
    )


def say(text: str = "") -> None:
    print(text, flush=True)


# --- the database ----------------------------------------------------------------------


@dataclass
class Target:
    """Where the bench database is: a URL for todochat, one for the baseline."""

    todochat_url: str
    baseline_url: str | None
    cleanup: Callable[[], None] = field(default=lambda: None)


def _pg_url(admin_url: str, database: str, port: int | None = None) -> str:
    base, _, _ = admin_url.rpartition("/")
    if port is not None:
        scheme, _, rest = base.partition("://")
        credentials, _, _hostport = rest.rpartition("@")
        prefix = f"{credentials}@" if credentials else ""
        base = f"{scheme}://{prefix}127.0.0.1:{port}"
    return f"{base}/{database}"


def _upstream(admin_url: str) -> tuple[str, int]:
    hostport = admin_url.partition("://")[2].rpartition("@")[2].partition("/")[0]
    host, _, port = hostport.partition(":")
    return host or "127.0.0.1", int(port or 5432)


async def _admin(admin_url: str, *statements: str) -> None:
    try:
        connection = await asyncpg.connect(admin_url, timeout=10)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        raise SystemExit(f"cannot reach PostgreSQL at {admin_url} (--admin-url): {exc}") from exc
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def prepare_postgresql(options: Options) -> Target:
    url = _pg_url(options.admin_url, options.database_name)
    name = options.database_name
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    reused = False
    if options.reuse_database:
        try:
            reused = asyncio.run(data.count_users_postgresql(url)) == options.spec.users
        except (OSError, asyncpg.PostgresError):
            reused = False
    if reused:
        say(f"database: reusing {name} ({options.spec.users} users)")
    else:
        started = time.monotonic()
        say(f"database: loading {options.spec.describe()} into {name} …")
        asyncio.run(_admin(options.admin_url, drop, f'CREATE DATABASE "{name}"'))
        todochat_cli(url, "db", "upgrade")
        asyncio.run(data.load_postgresql(url, options.spec))
        say(f"database: loaded {name} in {time.monotonic() - started:.0f} s")

    def cleanup() -> None:
        if options.keep_database:
            say(f"database kept: {url}")
        else:
            asyncio.run(_admin(options.admin_url, drop))

    return Target(todochat_url=url, baseline_url=url, cleanup=cleanup)


def prepare_sqlite(options: Options) -> Target:
    directory = Path(tempfile.mkdtemp(prefix="todochat-bench-"))
    path = directory / "bench.db"
    url = f"sqlite+aiosqlite:///{path}"
    started = time.monotonic()
    say(f"database: loading {options.spec.describe()} into {path} …")
    todochat_cli(url, "db", "upgrade")
    data.load_sqlite(str(path), options.spec)
    say(f"database: loaded {path} in {time.monotonic() - started:.0f} s")

    def cleanup() -> None:
        if options.keep_database:
            say(f"database kept: {path}")
        else:
            shutil.rmtree(directory, ignore_errors=True)

    baseline = f"sqlite:///{path}" if options.baseline_sqlite else None
    return Target(todochat_url=url, baseline_url=baseline, cleanup=cleanup)


# --- measuring -------------------------------------------------------------------------


@dataclass
class Variant:
    """One side of a measure: a server and the requests it gets."""

    label: str
    server: Server
    kind: str
    runs: list[LoadResult] = field(default_factory=list)

    def median(self, figure: Callable[[LoadResult], float]) -> float:
        return statistics.median(figure(run) for run in self.runs)

    @property
    def rate(self) -> float:
        return self.median(lambda run: run.rate)

    def latency(self, percentile: str) -> float:
        return self.median(lambda run: run.latency_ms[percentile])

    @property
    def failed(self) -> int:
        return sum(run.failed for run in self.runs)

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "server": self.server.name,
            "kind": self.kind,
            "median_rate": self.rate if self.runs else None,
            "runs": [run.as_json() for run in self.runs],
        }


class Bench:
    """One benchmark run: options, workload, results, and the JSON it writes."""

    def __init__(self, options: Options, target: Target, log_dir: Path) -> None:
        self.options = options
        self.target = target
        self.log_dir = log_dir
        self.workload = Workload(data.Dataset(options.spec), JWT_SECRET)
        self.rows: list[Row] = []
        self.variants: list[Variant] = []
        self.statements: dict[str, Any] = {}
        self.soak: dict[str, Any] = {}

    @property
    def has_baseline(self) -> bool:
        return self.target.baseline_url is not None

    def servers(self, workers: int) -> tuple[Server, Server | None]:
        todochat = todochat_server(self.target.todochat_url, workers, self.log_dir)
        baseline = None
        if self.target.baseline_url is not None:
            baseline = baseline_server(self.target.baseline_url, workers, self.log_dir)
        return todochat, baseline

    def check(self, server: Server, kinds: list[str]) -> None:
        """One request of each kind, checked, before any load: a measure of error
        responses would be worthless."""
        with httpx.Client(base_url=server.base_url, timeout=30) as client:
            for kind in kinds:
                response = send(client, self.workload.requests(kind)[0])
                problem = check_response(kind, response, self.options.spec.pending_per_user)
                if problem:
                    raise SystemExit(f"{server.name}, {kind}: {problem}")

    def alternate(self, title: str, variants: list[Variant]) -> None:
        """Warm each variant up, then run them in turn, `rounds` times over."""
        options = self.options
        say(f"\n{title}")
        requests = {id(v): self.workload.requests(v.kind) for v in variants}
        for variant in variants:
            run_load(
                variant.server.base_url,
                requests[id(variant)],
                connections=options.connections,
                seconds=options.warmup_seconds,
            )
        for round_number in range(1, options.rounds + 1):
            for variant in variants:
                result = run_load(
                    variant.server.base_url,
                    requests[id(variant)],
                    connections=options.connections,
                    seconds=options.seconds,
                )
                variant.runs.append(result)
                failed = f"  {result.failed} FAILED" if result.failed else ""
                say(
                    f"  round {round_number}  {variant.label:<24} {result.rate:8.1f}/s  "
                    f"p50 {result.latency_ms['p50']:7.1f} ms  "
                    f"p99 {result.latency_ms['p99']:7.1f} ms{failed}"
                )
        self.variants.extend(variants)

    # The measures ------------------------------------------------------------------

    def measure_single_worker(self) -> None:
        todochat, baseline = self.servers(workers=1)
        with ExitStack() as stack:
            stack.enter_context(todochat)
            if baseline is not None:
                stack.enter_context(baseline)
            kinds = ["list", "create", "chat_pending", "history_short", "history_long"]
            self.check(todochat, [*kinds, "mcp_list"])
            if baseline is not None:
                self.check(baseline, kinds)

            def pair(kind: str) -> list[Variant]:
                variants = [Variant("todochat", todochat, kind)]
                if baseline is not None:
                    variants.append(Variant("baseline", baseline, kind))
                return variants

            c = self.options.connections
            listing = pair("list")
            self.alternate(f"list 20 tasks, 1 worker, {c} connections", listing)
            creating = pair("create")
            self.alternate(f"create a task, 1 worker, {c} connections", creating)
            pending = pair("chat_pending")
            self.alternate(f'chat turn "what\'s pending?", 1 worker, {c} connections', pending)
            history = [
                Variant("todochat 100 msgs", todochat, "history_short"),
                Variant(f"todochat {self._long} msgs", todochat, "history_long"),
            ]
            if baseline is not None:
                history += [
                    Variant("baseline 100 msgs", baseline, "history_short"),
                    Variant(f"baseline {self._long} msgs", baseline, "history_long"),
                ]
            self.alternate(f"history page (last 50 messages), 1 worker, {c} connections", history)
            mcp = [
                Variant("todochat MCP list_tasks", todochat, "mcp_list"),
                Variant("todochat REST list", todochat, "list"),
            ]
            self.alternate(f"MCP list_tasks vs REST list (limit 20), 1 worker, {c} conn.", mcp)
        self._rows_single_worker(listing, creating, pending, history, mcp)

    @property
    def _long(self) -> str:
        count = self.options.spec.long_conversation
        return f"{count // 1000}k" if count >= 1000 and count % 1000 == 0 else str(count)

    def measure_chat_add(self) -> None:
        todochat, baseline = self.servers(workers=2)
        with ExitStack() as stack:
            stack.enter_context(todochat)
            variants = [Variant("todochat", todochat, "chat_add")]
            self.check(todochat, ["chat_add"])
            if baseline is not None:
                stack.enter_context(baseline)
                self.check(baseline, ["chat_add"])
                variants.append(Variant("baseline", baseline, "chat_add"))
            c = self.options.connections
            self.alternate(f'chat turn "add a task to …", 2 workers, {c} connections', variants)
        ours, raw = variants[0], variants[1] if len(variants) > 1 else None
        ratio_ok = raw is None or ours.rate >= 0.5 * raw.rate
        self.rows.append(
            Row(
                "chat add, 2 workers: turns/s",
                ours.rate,
                raw.rate if raw else None,
                "≥ 300/s and ≥ 0.5x baseline" if raw else "≥ 300/s",
                ours.rate >= 300 and ratio_ok,
                failed=ours.failed + (raw.failed if raw else 0),
            )
        )

    def _rows_single_worker(
        self,
        listing: list[Variant],
        creating: list[Variant],
        pending: list[Variant],
        history: list[Variant],
        mcp: list[Variant],
    ) -> None:
        def sides(variants: list[Variant]) -> tuple[Variant, Variant | None]:
            return variants[0], variants[1] if len(variants) > 1 else None

        def failed(*variants: Variant | None) -> int:
            return sum(v.failed for v in variants if v is not None)

        ours, raw = sides(listing)
        self.rows.append(
            Row(
                "list 20 tasks: req/s",
                ours.rate,
                raw.rate if raw else None,
                "≥ 0.8x baseline",
                ours.rate >= 0.8 * raw.rate if raw else None,
                failed=failed(ours, raw),
            )
        )
        self.rows.append(
            Row(
                "list 20 tasks: p99 ms",
                ours.latency("p99"),
                raw.latency("p99") if raw else None,
                "≤ 30 ms",
                ours.latency("p99") <= 30,
                higher_is_better=False,
            )
        )
        ours, raw = sides(creating)
        self.rows.append(
            Row(
                "create a task: req/s",
                ours.rate,
                raw.rate if raw else None,
                "≥ 0.7x baseline",
                ours.rate >= 0.7 * raw.rate if raw else None,
                failed=failed(ours, raw),
            )
        )
        ours, raw = sides(pending)
        self.rows.append(
            Row(
                "chat what's pending: turns/s",
                ours.rate,
                raw.rate if raw else None,
                "",
                None,
                failed=failed(ours, raw),
            )
        )
        self.rows.append(
            Row(
                "chat what's pending: p50 ms",
                ours.latency("p50"),
                raw.latency("p50") if raw else None,
                "",
                None,
                higher_is_better=False,
            )
        )
        short, long = history[0], history[1]
        for label, variant in (("100", short), (f"{self._long}", long)):
            raw_variant = next(
                (v for v in history[2:] if v.kind == variant.kind),
                None,
            )
            self.rows.append(
                Row(
                    f"history page, {label} msgs: req/s",
                    variant.rate,
                    raw_variant.rate if raw_variant else None,
                    "",
                    None,
                    failed=failed(variant, raw_variant),
                )
            )
        # Closed-loop load: mean latency is connections / rate, so the latency ratio
        # of the long to the short conversation is the inverse ratio of their rates.
        raw_ratio = history[2].rate / history[3].rate if len(history) == 4 else None
        self.rows.append(
            Row(
                f"history {self._long} ÷ 100 msgs: latency",
                short.rate / long.rate,
                raw_ratio,
                "≤ 1.2 (todochat)",
                short.rate / long.rate <= 1.2,
                show_ratio=False,
                unit="x",
            )
        )
        mcp_side, rest_side = mcp
        self.rows.append(
            Row(
                "MCP list_tasks: req/s (vs REST)",
                mcp_side.rate,
                rest_side.rate,
                "≥ 0.8x REST",
                mcp_side.rate >= 0.8 * rest_side.rate,
                failed=failed(mcp_side, rest_side),
                reference="todochat REST",
            )
        )

    def count_statements(self) -> None:
        """N sequential requests of each kind through the counting proxy, per server."""
        upstream = _upstream(self.options.admin_url)
        say(f"\nstatements per request ({self.options.count_requests} sequential requests each)")
        with ProxyThread(*upstream) as proxy:
            url = _pg_url(self.options.admin_url, self.options.database_name, proxy.port)
            url += "?sslmode=disable"
            sides = [("todochat", todochat_server(url, 1, self.log_dir, "todochat-counted"))]
            if self.has_baseline:
                sides.append(
                    ("baseline", baseline_server(url, 1, self.log_dir, "baseline-counted"))
                )
            for side, server in sides:
                # The baseline has no MCP endpoint.
                kinds = COUNTED_KINDS if side == "todochat" else COUNTED_KINDS[:-1]
                with server, httpx.Client(base_url=server.base_url, timeout=30) as client:
                    for kind in kinds:
                        counted = self._count(client, proxy, kind)
                        self.statements.setdefault(kind, {})[side] = counted
                        say(f"  {side:<9} {kind:<14} {counted['per_request']:5.1f}")
        for kind in COUNTED_KINDS:
            self.statements[kind]["target"] = STATEMENT_TARGETS.get(kind)

    def _count(self, client: httpx.Client, proxy: CountingProxy, kind: str) -> dict[str, Any]:
        requests = self.workload.requests(kind)
        pending = self.options.spec.pending_per_user
        warmup = 5
        for request in requests[:warmup]:  # connections, prepared statements, caches
            send(client, request)
        time.sleep(0.3)
        proxy.reset()
        n = self.options.count_requests
        for i in range(n):
            response = send(client, requests[(i + warmup) % len(requests)])
            if problem := check_response(kind, response, pending):
                raise SystemExit(f"counting {kind}: {problem}")
        time.sleep(0.5)  # statements sent after the response (session close) count too
        log = proxy.log
        counted = {
            "per_request": log.total / n,
            "simple_queries": log.simple_queries / n,
            "executes": log.executes / n,
            "by_verb": {verb: count / n for verb, count in sorted(log.by_verb.items())},
        }
        proxy.reset(keep_text=True)
        send(client, requests[0])
        time.sleep(0.5)
        counted["sample"] = list(proxy.log.statements)
        return counted

    def memory_soak(self) -> None:
        """Mixed load on a fresh 2-worker todochat; RSS of each worker at the start,
        half way and at the end."""
        seconds = self.options.soak_seconds
        server = todochat_server(self.target.todochat_url, 2, self.log_dir, "todochat-soak")
        requests: list[HttpRequest] = self.workload.mixed(SOAK_KINDS)
        say(f"\nmemory: {seconds:.0f} s of mixed load on 2 workers ({', '.join(SOAK_KINDS)})")
        samples: dict[str, dict[int, float | None]] = {}
        with server:
            pids = server.worker_pids()
            marks = [("start", 0.0), ("half", seconds / 2), ("end", seconds)]
            started = time.monotonic()
            load = LoadRun(
                server.base_url, requests, connections=self.options.connections, seconds=seconds
            )
            for name, at in marks:
                # The last sample is taken just before wrk stops.
                delay = started + (at if name != "end" else at - 0.5) - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                samples[name] = {pid: rss_megabytes(pid) for pid in pids}
                shown = ", ".join(f"{pid}: {mb:.0f} MB" for pid, mb in samples[name].items() if mb)
                say(f"  {name:<5} t={time.monotonic() - started:5.0f} s  {shown}")
            result = load.result()
        self.soak = {
            "seconds": seconds,
            "workers": pids,
            "rss_mb": samples,
            "load": result.as_json(),
        }

    # Output ------------------------------------------------------------------------

    def report(self) -> dict[str, Any]:
        options = self.options
        say("\n" + "=" * 100)
        say(
            f"todochat vs raw baseline on {options.database}"
            f"{'' if self.has_baseline else ' (no baseline)'}: median of {options.rounds} "
            f"runs of {options.seconds:g} s, {options.connections} connections, "
            f"{options.spec.describe()}"
        )
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        say(f"{os.cpu_count()} cores; load average now {load} (skews every figure if high)")
        if options.quick:
            say("QUICK run: short runs on a small data set, a smoke check only")
        say("=" * 100)
        if self.rows:
            print_rows(self.rows, self.has_baseline)
        if self.statements:
            print_statements(self.statements, STATEMENT_TARGETS, KINDS)
        elif not options.on_postgresql:
            say("\nstatements per request: counted on PostgreSQL only (from the wire protocol)")
        if self.soak:
            print_soak(self.soak)
            self.soak["verdict"] = soak_verdict(self.soak)
        return {
            "rows": [row.as_json() for row in self.rows],
            "statements": self.statements,
            "soak": self.soak,
            "variants": [variant.as_json() for variant in self.variants],
        }


def _machine() -> dict[str, Any]:
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return {
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "wrk": (wrk.stdout or wrk.stderr).splitlines()[0] if (wrk.stdout or wrk.stderr) else None,
    }


@contextmanager
def _target(options: Options) -> Iterator[Target]:
    target = prepare_postgresql(options) if options.on_postgresql else prepare_sqlite(options)
    try:
        yield target
    finally:
        target.cleanup()


def main(argv: list[str] | None = None) -> int:
    options = parse_options(argv)
    require_wrk()
    started_at = datetime.now(UTC)
    machine = _machine()
    say(
        f"bench: {options.database}, {machine['cpus']} cores, load average "
        f"{' '.join(f'{x:.2f}' for x in machine['load_average'])} "
        "(other work on the machine skews every figure)"
    )
    log_dir = Path(tempfile.mkdtemp(prefix="todochat-bench-logs-"))
    with _target(options) as target:
        bench = Bench(options, target, log_dir)
        if "load" not in options.skip:
            bench.measure_single_worker()
            bench.measure_chat_add()
        if options.on_postgresql and "statements" not in options.skip:
            bench.count_statements()
        if "soak" not in options.skip:
            bench.memory_soak()
        summary = bench.report()
    finished_at = datetime.now(UTC)
    result = {
        "started_at": started_at.isoformat(),
        "finished_at": finished_at.isoformat(),
        "database": options.database,
        "baseline": target.baseline_url is not None,
        "options": {
            "seconds": options.seconds,
            "warmup_seconds": options.warmup_seconds,
            "rounds": options.rounds,
            "connections": options.connections,
            "soak_seconds": options.soak_seconds,
            "count_requests": options.count_requests,
            "quick": options.quick,
            "skip": sorted(options.skip),
        },
        "dataset": asdict(options.spec),
        "machine": {**machine, "load_average_at_end": os.getloadavg()},
        **summary,
    }
    options.results_dir.mkdir(parents=True, exist_ok=True)
    stamp = started_at.strftime("%Y%m%dT%H%M%SZ")
    path = (
        options.results_dir / f"{stamp}-{options.database}{'-quick' if options.quick else ''}.json"
    )
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    say(f"\nresults: {path}")
    say(f"server logs: {log_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
