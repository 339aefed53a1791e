"""The database is the only state: what one Database wrote, a new one reads back."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.config import Settings
from todochat.db import Database
from todochat.models import MessageRole, TaskPriority, TaskStatus, User
from todochat.services import conversations, messages, tasks, users

DUE = datetime(2030, 3, 4, 5, 6, 7, 890000, tzinfo=UTC)


async def write_everything(session: AsyncSession, user: User) -> uuid.UUID:
    await tasks.create_task(session, user.id, title="first", description="details")
    await tasks.create_task(session, user.id, title="second", priority=TaskPriority.URGENT)
    await tasks.create_task(session, user.id, title="third", due_at=DUE, metadata={"k": [1]})
    await tasks.set_task_completed(session, user.id, 2, True)
    conversation = await conversations.create_conversation(session, user.id)
    for role, content in [
        (MessageRole.USER, "add milk"),
        (MessageRole.ASSISTANT, "Added milk."),
        (MessageRole.USER, "thanks"),
    ]:
        await messages.append_message(session, user.id, conversation.id, role=role, content=content)
    return conversation.id


@pytest.fixture
async def reopened(db: Database, settings: Settings, alice: User) -> tuple[Database, uuid.UUID]:
    """Alice's data written through one Database, which is then closed; a new
    Database on the same URL."""
    async with db.session() as session:
        conversation_id = await write_everything(session, alice)
    await db.dispose()
    return Database(settings), conversation_id


async def test_tasks_survive_a_restart_in_number_order(
    reopened: tuple[Database, uuid.UUID], alice: User
) -> None:
    database, _ = reopened
    try:
        async with database.session() as session:
            page = await tasks.list_tasks(session, alice.id)
    finally:
        await database.dispose()

    assert [(t.number, t.title) for t in page.items] == [(1, "first"), (2, "second"), (3, "third")]
    first, second, third = page.items
    assert first.description == "details"
    assert (second.status, second.priority) == (TaskStatus.COMPLETED, TaskPriority.URGENT)
    assert second.completed_at is not None
    assert (third.due_at, third.meta) == (DUE, {"k": [1]})


async def test_messages_survive_a_restart_in_seq_order(
    reopened: tuple[Database, uuid.UUID], alice: User
) -> None:
    database, conversation_id = reopened
    try:
        async with database.session() as session:
            history = await messages.list_messages(session, alice.id, conversation_id)
            conversation = await conversations.get_conversation(session, alice.id, conversation_id)
    finally:
        await database.dispose()

    assert [(m.seq, m.role, m.content) for m in history] == [
        (1, MessageRole.USER, "add milk"),
        (2, MessageRole.ASSISTANT, "Added milk."),
        (3, MessageRole.USER, "thanks"),
    ]
    assert (conversation.title, conversation.message_seq) == ("add milk", 3)


async def test_user_survives_a_restart(reopened: tuple[Database, uuid.UUID], alice: User) -> None:
    database, _ = reopened
    try:
        async with database.session() as session:
            user = await users.find_user_by_email(session, "alice@example.com")
    finally:
        await database.dispose()

    assert user is not None
    assert (user.id, user.name, user.timezone, user.task_seq) == (alice.id, "Alice", "UTC", 3)


async def test_numbering_continues_after_a_restart(
    reopened: tuple[Database, uuid.UUID], alice: User
) -> None:
    database, conversation_id = reopened
    try:
        async with database.session() as session:
            await tasks.delete_task(session, alice.id, 3)
            task = await tasks.create_task(session, alice.id, title="fourth")
            message = await messages.append_message(
                session, alice.id, conversation_id, role=MessageRole.USER, content="more"
            )
    finally:
        await database.dispose()

    assert (task.number, message.seq) == (4, 4)
