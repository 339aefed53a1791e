"""Labels over HTTP: many per task, one per name whatever its case, a filter on the
task list, and their own routes to list, rename and delete them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support import Account

from .support import assert_error

pytestmark = pytest.mark.both_databases


async def add(client: httpx.AsyncClient, account: Account, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/me/tasks", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def listed(client: httpx.AsyncClient, account: Account, query: str = "") -> list[int]:
    response = await client.get(f"/api/me/tasks{query}", headers=account.headers)
    assert response.status_code == 200, response.text
    return [task["id"] for task in response.json()["items"]]


async def labels(client: httpx.AsyncClient, account: Account) -> list[dict[str, Any]]:
    response = await client.get("/api/me/labels", headers=account.headers)
    assert response.status_code == 200, response.text
    return list(response.json())


async def test_a_task_carries_the_labels_it_was_given_alphabetically(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    task = await add(client, alice_auth, title="Buy milk", labels=["#Errands", "home"])

    assert task["labels"] == ["Errands", "home"]


async def test_a_label_is_the_same_whatever_its_case(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await add(client, alice_auth, title="Report", labels=["Work"])
    second = await add(client, alice_auth, title="Slides", labels=["work", "WORK"])

    assert second["labels"] == ["Work"]
    assert await labels(client, alice_auth) == [{"name": "Work", "tasks": 2}]


async def test_the_list_filters_by_label_and_by_several(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await add(client, alice_auth, title="Report", labels=["work"])
    await add(client, alice_auth, title="Milk", labels=["errands", "home"])
    await add(client, alice_auth, title="Paint", labels=["home"])

    assert await listed(client, alice_auth, "?label=home") == [2, 3]
    assert await listed(client, alice_auth, "?label=HOME&label=errands") == [2]
    assert await listed(client, alice_auth, "?label=nothing") == []


async def test_patching_labels_sets_all_of_them(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await add(client, alice_auth, title="Milk", labels=["errands", "home"])

    response = await client.patch(
        "/api/me/tasks/1", json={"labels": ["shopping"]}, headers=alice_auth.headers
    )

    assert response.json()["labels"] == ["shopping"]


async def test_a_bad_label_changes_nothing(client: httpx.AsyncClient, alice_auth: Account) -> None:
    await add(client, alice_auth, title="Milk", labels=["home"])

    response = await client.patch(
        "/api/me/tasks/1",
        json={"title": "Oat milk", "labels": ["ok", "a,b"]},
        headers=alice_auth.headers,
    )

    error = assert_error(response, 422, "invalid_input")
    assert "comma" in error["message"]
    task = (await client.get("/api/me/tasks/1", headers=alice_auth.headers)).json()
    assert (task["title"], task["labels"]) == ("Milk", ["home"])


async def test_renaming_a_label_renames_it_on_every_task(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await add(client, alice_auth, title="Report", labels=["work"])

    response = await client.patch(
        "/api/me/labels/WORK", json={"name": "Office"}, headers=alice_auth.headers
    )

    assert response.json() == {"name": "Office", "tasks": 1}
    task = (await client.get("/api/me/tasks/1", headers=alice_auth.headers)).json()
    assert task["labels"] == ["Office"]


async def test_renaming_onto_another_label_is_a_conflict(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await add(client, alice_auth, title="Report", labels=["work", "office"])

    response = await client.patch(
        "/api/me/labels/work", json={"name": "Office"}, headers=alice_auth.headers
    )

    assert_error(response, 409, "conflict")


async def test_deleting_a_label_keeps_its_tasks(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await add(client, alice_auth, title="Report", labels=["work", "q4"])

    deleted = await client.delete("/api/me/labels/work", headers=alice_auth.headers)

    assert deleted.status_code == 204
    task = (await client.get("/api/me/tasks/1", headers=alice_auth.headers)).json()
    assert task["labels"] == ["q4"]


async def test_another_users_label_is_not_found_and_filters_nothing(
    client: httpx.AsyncClient, alice_auth: Account, bob_auth: Account
) -> None:
    await add(client, alice_auth, title="Alice's", labels=["secret"])
    await add(client, bob_auth, title="Bob's")

    renamed = await client.patch(
        "/api/me/labels/secret", json={"name": "mine"}, headers=bob_auth.headers
    )
    deleted = await client.delete("/api/me/labels/secret", headers=bob_auth.headers)

    assert_error(renamed, 404, "not_found")
    assert_error(deleted, 404, "not_found")
    assert await listed(client, bob_auth, "?label=secret") == []
    assert await labels(client, bob_auth) == []
    assert await labels(client, alice_auth) == [{"name": "secret", "tasks": 1}]


async def test_labels_are_exported_and_imported(
    client: httpx.AsyncClient, alice_auth: Account, bob_auth: Account
) -> None:
    await add(client, alice_auth, title="Report", labels=["work", "q4"])
    exported = await client.get("/api/me/export", headers=alice_auth.headers)

    imported = await client.post(
        "/api/me/import",
        content=exported.content,
        headers={**bob_auth.headers, "Content-Type": "application/json"},
    )

    assert imported.status_code == 200, imported.text
    task = (await client.get("/api/me/tasks/1", headers=bob_auth.headers)).json()
    assert task["labels"] == ["q4", "work"]
