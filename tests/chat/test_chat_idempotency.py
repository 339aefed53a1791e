"""`Idempotency-Key` on chat turns: a repeat gets the first turn's answer, and the
turn's messages and tool calls happen once."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from todochat.db import Database
from todochat.models import IdempotencyKey
from todochat.services.idempotency import fingerprint

from .chat_helpers import Chatter, parse_sse

ADD_MILK = {"message": "add a task to buy milk"}


async def post(chatter: Chatter, path: str, body: dict[str, Any], key: str) -> httpx.Response:
    headers = {
        **chatter.account.headers,
        "Idempotency-Key": key,
        "Content-Type": "application/json",
    }
    return await chatter.http.post(
        f"/api/{chatter.account.id}/{path}", content=json.dumps(body), headers=headers, timeout=60
    )


async def test_a_repeated_chat_turn_replays_its_answer_and_stores_one_pair(ada: Chatter) -> None:
    first = await post(ada, "chat", ADD_MILK, "turn-1")
    again = await post(ada, "chat", ADD_MILK, "turn-1")

    assert first.status_code == again.status_code == 200, again.text
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    conversation_id = first.json()["conversation_id"]
    assert [m["role"] for m in await ada.messages(conversation_id)] == ["user", "assistant"]
    assert list((await ada.titles()).values()) == ["Buy milk"]


async def test_a_chat_key_with_another_message_is_refused(ada: Chatter) -> None:
    await post(ada, "chat", ADD_MILK, "turn-2")

    other = await post(ada, "chat", {"message": "list my tasks"}, "turn-2")

    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert len(await ada.conversations()) == 1


async def test_another_users_chat_key_is_independent(ada: Chatter, ben: Chatter) -> None:
    await post(ada, "chat", ADD_MILK, "same")

    bens = await post(ben, "chat", ADD_MILK, "same")

    assert bens.status_code == 200
    assert "Idempotent-Replayed" not in bens.headers
    assert list((await ben.titles()).values()) == ["Buy milk"]


async def test_a_repeated_stream_replays_start_and_done(ada: Chatter) -> None:
    first = await post(ada, "chat/stream", ADD_MILK, "stream-1")
    again = await post(ada, "chat/stream", ADD_MILK, "stream-1")

    first_events = parse_sse(first.text)
    replayed = parse_sse(again.text)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert [name for name, _ in replayed] == ["start", "done"]
    assert replayed[0] == first_events[0]
    assert replayed[-1] == first_events[-1]
    assert list((await ada.titles()).values()) == ["Buy milk"]


async def test_concurrent_turns_with_one_key_run_once(ada: Chatter) -> None:
    responses = await asyncio.gather(*(post(ada, "chat", ADD_MILK, "race") for _ in range(4)))

    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {200, 409}, [r.text for r in responses]
    assert statuses[0] == 200
    conflicts = [r for r in responses if r.status_code == 409]
    assert all(r.headers.get("Retry-After") for r in conflicts)
    [conversation] = await ada.conversations()
    assert len(await ada.messages(conversation["id"])) == 2
    assert list((await ada.titles()).values()) == ["Buy milk"]


async def pending_key(db: Database, chatter: Chatter, key: str, age: timedelta) -> None:
    """A key claimed by a turn that has not answered (yet), `age` ago."""
    print_ = fingerprint("POST", f"/api/{chatter.account.id}/chat", json.dumps(ADD_MILK).encode())
    async with db.session() as session:
        session.add(
            IdempotencyKey(
                user_id=chatter.account.id,
                key=key,
                fingerprint=print_,
                created_at=datetime.now(UTC) - age,
            )
        )


async def test_a_key_whose_turn_is_still_running_is_a_409_with_retry_after(
    ada: Chatter, db: Database
) -> None:
    await pending_key(db, ada, "running", timedelta(seconds=1))

    response = await post(ada, "chat", ADD_MILK, "running")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_in_use"
    assert int(response.headers["Retry-After"]) > 0
    assert await ada.conversations() == []


async def test_a_key_abandoned_by_a_turn_that_never_answered_is_taken_over(
    ada: Chatter, db: Database
) -> None:
    await pending_key(db, ada, "abandoned", timedelta(minutes=10))

    response = await post(ada, "chat", ADD_MILK, "abandoned")

    assert response.status_code == 200, response.text
    assert list((await ada.titles()).values()) == ["Buy milk"]
