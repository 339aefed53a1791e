"""One chat turn at a time per conversation (both backends): a second concurrent turn
gets 409 with Retry-After and stores nothing; a lock left by a crashed process
expires and is taken over."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import col

from todochat.db import Database
from todochat.errors import NotFoundError
from todochat.models import Conversation
from todochat.services import messages

from .chat_helpers import Chatter


async def _hold_turn(db: Database, chatter: Chatter, conversation_id: str, **now: float) -> None:
    """Hold the conversation as another process's running turn would (and never let
    go): its hold expires 180 s after `now` (shifted by `shift` seconds)."""
    moment = datetime.now(UTC) + timedelta(seconds=now.get("shift", 0.0))
    async with db.session() as session:
        await session.exec(
            update(Conversation)
            .where(
                col(Conversation.id) == uuid.UUID(conversation_id),
                col(Conversation.user_id) == chatter.account.id,
            )
            .values(turn_token=str(uuid.uuid4()), turn_expires_at=moment + timedelta(seconds=180))
        )


async def test_concurrent_turns_of_one_conversation_store_alternating_pairs(
    ada: Chatter,
) -> None:
    conversation_id = (await ada.say("add buy milk"))["conversation_id"]
    responses = await asyncio.gather(
        *(ada.post_chat(f"add task {n}", conversation_id) for n in range(20))
    )
    stored = await ada.messages(conversation_id)

    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 409}
    refused = [r for r in responses if r.status_code == 409]
    assert all(r.json()["error"]["code"] == "conflict" for r in refused)
    assert all(int(r.headers["retry-after"]) >= 1 for r in refused)
    accepted = statuses.count(200)
    assert len(stored) == 2 * (accepted + 1)
    assert [m["role"] for m in stored] == ["user", "assistant"] * (accepted + 1)
    assert [m["seq"] for m in stored] == list(range(1, len(stored) + 1))


async def test_a_turn_while_another_holds_the_conversation_is_409_with_retry_after(
    ada: Chatter, db: Database
) -> None:
    conversation_id = (await ada.say("add buy milk"))["conversation_id"]
    await _hold_turn(db, ada, conversation_id)

    response = await ada.post_chat("add call mom", conversation_id)

    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == "conflict"
    assert 170 <= int(response.headers["retry-after"]) <= 180
    assert len(await ada.messages(conversation_id)) == 2


async def test_a_streamed_turn_while_another_holds_the_conversation_is_409(
    client: httpx.AsyncClient, ada: Chatter, db: Database
) -> None:
    conversation_id = (await ada.say("add buy milk"))["conversation_id"]
    await _hold_turn(db, ada, conversation_id)

    response = await client.post(
        f"/api/{ada.account.id}/chat/stream",
        json={"message": "add call mom", "conversation_id": conversation_id},
        headers=ada.account.headers,
    )

    assert response.status_code == 409, response.text
    assert int(response.headers["retry-after"]) >= 1


async def test_an_expired_turn_lock_is_taken_over(ada: Chatter, db: Database) -> None:
    conversation_id = (await ada.say("add buy milk"))["conversation_id"]
    await _hold_turn(db, ada, conversation_id, shift=-181)  # a crashed process's lock

    turn = await ada.say("add call mom", conversation_id)

    assert turn["conversation_id"] == conversation_id
    assert len(await ada.messages(conversation_id)) == 4


async def test_the_next_turn_is_free_once_a_reply_is_stored(ada: Chatter) -> None:
    conversation_id = (await ada.say("add buy milk"))["conversation_id"]
    turns: list[dict[str, Any]] = [await ada.say("add call mom", conversation_id)]
    turns.append(await ada.say("what's pending?", conversation_id))
    assert {t["conversation_id"] for t in turns} == {conversation_id}


async def test_another_users_conversation_cannot_be_held(
    ada: Chatter, ben: Chatter, db: Database
) -> None:
    conversation_id = (await ada.say("add buy milk"))["conversation_id"]
    now = datetime.now(UTC)
    hold = messages.TurnHold("x", now + timedelta(seconds=180), now)
    with pytest.raises(NotFoundError):
        async with db.session() as session:
            await messages.next_seq(session, ben.account.id, uuid.UUID(conversation_id), take=hold)
    assert (await ada.say("add call mom", conversation_id))["conversation_id"] == conversation_id
