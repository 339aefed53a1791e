"""What the database itself enforces, whatever code writes to it: each rule is broken
here with raw SQL that bypasses the services, and the database must refuse it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.db import Database
from todochat.models import MessageRole, User
from todochat.services import conversations, messages, tasks

from .support import count_rows, delete_user_row, raw_sql

INSERT_TASK = (
    "INSERT INTO tasks (id, user_id, number, title, status, priority, completed_at) "
    "VALUES (:id, :user_id, :number, :title, :status, :priority, :completed_at)"
)
INSERT_MESSAGE = (
    "INSERT INTO messages (id, conversation_id, user_id, seq, role, content) "
    "VALUES (:id, :conversation_id, :user_id, :seq, :role, :content)"
)
WHEN = datetime(2030, 1, 1, 12, tzinfo=UTC)


async def insert_task(db: Database, user_id: str, **columns: object) -> None:
    values = {
        "id": uuid.uuid4(),
        "user_id": user_id,
        "number": 1,
        "title": "raw",
        "status": "pending",
        "priority": "medium",
        "completed_at": None,
        **columns,
    }
    await raw_sql(db, INSERT_TASK, **values)


async def insert_message(db: Database, conversation_id: uuid.UUID, **columns: object) -> None:
    values = {
        "id": uuid.uuid4(),
        "conversation_id": conversation_id,
        "seq": 1,
        "role": "user",
        "content": "raw",
        **columns,
    }
    await raw_sql(db, INSERT_MESSAGE, **values)


@pytest.fixture
async def conversation_id(db: Database, alice: User) -> uuid.UUID:
    async with db.session() as session:
        return (await conversations.create_conversation(session, alice.id)).id


# The raw inserts themselves are sound -------------------------------------------


async def test_a_valid_raw_task_is_accepted(
    db: Database, session: AsyncSession, alice: User
) -> None:
    await insert_task(db, alice.id, number=7)

    assert (await tasks.get_task(session, alice.id, 7)).title == "raw"


async def test_a_valid_raw_message_is_accepted(
    db: Database, session: AsyncSession, alice: User, conversation_id: uuid.UUID
) -> None:
    await insert_message(db, conversation_id, user_id=alice.id)

    assert await count_rows(session, "messages", conversation_id=conversation_id) == 1


# Tasks ------------------------------------------------------------------------


async def test_database_rejects_an_unknown_task_status(db: Database, alice: User) -> None:
    with pytest.raises(IntegrityError):
        await insert_task(db, alice.id, status="done")


async def test_database_rejects_an_unknown_task_priority(db: Database, alice: User) -> None:
    with pytest.raises(IntegrityError):
        await insert_task(db, alice.id, priority="critical")


async def test_database_rejects_a_duplicate_task_number_for_one_user(
    db: Database, session: AsyncSession, alice: User
) -> None:
    async with db.session() as setup:
        await tasks.create_task(setup, alice.id, title="first")

    with pytest.raises(IntegrityError):
        await insert_task(db, alice.id, number=1)

    assert await count_rows(session, "tasks", user_id=alice.id) == 1


async def test_database_allows_the_same_task_number_for_two_users(
    db: Database, session: AsyncSession, alice: User, bob: User
) -> None:
    await insert_task(db, alice.id, number=1)
    await insert_task(db, bob.id, number=1)

    assert await count_rows(session, "tasks", number=1) == 2


@pytest.mark.parametrize("number", [0, -1])
async def test_database_rejects_a_task_number_below_1(
    db: Database, alice: User, number: int
) -> None:
    with pytest.raises(IntegrityError):
        await insert_task(db, alice.id, number=number)


async def test_database_rejects_completed_at_on_a_pending_task(db: Database, alice: User) -> None:
    with pytest.raises(IntegrityError, match="completed_at_matches_status"):
        await insert_task(db, alice.id, status="pending", completed_at=WHEN)


async def test_database_rejects_a_completed_task_without_completed_at(
    db: Database, alice: User
) -> None:
    with pytest.raises(IntegrityError, match="completed_at_matches_status"):
        await insert_task(db, alice.id, status="completed", completed_at=None)


async def test_database_rejects_reopening_a_task_without_clearing_completed_at(
    db: Database, alice: User
) -> None:
    async with db.session() as setup:
        await tasks.create_task(setup, alice.id, title="x")
        await tasks.set_task_completed(setup, alice.id, 1, True)

    with pytest.raises(IntegrityError):
        await raw_sql(db, "UPDATE tasks SET status = 'pending' WHERE user_id = :u", u=alice.id)


async def test_database_rejects_a_task_of_an_unknown_user(db: Database) -> None:
    with pytest.raises(IntegrityError):
        await insert_task(db, "nobody")


async def test_database_rejects_a_negative_task_sequence(db: Database, alice: User) -> None:
    with pytest.raises(IntegrityError):
        await raw_sql(db, "UPDATE users SET task_seq = -1 WHERE id = :u", u=alice.id)


async def test_database_rejects_a_second_user_with_the_same_email(
    db: Database, alice: User
) -> None:
    with pytest.raises(IntegrityError):
        await raw_sql(db, "INSERT INTO users (id, email) VALUES ('other', 'alice@example.com')")


# Messages ---------------------------------------------------------------------


async def test_database_rejects_an_unknown_message_role(
    db: Database, alice: User, conversation_id: uuid.UUID
) -> None:
    with pytest.raises(IntegrityError):
        await insert_message(db, conversation_id, user_id=alice.id, role="robot")


async def test_database_rejects_a_message_in_another_users_conversation(
    db: Database, session: AsyncSession, bob: User, conversation_id: uuid.UUID
) -> None:
    with pytest.raises(IntegrityError):
        await insert_message(db, conversation_id, user_id=bob.id)

    assert await count_rows(session, "messages") == 0


async def test_database_rejects_a_message_of_a_missing_conversation(
    db: Database, alice: User
) -> None:
    with pytest.raises(IntegrityError):
        await insert_message(db, uuid.uuid4(), user_id=alice.id)


async def test_database_rejects_a_duplicate_seq_in_one_conversation(
    db: Database, session: AsyncSession, alice: User, conversation_id: uuid.UUID
) -> None:
    async with db.session() as setup:
        await messages.append_message(
            setup, alice.id, conversation_id, role=MessageRole.USER, content="first"
        )

    with pytest.raises(IntegrityError):
        await insert_message(db, conversation_id, user_id=alice.id, seq=1)

    assert await count_rows(session, "messages", conversation_id=conversation_id) == 1


@pytest.mark.parametrize("seq", [0, -3])
async def test_database_rejects_a_seq_below_1(
    db: Database, alice: User, conversation_id: uuid.UUID, seq: int
) -> None:
    with pytest.raises(IntegrityError):
        await insert_message(db, conversation_id, user_id=alice.id, seq=seq)


# Cascades ---------------------------------------------------------------------


async def fill(session: AsyncSession, user: User) -> uuid.UUID:
    """Two tasks and a conversation with two messages for `user`."""
    await tasks.create_task(session, user.id, title="one")
    await tasks.create_task(session, user.id, title="two")
    conversation = await conversations.create_conversation(session, user.id)
    for role in (MessageRole.USER, MessageRole.ASSISTANT):
        await messages.append_message(session, user.id, conversation.id, role=role, content="hello")
    return conversation.id


async def owned_rows(session: AsyncSession, user: User) -> dict[str, int]:
    return {
        table: await count_rows(session, table, user_id=user.id)
        for table in ("tasks", "conversations", "messages")
    }


async def test_deleting_a_user_removes_their_tasks_conversations_and_messages(
    session: AsyncSession, alice: User
) -> None:
    await fill(session, alice)

    await delete_user_row(session, alice.id)

    assert await owned_rows(session, alice) == {"tasks": 0, "conversations": 0, "messages": 0}


async def test_deleting_a_user_leaves_other_users_rows_alone(
    session: AsyncSession, alice: User, bob: User
) -> None:
    await fill(session, alice)
    await fill(session, bob)

    await delete_user_row(session, alice.id)

    assert await owned_rows(session, bob) == {"tasks": 2, "conversations": 1, "messages": 2}
    assert await count_rows(session, "users") == 1


async def test_deleting_a_conversation_removes_only_its_messages(
    session: AsyncSession, alice: User, bob: User
) -> None:
    doomed = await fill(session, alice)
    kept = await conversations.create_conversation(session, alice.id)
    await messages.append_message(session, alice.id, kept.id, role=MessageRole.USER, content="hi")
    await fill(session, bob)

    await conversations.delete_conversation(session, alice.id, doomed)

    assert await count_rows(session, "messages", conversation_id=doomed) == 0
    assert await owned_rows(session, alice) == {"tasks": 2, "conversations": 1, "messages": 1}
    assert await owned_rows(session, bob) == {"tasks": 2, "conversations": 1, "messages": 2}


async def test_deleting_a_task_removes_only_that_task(
    session: AsyncSession, alice: User, bob: User
) -> None:
    await fill(session, alice)
    await fill(session, bob)

    await tasks.delete_task(session, alice.id, 1)

    assert await owned_rows(session, alice) == {"tasks": 1, "conversations": 1, "messages": 2}
    assert await owned_rows(session, bob) == {"tasks": 2, "conversations": 1, "messages": 2}


async def test_cascade_happens_in_the_database_itself(db: Database, alice: User) -> None:
    async with db.session() as session:
        await fill(session, alice)

    await raw_sql(db, "DELETE FROM users WHERE id = :u", u=alice.id)

    async with db.session() as session:
        assert await owned_rows(session, alice) == {"tasks": 0, "conversations": 0, "messages": 0}
