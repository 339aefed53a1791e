"""Idempotency keys and sign-out hold across processes: two real `todochat serve`
processes on one database (each backend)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx

from tests.support import ServerProcess, register


@asynccontextmanager
async def two_servers(
    database_url: str, serve: Callable[..., ServerProcess]
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    first = serve(database_url).start()
    second = serve(database_url).start()
    async with (
        httpx.AsyncClient(base_url=first.base_url, timeout=60) as via_first,
        httpx.AsyncClient(base_url=second.base_url, timeout=60) as via_second,
    ):
        yield via_first, via_second


async def test_one_key_sent_to_two_servers_at_once_creates_one_task(
    database_url: str, serve: Callable[..., ServerProcess]
) -> None:
    async with two_servers(database_url, serve) as (via_first, via_second):
        account = await register(via_first, "ada@example.com")
        headers = {**account.headers, "Idempotency-Key": "across"}
        responses = await asyncio.gather(
            *(
                http.post("/api/me/tasks", json={"title": "Once"}, headers=headers)
                for http in [via_first, via_second] * 4
            )
        )
        listed = await via_second.get("/api/me/tasks", headers=account.headers)

    assert [r.status_code for r in responses] == [201] * 8, [r.text for r in responses]
    assert {r.json()["id"] for r in responses} == {1}
    assert sum("Idempotent-Replayed" not in r.headers for r in responses) == 1
    assert [task["title"] for task in listed.json()["items"]] == ["Once"]


async def test_logout_on_one_server_revokes_the_token_on_the_other(
    database_url: str, serve: Callable[..., ServerProcess]
) -> None:
    async with two_servers(database_url, serve) as (via_first, via_second):
        account = await register(via_first, "ada@example.com")
        # The second server has verified (and remembers) the token already.
        assert (await via_second.get("/api/me/tasks", headers=account.headers)).status_code == 200

        logout = await via_first.post("/api/auth/logout", headers=account.headers)
        after = await via_second.get("/api/me/tasks", headers=account.headers)

    assert logout.status_code == 204
    assert after.status_code == 401
