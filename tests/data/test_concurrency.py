"""Concurrent writers: numbers and sequences stay gap-free and unique.

Every write below runs in its own session, as separate requests or server processes
would. PostgreSQL serialises them with row locks; SQLite with BEGIN IMMEDIATE and a
busy timeout. SQLite gets fewer writers: it runs them one at a time anyway.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlmodel import col, select

from todochat.db import Database
from todochat.errors import ConflictError
from todochat.models import Message, MessageRole, Task, User
from todochat.services import conversations, messages, tasks, users

from .support import count_rows

WRITERS = {"postgresql": 50, "sqlite": 20}


@pytest.fixture
def writers(backend: str) -> int:
    return WRITERS[backend]


async def create_task(db: Database, user_id: str, title: str) -> int:
    async with db.session() as session:
        return (await tasks.create_task(session, user_id, title=title)).number


async def append(db: Database, user_id: str, conversation_id: uuid.UUID, content: str) -> int:
    async with db.session() as session:
        message = await messages.append_message(
            session, user_id, conversation_id, role=MessageRole.USER, content=content
        )
        return message.seq


async def stored_numbers(db: Database, user_id: str) -> list[int]:
    async with db.session() as session:
        statement = select(Task.number).where(col(Task.user_id) == user_id)
        return sorted((await session.exec(statement)).all())


async def task_seq(db: Database, user_id: str) -> int:
    async with db.session() as session:
        return (await users.get_user(session, user_id)).task_seq


async def test_concurrent_task_creations_are_numbered_1_to_n(
    db: Database, alice: User, writers: int
) -> None:
    numbers = await asyncio.gather(
        *(create_task(db, alice.id, f"task {i}") for i in range(writers))
    )

    assert sorted(numbers) == list(range(1, writers + 1))
    assert await stored_numbers(db, alice.id) == list(range(1, writers + 1))
    assert await task_seq(db, alice.id) == writers


async def test_concurrent_creations_for_two_users_number_each_from_1(
    db: Database, alice: User, bob: User, writers: int
) -> None:
    await asyncio.gather(
        *(
            create_task(db, user.id, f"task {i}")
            for i in range(writers // 2)
            for user in (alice, bob)
        )
    )

    expected = list(range(1, writers // 2 + 1))
    assert await stored_numbers(db, alice.id) == expected
    assert await stored_numbers(db, bob.id) == expected


async def test_concurrent_creations_and_deletions_never_reuse_a_number(
    db: Database, alice: User, writers: int
) -> None:
    for i in range(10):
        await create_task(db, alice.id, f"early {i}")

    async def delete(number: int) -> None:
        async with db.session() as session:
            await tasks.delete_task(session, alice.id, number)

    await asyncio.gather(
        *(delete(number) for number in range(1, 11)),
        *(create_task(db, alice.id, f"late {i}") for i in range(writers)),
    )

    assert await stored_numbers(db, alice.id) == list(range(11, writers + 11))


async def test_concurrent_appends_are_numbered_1_to_n_and_all_stored(
    db: Database, alice: User, writers: int
) -> None:
    async with db.session() as session:
        conversation_id = (await conversations.create_conversation(session, alice.id)).id

    seqs = await asyncio.gather(
        *(append(db, alice.id, conversation_id, f"message {i}") for i in range(writers))
    )

    assert sorted(seqs) == list(range(1, writers + 1))
    async with db.session() as session:
        stored = await messages.list_messages(session, alice.id, conversation_id, limit=200)
        conversation = await conversations.get_conversation(session, alice.id, conversation_id)
    assert [message.seq for message in stored] == list(range(1, writers + 1))
    assert sorted(message.content for message in stored) == sorted(
        f"message {i}" for i in range(writers)
    )
    assert conversation.message_seq == writers


async def test_concurrent_appends_to_two_conversations_number_each_from_1(
    db: Database, alice: User, writers: int
) -> None:
    async with db.session() as session:
        first = (await conversations.create_conversation(session, alice.id)).id
        second = (await conversations.create_conversation(session, alice.id)).id

    await asyncio.gather(
        *(
            append(db, alice.id, cid, f"m{i}")
            for i in range(writers // 2)
            for cid in (first, second)
        )
    )

    async with db.session() as session:
        for conversation_id in (first, second):
            statement = select(Message.seq).where(col(Message.conversation_id) == conversation_id)
            assert sorted((await session.exec(statement)).all()) == list(range(1, writers // 2 + 1))


async def test_concurrent_signups_with_one_email_let_exactly_one_through(
    db: Database, writers: int
) -> None:
    async def sign_up(index: int) -> str:
        async with db.session() as session:
            try:
                await users.create_user(
                    session, email=f"Same@Example.com{' ' * (index % 2)}", password_hash=None
                )
            except ConflictError:
                return "conflict"
            return "created"

    outcomes = await asyncio.gather(*(sign_up(i) for i in range(writers)))

    assert sorted(outcomes) == ["conflict"] * (writers - 1) + ["created"]
    async with db.session() as session:
        assert await count_rows(session, "users") == 1


async def test_concurrent_first_sight_of_an_external_identity_makes_one_user(
    db: Database, writers: int
) -> None:
    async def provision() -> str:
        async with db.session() as session:
            return (await users.provision_external_user(session, "oidc|same", name="Eve")).id

    ids = await asyncio.gather(*(provision() for _ in range(writers)))

    assert set(ids) == {"oidc|same"}
    async with db.session() as session:
        assert await count_rows(session, "users") == 1
