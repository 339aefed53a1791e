"""A server killed with SIGKILL in the middle of a write load loses no write it had
acknowledged, and the restarted server numbers tasks without duplicates."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from tests.support import Account, ServerProcess, register

CLIENTS = 4
WRITES_PER_CLIENT = 50  # 200 task creations at most
KILL_AFTER_ACKNOWLEDGED = 60


async def write_until_killed(server: ServerProcess, account: Account) -> tuple[dict[int, str], int]:
    """Create tasks from several clients; SIGKILL the server once enough creations are
    acknowledged. The acknowledged tasks by number, and how many requests were sent."""
    acknowledged: dict[int, str] = {}
    sent = 0
    killed = asyncio.Event()

    async def client(http: httpx.AsyncClient, name: str) -> None:
        nonlocal sent
        for index in range(WRITES_PER_CLIENT):
            title = f"load {name}-{index}"
            sent += 1
            try:
                response = await http.post(
                    "/api/me/tasks", json={"title": title}, headers=account.headers
                )
            except httpx.TransportError:
                return  # the server is gone
            if response.status_code == 201:
                number = response.json()["id"]
                assert number not in acknowledged, "a task number was handed out twice"
                acknowledged[number] = title
            if len(acknowledged) >= KILL_AFTER_ACKNOWLEDGED and not killed.is_set():
                killed.set()
                assert server.process is not None
                server.process.kill()

    async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as http:
        await asyncio.gather(*(client(http, str(n)) for n in range(CLIENTS)))
    assert killed.is_set(), "the load ended before the server was killed"
    return acknowledged, sent


async def all_tasks(http: httpx.AsyncClient, account: Account) -> list[dict[str, object]]:
    tasks: list[dict[str, object]] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 100}
        if cursor:
            params["cursor"] = cursor
        response = await http.get("/api/me/tasks", params=params, headers=account.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        tasks.extend(page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            return tasks


@pytest.mark.both_databases
async def test_every_acknowledged_write_survives_a_kill_9(
    tmp_path: Path, database_url: str
) -> None:
    server = ServerProcess(tmp_path, database_url).start()
    try:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as http:
            account = await register(http, "kim@example.com")
        acknowledged, sent = await write_until_killed(server, account)
        assert server.stop() == -9  # SIGKILL, not a clean shutdown
        assert len(acknowledged) >= KILL_AFTER_ACKNOWLEDGED
        assert sent < CLIENTS * WRITES_PER_CLIENT  # killed mid-way, not after the load

        server.start()  # same port, same database
        async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as http:
            stored = await all_tasks(http, account)
            numbers = [task["id"] for task in stored]
            assert len(numbers) == len(set(numbers))
            by_number = {task["id"]: task["title"] for task in stored}
            lost = {n: t for n, t in acknowledged.items() if by_number.get(n) != t}
            assert lost == {}
            # Numbering carries on after the crash, with no number handed out twice.
            after = await http.post(
                "/api/me/tasks", json={"title": "after"}, headers=account.headers
            )
            assert after.status_code == 201, after.text
            assert after.json()["id"] not in by_number
    finally:
        server.stop()
