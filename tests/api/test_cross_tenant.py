"""Tenant isolation, route by route: Bob can neither read nor change Alice's data.

With Alice's user id in the path every route answers 403; with `me` and Alice's task
numbers or conversation id every object route answers 404, exactly as for objects that
do not exist. After each attempt Alice's data is checked, through her own reads, to be
exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.support import Account, register

from .support import assert_error

pytestmark = pytest.mark.both_databases


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # with {user}, {task} and {conversation} placeholders
    body: dict[str, Any] | None = None
    # A collection route: with `me`, it acts on the caller's own data (no 404 case).
    collection: bool = False


ROUTES = {
    "list-tasks": Route("GET", "/api/{user}/tasks", collection=True),
    "create-task": Route("POST", "/api/{user}/tasks", {"title": "planted"}, collection=True),
    "get-task": Route("GET", "/api/{user}/tasks/{task}"),
    "put-task": Route("PUT", "/api/{user}/tasks/{task}", {"title": "hijacked"}),
    "patch-task": Route("PATCH", "/api/{user}/tasks/{task}", {"title": "hijacked"}),
    "delete-task": Route("DELETE", "/api/{user}/tasks/{task}"),
    "complete-task": Route("PATCH", "/api/{user}/tasks/{task}/complete"),
    "complete-task-explicitly": Route(
        "PATCH", "/api/{user}/tasks/{task}/complete", {"completed": True}
    ),
    "list-conversations": Route("GET", "/api/{user}/conversations", collection=True),
    "create-conversation": Route(
        "POST", "/api/{user}/conversations", {"title": "planted"}, collection=True
    ),
    "get-conversation": Route("GET", "/api/{user}/conversations/{conversation}"),
    "patch-conversation": Route(
        "PATCH", "/api/{user}/conversations/{conversation}", {"title": "hijacked"}
    ),
    "delete-conversation": Route("DELETE", "/api/{user}/conversations/{conversation}"),
    "list-messages": Route("GET", "/api/{user}/conversations/{conversation}/messages"),
    "append-message": Route(
        "POST", "/api/{user}/conversations/{conversation}/messages", {"content": "injected"}
    ),
    "export-tasks": Route("GET", "/api/{user}/export", collection=True),
    "list-labels": Route("GET", "/api/{user}/labels", collection=True),
    "rename-label": Route("PATCH", "/api/{user}/labels/alices", {"name": "hijacked"}),
    "delete-label": Route("DELETE", "/api/{user}/labels/alices"),
    "import-tasks": Route(
        "POST", "/api/{user}/import", {"tasks": [{"title": "planted"}]}, collection=True
    ),
    "make-calendar-feed": Route("POST", "/api/{user}/calendar-feed", collection=True),
    "get-calendar-feed": Route("GET", "/api/{user}/calendar-feed", collection=True),
    "revoke-calendar-feed": Route("DELETE", "/api/{user}/calendar-feed", collection=True),
}
OBJECT_ROUTES = {name: route for name, route in ROUTES.items() if not route.collection}
CONVERSATION_ROUTES = {
    name: route for name, route in OBJECT_ROUTES.items() if "{conversation}" in route.path
}


@dataclass(frozen=True)
class Tenants:
    alice: Account
    bob: Account
    task: int  # one of Alice's task numbers (Bob has no tasks at all)
    conversation: str  # Alice's conversation, with messages

    def path(self, route: Route, user: str) -> str:
        return route.path.format(user=user, task=self.task, conversation=self.conversation)


@pytest.fixture
async def tenants(client: httpx.AsyncClient) -> Tenants:
    alice = await register(client, "alice@example.com")
    bob = await register(client, "bob@example.com")
    for title in ("Alice's first", "Alice's second"):
        response = await client.post(
            "/api/me/tasks", headers=alice.headers, json={"title": title, "labels": ["alices"]}
        )
        assert response.status_code == 201
    response = await client.post("/api/me/conversations", headers=alice.headers)
    conversation = response.json()["id"]
    for content in ("remind me to call the bank", "Added task 2."):
        response = await client.post(
            f"/api/me/conversations/{conversation}/messages",
            headers=alice.headers,
            json={"content": content, "role": "assistant" if "Added" in content else "user"},
        )
        assert response.status_code == 201
    return Tenants(alice=alice, bob=bob, task=2, conversation=conversation)


async def snapshot(client: httpx.AsyncClient, tenants: Tenants) -> dict[str, Any]:
    """Everything Alice can see, read as Alice."""
    headers = tenants.alice.headers
    reads = {
        "tasks": "/api/me/tasks",
        "conversations": "/api/me/conversations",
        "messages": f"/api/me/conversations/{tenants.conversation}/messages",
        "me": "/api/auth/me",
        "labels": "/api/me/labels",
    }
    seen = {}
    for name, path in reads.items():
        response = await client.get(path, headers=headers)
        assert response.status_code == 200, response.text
        seen[name] = response.json()
    return seen


async def call(
    client: httpx.AsyncClient, route: Route, path: str, headers: dict[str, str]
) -> httpx.Response:
    return await client.request(route.method, path, headers=headers, json=route.body)


@pytest.mark.parametrize("route", ROUTES.values(), ids=ROUTES.keys())
async def test_another_users_id_in_the_path_is_403_and_changes_nothing(
    client: httpx.AsyncClient, tenants: Tenants, route: Route
) -> None:
    before = await snapshot(client, tenants)
    response = await call(client, route, tenants.path(route, tenants.alice.id), tenants.bob.headers)
    assert_error(response, 403, "forbidden")
    assert await snapshot(client, tenants) == before


@pytest.mark.parametrize("route", OBJECT_ROUTES.values(), ids=OBJECT_ROUTES.keys())
async def test_another_users_object_is_404_and_changes_nothing(
    client: httpx.AsyncClient, tenants: Tenants, route: Route
) -> None:
    before = await snapshot(client, tenants)
    response = await call(client, route, tenants.path(route, "me"), tenants.bob.headers)
    assert_error(response, 404, "not_found")
    assert await snapshot(client, tenants) == before


@pytest.mark.parametrize("route", CONVERSATION_ROUTES.values(), ids=CONVERSATION_ROUTES.keys())
async def test_another_users_conversation_looks_exactly_like_a_missing_one(
    client: httpx.AsyncClient, tenants: Tenants, route: Route
) -> None:
    """Bob learns nothing from a conversation id: Alice's and one nobody has give the
    same answer. (For tasks this holds by construction: Bob, who has no tasks, asking
    for Alice's task 2 sends the very request that asks for a missing task 2.)"""
    foreign = await call(client, route, tenants.path(route, "me"), tenants.bob.headers)
    nobodys = route.path.format(user="me", conversation="00000000-0000-4000-8000-000000000000")
    missing = await call(client, route, nobodys, tenants.bob.headers)
    assert_error(foreign, 404)
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())


@pytest.mark.parametrize("route", OBJECT_ROUTES.values(), ids=OBJECT_ROUTES.keys())
async def test_the_owner_can_use_every_route_the_other_user_cannot(
    client: httpx.AsyncClient, tenants: Tenants, route: Route
) -> None:
    """The control of the matrix: the same request as Alice succeeds."""
    response = await call(client, route, tenants.path(route, "me"), tenants.alice.headers)
    assert response.status_code in (200, 201, 204), response.text


async def test_the_other_users_own_lists_show_none_of_alices_data(
    client: httpx.AsyncClient, tenants: Tenants
) -> None:
    tasks = await client.get("/api/me/tasks", headers=tenants.bob.headers)
    conversations = await client.get("/api/me/conversations", headers=tenants.bob.headers)
    assert tasks.json()["items"] == []
    assert conversations.json()["items"] == []


async def test_the_other_users_new_task_starts_at_number_1(
    client: httpx.AsyncClient, tenants: Tenants
) -> None:
    before = await snapshot(client, tenants)
    response = await client.post(
        "/api/me/tasks", headers=tenants.bob.headers, json={"title": "Bob's own"}
    )
    assert response.json()["id"] == 1
    assert await snapshot(client, tenants) == before
