"""Starting, watching and stopping the servers under test, as separate processes.

todochat is started exactly as a user would start it (`todochat serve`), configured
only through its documented environment variables; the baseline app is started
with uvicorn. Both listen on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
JWT_SECRET = "bench-jwt-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
READY_TIMEOUT_SECONDS = 60.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def todochat_environment(database_url: str) -> dict[str, str]:
    """The environment of a todochat process for the benchmark."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TODOCHAT_")}
    environment.update(
        TODOCHAT_DATABASE_URL=database_url,
        TODOCHAT_JWT_SECRET=JWT_SECRET,
        TODOCHAT_AGENT="builtin",
        TODOCHAT_AUTO_MIGRATE="true",
        # The bench measures the request path, not the per-user limits.
        TODOCHAT_CHAT_REQUESTS_PER_MINUTE="1000000",
        TODOCHAT_MCP_TOOL_CALLS_PER_MINUTE="1000000",
        TODOCHAT_LOG_LEVEL="WARNING",
    )
    return environment


def todochat_cli(database_url: str, *arguments: str) -> None:
    """Run one `todochat` command (e.g. `db upgrade`) and fail loudly if it fails."""
    subprocess.run(
        [str(BIN / "todochat"), *arguments],
        env=todochat_environment(database_url),
        check=True,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
    )


@dataclass
class Server:
    """One server process (and its workers) listening on 127.0.0.1:port."""

    name: str
    command: list[str]
    environment: dict[str, str]
    port: int
    log_path: Path
    workers: int = 1
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command,
            env=self.environment,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as a whole
        )
        log.close()
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start; see {self.log_path}")
            try:
                ready = httpx.get(f"{self.base_url}/readyz", timeout=2).status_code == 200
            except httpx.TransportError:
                ready = False
            # With several workers, /readyz answers as soon as one of them is up.
            if ready and len(self.worker_pids()) >= self.workers:
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} not ready after {READY_TIMEOUT_SECONDS:.0f} s")

    def stop(self) -> None:
        """SIGTERM to the process group, SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        group = os.getpgid(self.process.pid)
        os.killpg(group, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            self.process.wait(timeout=5)

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: the children of the server process
        when it has several workers, else the process itself."""
        if self.process is None:
            return []
        children = [
            pid for pid in _child_pids(self.process.pid) if "resource_tracker" not in _cmdline(pid)
        ]
        return children or [self.process.pid]

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def todochat_server(
    database_url: str, workers: int, log_dir: Path, name: str = "todochat"
) -> Server:
    port = free_port()
    command = [str(BIN / "todochat"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers)]
    return Server(
        name=f"{name} ({workers} worker{'s' if workers > 1 else ''})",
        command=command,
        environment=todochat_environment(database_url),
        port=port,
        log_path=log_dir / f"{name}-{workers}w-{port}.log",
        workers=workers,
    )


def baseline_server(
    database_url: str, workers: int, log_dir: Path, name: str = "baseline"
) -> Server:
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TODOCHAT_")}
    environment.update(BENCH_DATABASE_URL=database_url, BENCH_JWT_SECRET=JWT_SECRET)
    command = [str(BIN / "python"), "-m", "uvicorn", "bench.baseline_app:app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    command += ["--no-access-log", "--log-level", "warning"]
    return Server(
        name=f"{name} ({workers} worker{'s' if workers > 1 else ''})",
        command=command,
        environment=environment,
        port=port,
        log_path=log_dir / f"{name}-{workers}w-{port}.log",
        workers=workers,
    )


def _child_pids(parent: int) -> list[int]:
    children: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name (2nd field) is in parentheses and may contain spaces.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == parent:
            children.append(int(entry.name))
    return sorted(children)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def rss_megabytes(pid: int) -> float | None:
    """VmRSS of a process in MB (None once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None
