"""Statelessness for real: two `todochat serve` processes on one PostgreSQL database take
turns of the same conversation. (PostgreSQL only: set TODOCHAT_TEST_DATABASE_URL.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.support import Account, ServerProcess, register

from .chat_helpers import Chatter

pytestmark = pytest.mark.postgresql_only

TURNS = [
    "add buy milk",
    "add call mom",
    "what's pending?",
    "mark it done",
    "the milk task is done",
    "what have I completed?",
]


@pytest.fixture
def fresh_postgres_url(postgres_databases: Any) -> str:
    """A new, empty PostgreSQL database (dropped at the end of the session)."""
    return str(postgres_databases.create())


async def test_two_servers_alternate_turns_of_one_conversation(
    fresh_postgres_url: str, serve: Callable[..., ServerProcess]
) -> None:
    database_url = fresh_postgres_url
    first = serve(database_url).start()  # migrates the fresh database
    second = serve(database_url).start()
    async with (
        httpx.AsyncClient(base_url=first.base_url) as via_first,
        httpx.AsyncClient(base_url=second.base_url) as via_second,
    ):
        account: Account = await register(via_first, "ada@example.com")
        servers = [Chatter(via_first, account), Chatter(via_second, account)]
        conversation_id: str | None = None
        turns: list[dict[str, Any]] = []
        for index, message in enumerate(TURNS):
            turn = await servers[index % 2].say(message, conversation_id)
            conversation_id = turn["conversation_id"]
            turns.append(turn)

        assert conversation_id is not None
        stored = await servers[1].messages(conversation_id)
        statuses = await servers[0].statuses()

    assert [m["seq"] for m in stored] == list(range(1, 13))
    assert [m["role"] for m in stored] == ["user", "assistant"] * 6
    assert [m["content"] for m in stored[::2]] == TURNS
    assert [m["content"] for m in stored[1::2]] == [t["response"] for t in turns]
    assert [t["tool_calls"][0]["result"]["task_id"] for t in turns[:2]] == [1, 2]
    assert turns[3]["tool_calls"][-1]["arguments"] == {"task_id": 2}
    assert turns[4]["tool_calls"][-1]["arguments"] == {"task_id": 1}
    assert turns[5]["tool_calls"][0]["result"] == {"count": 2, "task_ids": [1, 2]}
    assert statuses == {1: "completed", 2: "completed"}
