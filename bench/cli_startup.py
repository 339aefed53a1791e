"""How fast the command line starts: `todochat --help`, and `todochat chat` until its
prompt shows (in a pseudo-terminal, on a migrated SQLite database), next to the bare
Python interpreter starting, measured in the same run.

    python -m bench.cli_startup [--runs N]
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
TARGET_SECONDS = 1.0


def seconds_to_exit(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def seconds_to_prompt(command: list[str], env: dict[str, str]) -> float:
    """Start `command` in a pseudo-terminal; the time until `you>` shows (then Ctrl-D)."""
    controller, device = pty.openpty()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdin=device, stdout=device, stderr=device, env=env)
    os.close(device)
    seen = b""
    try:
        while b"you>" not in seen:
            if time.perf_counter() - started > 60:
                raise RuntimeError("no prompt within 60 s")
            ready, _, _ = select.select([controller], [], [], 0.1)
            if ready:
                seen += os.read(controller, 65536)
        elapsed = time.perf_counter() - started
        os.write(controller, b"\x04")
        process.wait(timeout=30)
    finally:
        process.kill()
        os.close(controller)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as work:
        env = {
            **os.environ,
            "TODOCHAT_DATABASE_URL": f"sqlite+aiosqlite:///{work}/bench.db",
            "TODOCHAT_TERMINAL_STATE": f"{work}/terminal.json",
            "PROMPT_TOOLKIT_NO_CPR": "1",
            "TERM": "xterm",
        }
        todochat = str(BIN / "todochat")
        chat = [todochat, "chat", "--email", "bench@example.com"]
        subprocess.run([todochat, "db", "upgrade"], env=env, stdout=subprocess.DEVNULL, check=True)
        seconds_to_prompt(chat, env)  # the first run creates the account and its state
        rows = {
            "python -c pass (baseline)": [
                seconds_to_exit([sys.executable, "-c", "pass"], env) for _ in range(runs)
            ],
            "todochat --help": [seconds_to_exit([todochat, "--help"], env) for _ in range(runs)],
            "todochat chat, to its prompt": [seconds_to_prompt(chat, env) for _ in range(runs)],
        }
    print(f"command line start-up, median of {runs} runs, seconds")
    for name, times in rows.items():
        print(f"  {name:<32} {statistics.median(times):6.2f}   (max {max(times):.2f})")
    worst = max(statistics.median(rows[name]) for name in list(rows)[1:])
    verdict = "met" if worst < TARGET_SECONDS else "NOT met"
    print(f"target: each under {TARGET_SECONDS:.0f} s — {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
