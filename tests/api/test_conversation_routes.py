"""/api/{user_id}/conversations and their messages."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from tests.support import Account

from .support import assert_error

CONVERSATION_FIELDS = {"id", "title", "summary", "message_count", "created_at", "updated_at"}
MESSAGE_FIELDS = {"seq", "role", "content", "tool_calls", "created_at"}


async def start(client: httpx.AsyncClient, auth: Account, **fields: Any) -> dict[str, Any]:
    response = await client.post("/api/me/conversations", headers=auth.headers, json=fields)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def say(
    client: httpx.AsyncClient, auth: Account, conversation: str, content: str, role: str = "user"
) -> dict[str, Any]:
    response = await client.post(
        f"/api/me/conversations/{conversation}/messages",
        headers=auth.headers,
        json={"role": role, "content": content},
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def history(
    client: httpx.AsyncClient, auth: Account, conversation: str, **params: Any
) -> list[int]:
    response = await client.get(
        f"/api/me/conversations/{conversation}/messages", headers=auth.headers, params=params
    )
    assert response.status_code == 200, response.text
    return [message["seq"] for message in response.json()["items"]]


async def listed_ids(client: httpx.AsyncClient, auth: Account) -> list[str]:
    response = await client.get("/api/me/conversations", headers=auth.headers)
    assert response.status_code == 200, response.text
    return [conversation["id"] for conversation in response.json()["items"]]


async def next_millisecond() -> None:
    """Let the clock move on: SQLite keeps timestamps to the millisecond, and "newest
    first" is only defined between conversations active at different times."""
    await asyncio.sleep(0.005)


# Conversations


