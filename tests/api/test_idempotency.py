"""`Idempotency-Key` on the REST POSTs that create something: a repeat replays the
first answer and creates nothing; a key is per user and bound to one request."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select, update

from tests.api.support import assert_error
from tests.support import Account
from todochat.db import Database
from todochat.models import IdempotencyKey, Task


def keyed(account: Account, key: str) -> dict[str, str]:
    return {**account.headers, "Idempotency-Key": key}


async def task_count(client: httpx.AsyncClient, account: Account) -> int:
    response = await client.get("/api/me/tasks", headers=account.headers)
    assert response.status_code == 200, response.text
    return len(response.json()["items"])


async def test_a_repeated_task_post_replays_the_first_answer_and_creates_one_task(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    headers = keyed(alice_auth, "task-1")
    first = await client.post("/api/me/tasks", json={"title": "Buy milk"}, headers=headers)
    again = await client.post("/api/me/tasks", json={"title": "Buy milk"}, headers=headers)

    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers
    assert again.status_code == 201, again.text
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert await task_count(client, alice_auth) == 1


async def test_the_same_key_with_another_body_is_refused(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    headers = keyed(alice_auth, "task-2")
    await client.post("/api/me/tasks", json={"title": "Buy milk"}, headers=headers)

    other = await client.post("/api/me/tasks", json={"title": "Buy eggs"}, headers=headers)

    assert_error(other, 422, "idempotency_key_reused")
    assert await task_count(client, alice_auth) == 1


async def test_the_same_key_on_another_route_is_refused(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    headers = keyed(alice_auth, "shared")
    await client.post("/api/me/tasks", json={"title": "Buy milk"}, headers=headers)

    other = await client.post("/api/me/conversations", json={"title": "x"}, headers=headers)

    assert_error(other, 422, "idempotency_key_reused")


async def test_me_and_the_users_own_id_are_the_same_request(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    headers = keyed(alice_auth, "paths")
    first = await client.post("/api/me/tasks", json={"title": "Buy milk"}, headers=headers)
    again = await client.post(
        f"/api/{alice_auth.id}/tasks", json={"title": "Buy milk"}, headers=headers
    )

    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()


async def test_another_users_same_key_is_independent(
    client: httpx.AsyncClient, alice_auth: Account, bob_auth: Account
) -> None:
    body = {"title": "Buy milk"}
    alices = await client.post("/api/me/tasks", json=body, headers=keyed(alice_auth, "k"))
    bobs = await client.post("/api/me/tasks", json=body, headers=keyed(bob_auth, "k"))

    assert alices.status_code == bobs.status_code == 201
    assert "Idempotent-Replayed" not in bobs.headers
    assert await task_count(client, alice_auth) == 1
    assert await task_count(client, bob_auth) == 1


async def test_concurrent_requests_with_one_key_create_one_task(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    headers = keyed(alice_auth, "race")
    responses = await asyncio.gather(
        *(client.post("/api/me/tasks", json={"title": "Once"}, headers=headers) for _ in range(8))
    )

    assert [r.status_code for r in responses] == [201] * 8, [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 7
    assert await task_count(client, alice_auth) == 1


async def test_a_repeated_conversation_post_creates_one_conversation(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    headers = keyed(alice_auth, "conversation")
    first = await client.post("/api/me/conversations", json={"title": "Plans"}, headers=headers)
    again = await client.post("/api/me/conversations", json={"title": "Plans"}, headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    listed = await client.get("/api/me/conversations", headers=alice_auth.headers)
    assert len(listed.json()["items"]) == 1


async def test_a_repeated_message_post_appends_one_message(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    created = await client.post("/api/me/conversations", json={}, headers=alice_auth.headers)
    path = f"/api/me/conversations/{created.json()['id']}/messages"
    headers = keyed(alice_auth, "message")
    first = await client.post(path, json={"content": "hello"}, headers=headers)
    again = await client.post(path, json={"content": "hello"}, headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    listed = await client.get(path, headers=alice_auth.headers)
    assert [m["content"] for m in listed.json()["items"]] == ["hello"]


async def test_a_failed_request_does_not_use_up_its_key(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    headers = keyed(alice_auth, "retry-me")
    failed = await client.post("/api/me/tasks", json={"title": "   "}, headers=headers)
    retried = await client.post("/api/me/tasks", json={"title": "   "}, headers=headers)

    assert failed.status_code == retried.status_code == 422
    assert "Idempotent-Replayed" not in retried.headers


@pytest.mark.parametrize("key", ["", "x" * 256, "caf\u00e9", "tab\there"])
async def test_a_malformed_key_is_a_422(
    client: httpx.AsyncClient, alice_auth: Account, key: str
) -> None:
    headers = {**alice_auth.headers, "Idempotency-Key": key}
    response = await client.post(
        "/api/me/tasks",
        json={"title": "Buy milk"},
        headers={k: v.encode() if k == "Idempotency-Key" else v for k, v in headers.items()},
    )

    assert_error(response, 422)
    assert await task_count(client, alice_auth) == 0


async def test_a_key_older_than_a_day_is_forgotten(
    client: httpx.AsyncClient, alice_auth: Account, db: Database
) -> None:
    headers = keyed(alice_auth, "old")
    await client.post("/api/me/tasks", json={"title": "Buy milk"}, headers=headers)
    async with db.session() as session:
        await session.exec(
            update(IdempotencyKey).values(created_at=datetime.now(UTC) - timedelta(hours=25))
        )

    again = await client.post("/api/me/tasks", json={"title": "Buy milk"}, headers=headers)

    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again.headers
    async with db.session() as session:
        tasks = (await session.exec(select(func.count()).select_from(Task))).scalar_one()
        keys = (await session.exec(select(func.count()).select_from(IdempotencyKey))).scalar()
    assert (tasks, keys) == (2, 1)


async def test_using_a_key_sweeps_the_users_expired_keys(
    client: httpx.AsyncClient, alice_auth: Account, bob_auth: Account, db: Database
) -> None:
    for account, key in ((alice_auth, "a-old"), (bob_auth, "b-old")):
        await client.post("/api/me/tasks", json={"title": "x"}, headers=keyed(account, key))
    async with db.session() as session:
        await session.exec(
            update(IdempotencyKey).values(created_at=datetime.now(UTC) - timedelta(hours=25))
        )

    await client.post("/api/me/tasks", json={"title": "y"}, headers=keyed(alice_auth, "new"))

    async with db.session() as session:
        keys = [row[0] for row in (await session.exec(select(IdempotencyKey.key))).all()]
    # Alice's expired key is gone; Bob's waits for Bob (every query is per user).
    assert sorted(keys) == ["b-old", "new"]
