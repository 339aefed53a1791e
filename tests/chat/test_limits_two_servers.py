"""Limits hold across processes: two `todochat serve` processes on one PostgreSQL
database share the sign-in throttle, the chat rate and the turn lock. (PostgreSQL
only: set TODOCHAT_TEST_DATABASE_URL.)"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.support import PASSWORD, ServerProcess, register

from .chat_helpers import Chatter

pytestmark = pytest.mark.skipif(
    not os.environ.get("TODOCHAT_TEST_DATABASE_URL", "").strip(),
    reason="needs PostgreSQL: set TODOCHAT_TEST_DATABASE_URL",
)


@pytest.fixture
def fresh_postgres_url(postgres_databases: Any) -> str:
    """A new, empty PostgreSQL database (dropped at the end of the session)."""
    return str(postgres_databases.create())


def two_servers(
    serve: Callable[..., ServerProcess], database_url: str, **env: str
) -> tuple[ServerProcess, ServerProcess]:
    first = serve(database_url, **env).start()  # migrates the fresh database
    return first, serve(database_url, **env).start()


async def test_ten_wrong_passwords_in_total_are_evaluated_across_two_servers(
    fresh_postgres_url: str, serve: Callable[..., ServerProcess]
) -> None:
    first, second = two_servers(
        serve,
        fresh_postgres_url,
        TODOCHAT_LOGIN_ATTEMPTS_PER_ACCOUNT="10",
        TODOCHAT_LOGIN_ATTEMPTS_PER_ADDRESS="1000",
        TODOCHAT_LOGIN_DELAY_SECONDS="600",
    )
    async with (
        httpx.AsyncClient(base_url=first.base_url, timeout=60) as via_first,
        httpx.AsyncClient(base_url=second.base_url, timeout=60) as via_second,
    ):
        await register(via_first, "ada@example.com")
        wrong = {"email": "ada@example.com", "password": "wrong guess"}
        responses = await asyncio.gather(
            *(client.post("/api/auth/login", json=wrong) for client in [via_first, via_second] * 15)
        )
        right = await via_second.post(
            "/api/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
        )

    statuses = [r.status_code for r in responses]
    assert statuses.count(401) == 10, statuses
    assert statuses.count(429) == 20, statuses
    assert right.status_code == 429
    assert int(right.headers["retry-after"]) > 500


async def test_chat_turns_per_minute_are_the_limit_across_two_servers(
    fresh_postgres_url: str, serve: Callable[..., ServerProcess]
) -> None:
    first, second = two_servers(serve, fresh_postgres_url, TODOCHAT_CHAT_REQUESTS_PER_MINUTE="5")
    async with (
        httpx.AsyncClient(base_url=first.base_url) as via_first,
        httpx.AsyncClient(base_url=second.base_url) as via_second,
    ):
        account = await register(via_first, "ada@example.com")
        chatters = [Chatter(via_first, account), Chatter(via_second, account)]
        responses = [await chatters[n % 2].post_chat(f"add task {n}") for n in range(12)]

    statuses = [r.status_code for r in responses]
    assert statuses == [200] * 5 + [429] * 7
    assert all(int(r.headers["retry-after"]) >= 1 for r in responses[5:])


async def test_concurrent_turns_on_two_servers_store_alternating_pairs(
    fresh_postgres_url: str, serve: Callable[..., ServerProcess]
) -> None:
    first, second = two_servers(serve, fresh_postgres_url)
    async with (
        httpx.AsyncClient(base_url=first.base_url) as via_first,
        httpx.AsyncClient(base_url=second.base_url) as via_second,
    ):
        account = await register(via_first, "ada@example.com")
        chatters = [Chatter(via_first, account), Chatter(via_second, account)]
        conversation_id = (await chatters[0].say("add buy milk"))["conversation_id"]
        responses = await asyncio.gather(
            *(chatters[n % 2].post_chat(f"add task {n}", conversation_id) for n in range(20))
        )
        stored = await chatters[1].messages(conversation_id)

    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 409}, statuses
    assert all(int(r.headers["retry-after"]) >= 1 for r in responses if r.status_code == 409)
    pairs = statuses.count(200) + 1
    assert [m["role"] for m in stored] == ["user", "assistant"] * pairs
    assert [m["seq"] for m in stored] == list(range(1, 2 * pairs + 1))
