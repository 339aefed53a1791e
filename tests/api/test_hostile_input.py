"""Input a client can send but no database can take: a clean 4xx, never a 500, and
the same answer on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from tests.support import PASSWORD, Account

from .support import assert_error

pytestmark = pytest.mark.both_databases


def crafted_cursor(ordering: str, keys: list[Any]) -> str:
    """A cursor in the server's format with sort-key values of our choosing."""
    raw = json.dumps({"o": ordering, "k": keys}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.fixture
async def conversation(client: httpx.AsyncClient, alice_auth: Account) -> str:
    response = await client.post("/api/me/conversations", headers=alice_auth.headers)
    return str(response.json()["id"])


# NUL characters: valid JSON ("\u0000"), but PostgreSQL cannot store or compare them.

NUL_WRITES = {
    "task-title": ("POST", "/api/me/tasks", {"title": "a\x00b"}),
    "task-description": ("POST", "/api/me/tasks", {"title": "ok", "description": "a\x00b"}),
    "task-patch-title": ("PATCH", "/api/me/tasks/1", {"title": "a\x00b"}),
    "conversation-title": ("POST", "/api/me/conversations", {"title": "a\x00b"}),
    "conversation-summary": ("PATCH", "/api/me/conversations/{c}", {"summary": "a\x00b"}),
    "message-content": ("POST", "/api/me/conversations/{c}/messages", {"content": "a\x00b"}),
    "message-tool-calls": (
        "POST",
        "/api/me/conversations/{c}/messages",
        {"role": "assistant", "content": "ok", "tool_calls": [{"name": "add\x00task"}]},
    ),
    "profile-name": ("PATCH", "/api/auth/me", {"name": "a\x00b"}),
}


@pytest.mark.parametrize(("method", "path", "body"), NUL_WRITES.values(), ids=NUL_WRITES.keys())
async def test_text_with_a_nul_character_is_422(
    client: httpx.AsyncClient,
    alice_auth: Account,
    conversation: str,
    method: str,
    path: str,
    body: dict[str, Any],
) -> None:
    await client.post("/api/me/tasks", headers=alice_auth.headers, json={"title": "first"})
    response = await client.request(
        method, path.format(c=conversation), headers=alice_auth.headers, json=body
    )
    error = assert_error(response, 422, "invalid_input")
    assert "NUL" in error["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"email": "a\x00b@example.com", "password": PASSWORD},
        {"email": "ada@example.com", "password": PASSWORD, "name": "A\x00da"},
    ],
    ids=["email", "name"],
)
async def test_registering_with_a_nul_character_is_422(
    client: httpx.AsyncClient, body: dict[str, str]
) -> None:
    assert_error(await client.post("/api/auth/register", json=body), 422, "invalid_input")


async def test_logging_in_with_a_nul_character_in_the_email_is_the_usual_401(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.post(
        "/api/auth/login", json={"email": "alice@example.com\x00", "password": PASSWORD}
    )
    assert_error(response, 401, "unauthorized")


async def test_searching_for_a_nul_character_is_422(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.get("/api/me/tasks", headers=alice_auth.headers, params={"q": "\x00"})
    assert_error(response, 422, "invalid_input")


async def test_a_timezone_with_a_nul_character_is_422(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.patch(
        "/api/auth/me", headers=alice_auth.headers, json={"timezone": "UTC\x00"}
    )
    assert_error(response, 422, "invalid_input")


# Dates at the ends of the calendar: they overflow when converted to UTC or shown in
# another time zone.


@pytest.mark.parametrize(
    "due",
    ["0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00-05:00", "9999-12-31"],
    ids=["before-year-1-in-utc", "after-year-9999-in-utc", "last-day-of-the-calendar"],
)
async def test_a_due_date_at_the_ends_of_the_calendar_is_422(
    client: httpx.AsyncClient, alice_auth: Account, due: str
) -> None:
    response = await client.post(
        "/api/me/tasks", headers=alice_auth.headers, json={"title": "Someday", "due_at": due}
    )
    error = assert_error(response, 422, "invalid_input")
    assert "due_at" in error["message"]


async def test_a_stored_due_date_can_be_shown_in_every_timezone(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    """What is accepted in one zone must still be readable after a move to another."""
    created = await client.post(
        "/api/me/tasks",
        headers=alice_auth.headers,
        json={"title": "Far away", "due_at": "9999-12-29"},
    )
    assert created.status_code == 201
    for zone in ("Pacific/Kiritimati", "Etc/GMT+12"):
        await client.patch("/api/auth/me", headers=alice_auth.headers, json={"timezone": zone})
        assert (await client.get("/api/me/tasks/1", headers=alice_auth.headers)).is_success


async def test_a_due_filter_at_the_ends_of_the_calendar_is_422(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.get(
        "/api/me/tasks",
        headers=alice_auth.headers,
        params={"due_before": "9999-12-31T23:00:00-05:00"},
    )
    assert_error(response, 422, "invalid_input")


# Cursors are opaque, but a client can still hand-craft one.

CRAFTED_TASK_CURSORS = {
    "number-beyond-32-bits": ("created", crafted_cursor("created", [2**40])),
    "number-beyond-64-bits": ("created", crafted_cursor("created", [2**70])),
    "group-beyond-32-bits": ("due", crafted_cursor("due", [2**40, None, 1])),
    "date-before-year-1": ("due", crafted_cursor("due", [0, "0001-01-01T00:00:00+14:00", 1])),
    "date-after-year-9999": ("due", crafted_cursor("due", [0, "9999-12-31T23:59:59-14:00", 1])),
}


@pytest.mark.parametrize(
    ("sort", "cursor"), CRAFTED_TASK_CURSORS.values(), ids=CRAFTED_TASK_CURSORS.keys()
)
async def test_a_crafted_task_cursor_out_of_range_is_422(
    client: httpx.AsyncClient, alice_auth: Account, sort: str, cursor: str
) -> None:
    response = await client.get(
        "/api/me/tasks", headers=alice_auth.headers, params={"sort": sort, "cursor": cursor}
    )
    assert_error(response, 422, "invalid_input")


async def test_a_crafted_conversation_cursor_out_of_range_is_422(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    cursor = crafted_cursor("newest", ["0001-01-01T00:00:00+14:00", "0" * 32])
    response = await client.get(
        "/api/me/conversations", headers=alice_auth.headers, params={"cursor": cursor}
    )
    assert_error(response, 422, "invalid_input")