async def test_create_answers_201_with_an_empty_untitled_conversation(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.post("/api/me/conversations", headers=alice_auth.headers)
    assert response.status_code == 201
    conversation = response.json()
    assert set(conversation) == CONVERSATION_FIELDS
    uuid.UUID(conversation["id"])
    assert conversation["title"] is None
    assert conversation["message_count"] == 0


async def test_create_with_a_title_keeps_it(client: httpx.AsyncClient, alice_auth: Account) -> None:
    conversation = await start(client, alice_auth, title="  Weekly   planning ")
    assert conversation["title"] == "Weekly planning"


async def test_create_with_an_empty_title_is_422(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.post(
        "/api/me/conversations", headers=alice_auth.headers, json={"title": "  "}
    )
    assert_error(response, 422, "invalid_input")


async def test_get_returns_the_conversation(client: httpx.AsyncClient, alice_auth: Account) -> None:
    created = await start(client, alice_auth, title="Plans")
    response = await client.get(
        f"/api/me/conversations/{created['id']}", headers=alice_auth.headers
    )
    assert response.status_code == 200
    assert response.json() == created


async def test_get_of_a_missing_conversation_is_404(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.get(f"/api/me/conversations/{uuid.uuid4()}", headers=alice_auth.headers)
    assert_error(response, 404, "not_found")


async def test_get_with_an_id_that_is_not_a_uuid_is_422(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.get("/api/me/conversations/42", headers=alice_auth.headers)
    assert_error(response, 422, "invalid_input")


async def test_list_shows_the_newest_first(client: httpx.AsyncClient, alice_auth: Account) -> None:
    ids = []
    for title in ("first", "second", "third"):
        ids.append((await start(client, alice_auth, title=title))["id"])
        await next_millisecond()
    assert await listed_ids(client, alice_auth) == ids[::-1]


@pytest.mark.both_databases
async def test_a_new_message_moves_its_conversation_to_the_top(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    older = (await start(client, alice_auth, title="older"))["id"]
    await next_millisecond()
    newer = (await start(client, alice_auth, title="newer"))["id"]
    await next_millisecond()
    await say(client, alice_auth, older, "back to this one")
    assert await listed_ids(client, alice_auth) == [older, newer]


@pytest.mark.both_databases
async def test_list_pages_walk_every_conversation_exactly_once(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    for number in range(5):
        await start(client, alice_auth, title=f"conversation {number}")
    everything = await listed_ids(client, alice_auth)
    walked: list[str] = []
    params: dict[str, Any] = {"limit": 2}
    for _ in range(10):
        response = await client.get(
            "/api/me/conversations", headers=alice_auth.headers, params=params
        )
        page = response.json()
        assert len(page["items"]) <= 2
        walked += [conversation["id"] for conversation in page["items"]]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert walked == everything
    assert len(set(walked)) == 5


async def test_list_with_an_invalid_cursor_is_422(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.get(
        "/api/me/conversations", headers=alice_auth.headers, params={"cursor": "garbage"}
    )
    assert_error(response, 422, "invalid_input")


async def test_patch_renames_the_conversation(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    conversation = await start(client, alice_auth, title="Old name")
    response = await client.patch(
        f"/api/me/conversations/{conversation['id']}",
        headers=alice_auth.headers,
        json={"title": "New name"},
    )
    assert response.status_code == 200
    assert response.json()["title"] == "New name"
    again = await client.get(
        f"/api/me/conversations/{conversation['id']}", headers=alice_auth.headers
    )
    assert again.json()["title"] == "New name"


async def test_patch_sets_the_summary_and_keeps_the_title(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    conversation = await start(client, alice_auth, title="Name")
    response = await client.patch(
        f"/api/me/conversations/{conversation['id']}",
        headers=alice_auth.headers,
        json={"summary": "We planned the week."},
    )
    assert (response.json()["title"], response.json()["summary"]) == (
        "Name",
        "We planned the week.",
    )


async def test_patch_with_an_empty_title_is_422(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    conversation = await start(client, alice_auth, title="Name")
    response = await client.patch(
        f"/api/me/conversations/{conversation['id']}",
        headers=alice_auth.headers,
        json={"title": ""},
    )
    assert_error(response, 422, "invalid_input")


async def test_patch_of_a_missing_conversation_is_404(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.patch(
        f"/api/me/conversations/{uuid.uuid4()}", headers=alice_auth.headers, json={"title": "x"}
    )
    assert_error(response, 404, "not_found")


async def test_delete_answers_204_and_removes_the_conversation_and_its_messages(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    conversation = (await start(client, alice_auth))["id"]
    await say(client, alice_auth, conversation, "hello")
    response = await client.delete(
        f"/api/me/conversations/{conversation}", headers=alice_auth.headers
    )
    assert response.status_code == 204
    assert response.content == b""
    path = f"/api/me/conversations/{conversation}"
    assert_error(await client.get(path, headers=alice_auth.headers), 404, "not_found")
    assert_error(await client.get(f"{path}/messages", headers=alice_auth.headers), 404, "not_found")
    assert await listed_ids(client, alice_auth) == []


async def test_delete_twice_is_404(client: httpx.AsyncClient, alice_auth: Account) -> None:
    conversation = (await start(client, alice_auth))["id"]
    await client.delete(f"/api/me/conversations/{conversation}", headers=alice_auth.headers)
    response = await client.delete(
        f"/api/me/conversations/{conversation}", headers=alice_auth.headers
    )
    assert_error(response, 404, "not_found")


# Messages


async def test_append_answers_201_with_seq_1_2_3(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    conversation = (await start(client, alice_auth))["id"]
    first = await say(client, alice_auth, conversation, "add a task to buy milk")
    second = await say(client, alice_auth, conversation, "Added task 1.", role="assistant")
    third = await say(client, alice_auth, conversation, "thanks")
    assert set(first) == MESSAGE_FIELDS
    assert [first["seq"], second["seq"], third["seq"]] == [1, 2, 3]
    assert (second["role"], second["content"]) == ("assistant", "Added task 1.")


async def test_append_counts_the_messages_of_the_conversation(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    conversation = (await start(client, alice_auth))["id"]
    await say(client, alice_auth, conversation, "one")
    await say(client, alice_auth, conversation, "two")
    response = await client.get(f"/api/me/conversations/{conversation}", headers=alice_auth.headers)
    assert response.json()["message_count"] == 2


async def test_each_conversation_counts_seq_from_1(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    first = (await start(client, alice_auth))["id"]
    second = (await start(client, alice_auth))["id"]
    await say(client, alice_auth, first, "a")
    await say(client, alice_auth, first, "b")
    assert (await say(client, alice_auth, second, "c"))["seq"] == 1


async def test_append_keeps_tool_calls(client: httpx.AsyncClient, alice_auth: Account) -> None:
    conversation = (await start(client, alice_auth))["id"]
    calls = [{"name": "add_task", "arguments": {"title": "milk"}, "result": {"task_id": 1}}]
    response = await client.post(
        f"/api/me/conversations/{conversation}/messages",
        headers=alice_auth.headers,
        json={"role": "assistant", "content": "Added.", "tool_calls": calls},
    )
    assert response.json()["tool_calls"] == calls


async def test_a_user_message_over_1000_characters_is_422(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    conversation = (await start(client, alice_auth))["id"]
    response = await client.post(
        f"/api/me/conversations/{conversation}/messages",
        headers=alice_auth.headers,
        json={"content": "x" * 1001},
    )
    error = assert_error(response, 422, "invalid_input")
    assert "1000" in error["message"]
    assert await history(client, alice_auth, conversation) == []


async def test_a_user_message_of_1000_characters_is_accepted(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    conversation = (await start(client, alice_auth))["id"]
    assert (await say(client, alice_auth, conversation, "x" * 1000))["seq"] == 1


async def test_an_assistant_message_may_be_longer_than_a_user_message(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    conversation = (await start(client, alice_auth))["id"]
    message = await say(client, alice_auth, conversation, "y" * 5000, role="assistant")
    assert len(message["content"]) == 5000


@pytest.mark.parametrize(
    "body",
    [{"content": "   "}, {"content": "hi", "role": "tool"}, {"content": "hi", "role": "robot"}, {}],
    ids=["blank", "tool-role", "unknown-role", "no-content"],
)
async def test_append_with_invalid_input_is_422(
    client: httpx.AsyncClient, alice_auth: Account, body: dict[str, Any]
) -> None:
    conversation = (await start(client, alice_auth))["id"]
    response = await client.post(
        f"/api/me/conversations/{conversation}/messages", headers=alice_auth.headers, json=body
    )
    assert_error(response, 422, "invalid_input")


async def test_append_to_a_missing_conversation_is_404(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.post(
        f"/api/me/conversations/{uuid.uuid4()}/messages",
        headers=alice_auth.headers,
        json={"content": "hello"},
    )
    assert_error(response, 404, "not_found")


async def test_the_first_user_message_names_an_untitled_conversation(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    conversation = (await start(client, alice_auth))["id"]
    await say(client, alice_auth, conversation, "Welcome!", role="assistant")
    await say(client, alice_auth, conversation, "Plan the   trip\nto Lisbon")
    await say(client, alice_auth, conversation, "and book a hotel")
    response = await client.get(f"/api/me/conversations/{conversation}", headers=alice_auth.headers)
    assert response.json()["title"] == "Plan the trip to Lisbon"


async def test_a_title_from_a_long_first_message_is_cut_to_100_characters(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    conversation = (await start(client, alice_auth))["id"]
    await say(client, alice_auth, conversation, "word " * 60)
    response = await client.get(f"/api/me/conversations/{conversation}", headers=alice_auth.headers)
    title = response.json()["title"]
    assert len(title) == 100
    assert title.startswith("word word")


async def test_a_given_title_is_kept_after_the_first_message(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    conversation = (await start(client, alice_auth, title="Groceries"))["id"]
    await say(client, alice_auth, conversation, "add milk")
    response = await client.get(f"/api/me/conversations/{conversation}", headers=alice_auth.headers)
    assert response.json()["title"] == "Groceries"


@pytest.fixture
async def five_messages(client: httpx.AsyncClient, alice_auth: Account) -> str:
    conversation = (await start(client, alice_auth))["id"]
    for number in range(1, 6):
        await say(client, alice_auth, conversation, f"message {number}")
    return str(conversation)


async def test_history_returns_every_message_in_seq_order(
    client: httpx.AsyncClient, alice_auth: Account, five_messages: str
) -> None:
    response = await client.get(
        f"/api/me/conversations/{five_messages}/messages", headers=alice_auth.headers
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert [m["seq"] for m in items] == [1, 2, 3, 4, 5]
    assert [m["content"] for m in items] == [f"message {n}" for n in range(1, 6)]
    assert all(set(m) == MESSAGE_FIELDS for m in items)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"limit": 2}, [4, 5]),
        ({"limit": 2, "before": 4}, [2, 3]),
        ({"before": 3}, [1, 2]),
        ({"limit": 2, "after": 2}, [3, 4]),
        ({"after": 3}, [4, 5]),
        ({"after": 5}, []),
        ({"after": 1, "before": 4}, [2, 3]),
    ],
    ids=["latest", "before", "before-no-limit", "after", "after-no-limit", "after-last", "between"],
)
async def test_history_pages(
    client: httpx.AsyncClient,
    alice_auth: Account,
    five_messages: str,
    params: dict[str, int],
    expected: list[int],
) -> None:
    assert await history(client, alice_auth, five_messages, **params) == expected


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"before": -1}, {"after": "x"}], ids=["limit", "before", "after"]
)
async def test_history_with_an_invalid_parameter_is_422(
    client: httpx.AsyncClient, alice_auth: Account, five_messages: str, params: dict[str, Any]
) -> None:
    response = await client.get(
        f"/api/me/conversations/{five_messages}/messages", headers=alice_auth.headers, params=params
    )
    assert_error(response, 422, "invalid_input")


async def test_history_of_a_missing_conversation_is_404(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.get(
        f"/api/me/conversations/{uuid.uuid4()}/messages", headers=alice_auth.headers
    )
    assert_error(response, 404, "not_found")


# ETag


async def test_history_has_an_etag_and_if_none_match_gives_304(
    client: httpx.AsyncClient, alice_auth: Account, five_messages: str
) -> None:
    path = f"/api/me/conversations/{five_messages}/messages"
    first = await client.get(path, headers=alice_auth.headers)
    etag = first.headers["etag"]
    again = await client.get(path, headers={**alice_auth.headers, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag


@pytest.mark.both_databases
async def test_the_etag_changes_after_an_append(
    client: httpx.AsyncClient, alice_auth: Account, five_messages: str
) -> None:
    path = f"/api/me/conversations/{five_messages}/messages"
    etag = (await client.get(path, headers=alice_auth.headers)).headers["etag"]
    await say(client, alice_auth, five_messages, "one more")
    response = await client.get(path, headers={**alice_auth.headers, "If-None-Match": etag})
    assert response.status_code == 200
    assert response.headers["etag"] != etag
    assert response.json()["items"][-1]["content"] == "one more"


async def test_an_etag_is_specific_to_its_page(
    client: httpx.AsyncClient, alice_auth: Account, five_messages: str
) -> None:
    path = f"/api/me/conversations/{five_messages}/messages"
    latest = (await client.get(path, headers=alice_auth.headers, params={"limit": 2})).headers
    response = await client.get(
        path,
        headers={**alice_auth.headers, "If-None-Match": latest["etag"]},
        params={"limit": 2, "before": 3},
    )
    assert response.status_code == 200
    assert [m["seq"] for m in response.json()["items"]] == [1, 2]


async def test_a_stale_etag_among_several_still_matches_the_current_one(
    client: httpx.AsyncClient, alice_auth: Account, five_messages: str
) -> None:
    path = f"/api/me/conversations/{five_messages}/messages"
    etag = (await client.get(path, headers=alice_auth.headers)).headers["etag"]
    response = await client.get(
        path, headers={**alice_auth.headers, "If-None-Match": f'W/"stale", {etag}'}
    )
    assert response.status_code == 304
