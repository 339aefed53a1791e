"""A lone surrogate escape ("\\ud800") is valid JSON but no database can store it
(PostgreSQL refuses it in text and jsonb; it is not UTF-8): every place a client can
send one answers a clean 422, never a 500, on both backends."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.support import PASSWORD, Account

from .support import assert_error

# PostgreSQL refuses what SQLite stores: the rule must hold on both.
pytestmark = pytest.mark.both_databases

LONE = "\ud800"


@pytest.fixture
async def conversation(client: httpx.AsyncClient, alice_auth: Account) -> str:
    response = await client.post("/api/me/conversations", headers=alice_auth.headers)
    return str(response.json()["id"])


async def send(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    body: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """Send `body` as ASCII JSON: a lone surrogate travels as the escape "\\ud800"
    (httpx's own encoder would refuse to encode it as UTF-8)."""
    return await client.request(
        method,
        path,
        content=json.dumps(body).encode(),
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


MESSAGES = "/api/me/conversations/{c}/messages"
SURROGATE_WRITES: dict[str, tuple[str, str, dict[str, Any], str]] = {
    "message-tool-calls-value": (
        "POST",
        MESSAGES,
        {"role": "assistant", "content": "ok", "tool_calls": [{"name": f"a{LONE}b"}]},
        "tool_calls",
    ),
    "message-tool-calls-key": (
        "POST",
        MESSAGES,
        {"role": "assistant", "content": "ok", "tool_calls": [{f"a{LONE}b": 1}]},
        "tool_calls",
    ),
    "message-tool-calls-nested": (
        "POST",
        MESSAGES,
        {"role": "assistant", "content": "ok", "tool_calls": [{"args": {"x": [LONE]}}]},
        "tool_calls",
    ),
    "message-content": ("POST", MESSAGES, {"content": f"a{LONE}b"}, "content"),
    "task-title": ("POST", "/api/me/tasks", {"title": f"a{LONE}b"}, "title"),
    "task-description": (
        "POST",
        "/api/me/tasks",
        {"title": "ok", "description": LONE},
        "description",
    ),
    "task-patch-title": ("PATCH", "/api/me/tasks/1", {"title": f"a{LONE}b"}, "title"),
    "conversation-title": ("POST", "/api/me/conversations", {"title": f"a{LONE}b"}, "title"),
    "conversation-summary": (
        "PATCH",
        "/api/me/conversations/{c}",
        {"summary": f"a{LONE}b"},
        "summary",
    ),
    "profile-name": ("PATCH", "/api/auth/me", {"name": f"a{LONE}b"}, "name"),
}


@pytest.mark.parametrize(
    ("method", "path", "body", "field"), SURROGATE_WRITES.values(), ids=SURROGATE_WRITES.keys()
)
async def test_a_lone_surrogate_in_a_write_is_422(
    client: httpx.AsyncClient,
    alice_auth: Account,
    conversation: str,
    method: str,
    path: str,
    body: dict[str, Any],
    field: str,
) -> None:
    await client.post("/api/me/tasks", headers=alice_auth.headers, json={"title": "first"})
    response = await send(client, method, path.format(c=conversation), body, alice_auth.headers)

    error = assert_error(response, 422, "invalid_input")
    assert field in error["message"]


async def test_nothing_is_stored_when_tool_calls_hold_a_lone_surrogate(
    client: httpx.AsyncClient, alice_auth: Account, conversation: str
) -> None:
    path = MESSAGES.format(c=conversation)
    body = {"role": "assistant", "content": "ok", "tool_calls": [{"name": LONE}]}
    await send(client, "POST", path, body, alice_auth.headers)

    listed = await client.get(path, headers=alice_auth.headers)
    assert listed.status_code == 200
    assert listed.json()["items"] == []


async def test_registering_with_a_lone_surrogate_in_the_name_is_422(
    client: httpx.AsyncClient,
) -> None:
    body = {"email": "ada@example.com", "password": PASSWORD, "name": f"A{LONE}da"}
    assert_error(await send(client, "POST", "/api/auth/register", body), 422, "invalid_input")


async def test_logging_in_with_a_lone_surrogate_in_the_email_is_422(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    body = {"email": f"alice@example.com{LONE}", "password": PASSWORD}
    assert_error(await send(client, "POST", "/api/auth/login", body), 422, "invalid_input")
