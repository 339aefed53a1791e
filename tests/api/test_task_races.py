"""Concurrent changes to one task over HTTP: every change is one statement that decides
from the row as it is, so nothing is lost between a read and a write, and a task
deleted meanwhile is a plain 404, never a server error."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.support import Account

TOGGLES = 20
# Races are what the two engines answer most differently (row locks, write locks).
pytestmark = pytest.mark.both_databases


async def add_task(client: httpx.AsyncClient, auth: Account, title: str = "Buy milk") -> int:
    response = await client.post("/api/me/tasks", json={"title": title}, headers=auth.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def test_concurrent_toggles_end_in_the_serial_result(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    number = await add_task(client, alice_auth)

    responses = await asyncio.gather(
        *(
            client.patch(f"/api/me/tasks/{number}/complete", headers=alice_auth.headers)
            for _ in range(TOGGLES)
        )
    )

    assert [r.status_code for r in responses] == [200] * TOGGLES
    # Each toggle flipped what the one before it left: half saw it completed.
    assert sum(r.json()["completed"] for r in responses) == TOGGLES // 2
    final = await client.get(f"/api/me/tasks/{number}", headers=alice_auth.headers)
    assert final.json()["completed"] is False  # an even number of flips
    assert final.json()["completed_at"] is None


async def test_updates_racing_a_delete_answer_200_or_404_only(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    number = await add_task(client, alice_auth)
    path = f"/api/me/tasks/{number}"

    changes = [
        client.patch(path, json={"title": f"Title {i}"}, headers=alice_auth.headers)
        for i in range(10)
    ]
    toggles = [client.patch(f"{path}/complete", headers=alice_auth.headers) for _ in range(5)]
    deletion = client.delete(path, headers=alice_auth.headers)
    responses = await asyncio.gather(*changes, deletion, *toggles)

    assert {r.status_code for r in responses} <= {200, 204, 404}
    assert [r.status_code for r in responses].count(204) == 1
    for response in responses:
        if response.status_code == 404:
            assert response.json()["error"]["code"] == "not_found"
    after = await client.get(path, headers=alice_auth.headers)
    assert after.status_code == 404
