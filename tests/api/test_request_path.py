"""How a request is built: one transaction per request (two for a chat turn with the
built-in agent), and no more statements than the work needs.

Statements are counted as the driver executes them, without the BEGIN that SQLite's
transactions start with; transactions are counted as they begin.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event

from tests.support import Account

# The statements are the same on both engines; PostgreSQL is where they cost round trips.
pytestmark = pytest.mark.both_databases


@dataclass
class DatabaseWork:
    """Transactions begun and statements executed while it listens."""

    transactions: int = 0
    statements: int = 0

    def reset(self) -> None:
        self.transactions = self.statements = 0

    def on_begin(self, *_args: Any) -> None:
        self.transactions += 1

    def on_execute(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith("BEGIN"):
            self.statements += 1


@pytest.fixture
def work(app: FastAPI) -> Iterator[DatabaseWork]:
    engine = app.state.runtime.database.engine.sync_engine
    counted = DatabaseWork()
    event.listen(engine, "begin", counted.on_begin)
    event.listen(engine, "before_cursor_execute", counted.on_execute)
    yield counted
    event.remove(engine, "begin", counted.on_begin)
    event.remove(engine, "before_cursor_execute", counted.on_execute)


async def measured(
    work: DatabaseWork, client: httpx.AsyncClient, method: str, path: str, **kwargs: Any
) -> httpx.Response:
    """The response to one request, with `work` counting only that request."""
    work.reset()
    response = await client.request(method, path, **kwargs)
    assert response.status_code < 400, response.text
    return response


@pytest.fixture
async def ready(client: httpx.AsyncClient, alice_auth: Account) -> Account:
    """Alice with two tasks, and the pool warmed up (a new connection has its own
    set-up queries)."""
    for title in ("Buy milk", "Call mom"):
        response = await client.post(
            "/api/me/tasks", json={"title": title}, headers=alice_auth.headers
        )
        assert response.status_code == 201
    return alice_auth


async def test_listing_tasks_is_one_transaction_of_two_statements(
    client: httpx.AsyncClient, ready: Account, work: DatabaseWork
) -> None:
    await measured(work, client, "GET", "/api/me/tasks?limit=20", headers=ready.headers)
    assert (work.transactions, work.statements) == (1, 2)  # the user, the tasks


async def test_creating_a_task_is_one_transaction_of_three_statements(
    client: httpx.AsyncClient, ready: Account, work: DatabaseWork
) -> None:
    await measured(
        work, client, "POST", "/api/me/tasks", json={"title": "x"}, headers=ready.headers
    )
    # the user, the next number (UPDATE … RETURNING), the task (INSERT … RETURNING)
    assert (work.transactions, work.statements) == (1, 3)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PATCH", "/api/me/tasks/1", {"priority": "high"}),
        ("PATCH", "/api/me/tasks/1/complete", None),
        ("DELETE", "/api/me/tasks/1", None),
    ],
)
async def test_changing_a_task_is_one_transaction_of_two_statements(
    client: httpx.AsyncClient,
    ready: Account,
    work: DatabaseWork,
    method: str,
    path: str,
    body: dict[str, str] | None,
) -> None:
    await measured(work, client, method, path, json=body, headers=ready.headers)
    assert (work.transactions, work.statements) == (1, 2)  # the user, one UPDATE/DELETE


async def test_a_history_page_is_one_transaction_of_two_statements(
    client: httpx.AsyncClient, ready: Account, work: DatabaseWork
) -> None:
    turn = await client.post("/api/me/chat", json={"message": "hi"}, headers=ready.headers)
    path = f"/api/me/conversations/{turn.json()['conversation_id']}/messages?limit=50"
    await measured(work, client, "GET", path, headers=ready.headers)
    assert (work.transactions, work.statements) == (1, 2)  # the user, the messages


async def test_a_chat_turn_that_adds_a_task_is_two_short_transactions(
    client: httpx.AsyncClient, ready: Account, work: DatabaseWork
) -> None:
    response = await measured(
        work,
        client,
        "POST",
        "/api/me/chat",
        json={"message": "add a task to buy bread"},
        headers=ready.headers,
    )
    assert [c["name"] for c in response.json()["tool_calls"]] == ["add_task"]
    # 1: the user, the turn counted against the chat limit, a new conversation, the
    #    user message (its number and the turn's hold on the conversation, insert);
    # 2: the task (number, insert) and the reply (number and hold let go, insert).
    assert (work.transactions, work.statements) == (2, 9)


async def test_a_listing_chat_turn_is_two_short_transactions(
    client: httpx.AsyncClient, ready: Account, work: DatabaseWork
) -> None:
    first = await client.post("/api/me/chat", json={"message": "hi"}, headers=ready.headers)
    body = {"message": "what's pending?", "conversation_id": first.json()["conversation_id"]}
    response = await measured(
        work, client, "POST", "/api/me/chat", json=body, headers=ready.headers
    )
    assert [c["name"] for c in response.json()["tool_calls"]] == ["list_tasks"]
    # 1: the user, the turn counted, the user message's number and the hold, the
    #    history, the user message; 2: the tasks, the reply (number, insert).
    assert (work.transactions, work.statements) == (2, 8)
