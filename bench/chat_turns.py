"""How much a chat turn costs, next to a baseline measured in the same run.

A chat turn with the built-in agent does more than a plain REST call: it loads the
conversation and its history, stores two messages, and calls tools through the
in-process MCP session. This script measures, against one real database:

  baseline   POST /api/me/tasks           (create a task over REST)
  chat       POST /api/me/chat            ("add a task to …", one tool call)
  chat+list  POST /api/me/chat            ("what's pending?", list of N tasks)

through the full ASGI stack (no socket), and prints latency percentiles and
throughput for each. Usage:

  .venv/bin/python bench/chat_turns.py [--turns 200] [--database-url URL]

Without --database-url a temporary SQLite file is used.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from todochat.runtime import create_app
from todochat.config import Settings

SECRET = "bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz"


async def measure(
    label: str, turns: int, call: Callable[[int], Awaitable[httpx.Response]]
) -> list[float]:
    durations: list[float] = []
    for index in range(turns):
        started = time.perf_counter()
        response = await call(index)
        durations.append(time.perf_counter() - started)
        if response.status_code >= 400:
            raise SystemExit(f"{label}: HTTP {response.status_code} {response.text[:200]}")
    return durations


def report(label: str, durations: list[float], baseline: list[float] | None) -> None:
    ordered = sorted(durations)
    p50 = statistics.median(ordered) * 1000
    p95 = ordered[int(len(ordered) * 0.95) - 1] * 1000
    rate = len(ordered) / sum(ordered)
    relative = ""
    if baseline is not None:
        relative = f"  ({p50 / (statistics.median(baseline) * 1000):.1f}x baseline p50)"
    print(f"{label:<11} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   {rate:7.1f}/s{relative}")


async def run(turns: int, database_url: str) -> None:
    settings = Settings(
        database_url=database_url,
        jwt_secret=SECRET,  # type: ignore[arg-type]
        agent="builtin",
        chat_requests_per_minute=1_000_000,
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client,
    ):
        registered = await client.post(
            "/api/auth/register", json={"email": "bench@example.com", "password": "bench-password"}
        )
        headers = {"Authorization": f"Bearer {registered.json()['access_token']}"}
        conversation = (await client.post("/api/me/conversations", headers=headers)).json()["id"]

        async def create_task(index: int) -> httpx.Response:
            return await client.post(
                "/api/me/tasks", json={"title": f"rest task {index}"}, headers=headers
            )

        async def chat(message: str) -> httpx.Response:
            body = {"message": message, "conversation_id": conversation}
            return await client.post("/api/me/chat", json=body, headers=headers)

        # Warm-up: imports, first connections, the date parser's caches.
        await create_task(-1)
        await chat("add a task to warm up")

        baseline = await measure("baseline", turns, create_task)
        adding = await measure("chat", turns, lambda i: chat(f"add a task to buy item {i}"))
        list_turns = max(turns // 4, 10)
        listing = await measure("chat+list", list_turns, lambda _i: chat("what's pending?"))

    print(f"database: {database_url.split('://')[0]}   turns: {turns}   cores: {os.cpu_count()}")
    report("baseline", baseline, None)
    report("chat", adding, baseline)
    report("chat+list", listing, baseline)
    total = 2 * turns + 2
    # The built-in agent asks list_tasks for at most 200 tasks.
    print(f"(chat+list lists {min(total, 200)} of the user's {total} tasks per turn)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        asyncio.run(run(args.turns, url))


if __name__ == "__main__":
    main()
