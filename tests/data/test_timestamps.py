"""Timestamps: set by the database, timezone-aware UTC, moving when things change;
completed_at set exactly while a task is completed."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.db import Database
from todochat.models import MessageRole, Task, TaskStatus, User
from todochat.services import conversations, messages, tasks, users
from todochat.services.tasks import TaskChanges

from .support import a_moment_later, raw_sql


def is_utc(value: datetime | None) -> bool:
    return value is not None and value.tzinfo is not None and value.utcoffset() == timedelta(0)


async def reread_task(session: AsyncSession, user: User, number: int) -> Task:
    """The task as the database holds it (not the session's copy)."""
    session.expunge_all()
    return await tasks.get_task(session, user.id, number)


async def test_created_and_updated_at_are_timezone_aware_utc(
    session: AsyncSession, alice: User
) -> None:
    await tasks.create_task(session, alice.id, title="x")
    conversation = await conversations.create_conversation(session, alice.id)
    message = await messages.append_message(
        session, alice.id, conversation.id, role=MessageRole.USER, content="hi"
    )
    task = await reread_task(session, alice, 1)

    for row in (alice, task, conversation, message):
        assert is_utc(row.created_at), row
        assert is_utc(row.updated_at), row


async def test_created_at_is_filled_in_by_the_database(
    db: Database, session: AsyncSession, alice: User
) -> None:
    await raw_sql(
        db,
        "INSERT INTO tasks (id, user_id, number, title) VALUES (:id, :user_id, 1, 'raw')",
        id=uuid.uuid4(),
        user_id=alice.id,
    )

    task = await tasks.get_task(session, alice.id, 1)
    assert is_utc(task.created_at)
    assert task.updated_at == task.created_at


async def test_new_task_has_equal_created_and_updated_at(
    session: AsyncSession, alice: User
) -> None:
    task = await tasks.create_task(session, alice.id, title="x")

    assert task.created_at is not None
    assert task.created_at == task.updated_at


async def test_task_updated_at_moves_on_update_and_created_at_stays(
    session: AsyncSession, alice: User
) -> None:
    before = await tasks.create_task(session, alice.id, title="x")
    created, updated = before.created_at, before.updated_at
    await a_moment_later(session)

    await tasks.update_task(session, alice.id, 1, TaskChanges(title="y"))

    after = await reread_task(session, alice, 1)
    assert after.created_at == created
    assert after.updated_at is not None
    assert updated is not None
    assert after.updated_at > updated


async def test_task_updated_at_moves_on_completion(session: AsyncSession, alice: User) -> None:
    updated = (await tasks.create_task(session, alice.id, title="x")).updated_at
    assert updated is not None
    await a_moment_later(session)

    await tasks.set_task_completed(session, alice.id, 1, True)

    moved = (await reread_task(session, alice, 1)).updated_at
    assert moved is not None
    assert moved > updated


async def test_conversation_updated_at_moves_with_each_message(
    session: AsyncSession, alice: User
) -> None:
    conversation = await conversations.create_conversation(session, alice.id)
    seen = [conversation.updated_at]
    for text in ("one", "two", "three"):
        await a_moment_later(session)
        await messages.append_message(
            session, alice.id, conversation.id, role=MessageRole.USER, content=text
        )
        session.expunge_all()
        stored = await conversations.get_conversation(session, alice.id, conversation.id)
        seen.append(stored.updated_at)

    assert seen == sorted(seen)
    assert len(set(seen)) == 4


async def test_message_created_at_follows_seq(session: AsyncSession, alice: User) -> None:
    conversation = await conversations.create_conversation(session, alice.id)
    created = []
    for text in ("one", "two"):
        await a_moment_later(session)
        message = await messages.append_message(
            session, alice.id, conversation.id, role=MessageRole.USER, content=text
        )
        created.append(message.created_at)

    assert created[0] < created[1]


async def test_adding_a_task_does_not_move_the_users_updated_at(
    session: AsyncSession, alice: User
) -> None:
    await a_moment_later(session)
    await tasks.create_task(session, alice.id, title="x")

    assert (await users.get_user(session, alice.id)).updated_at == alice.updated_at


# completed_at ------------------------------------------------------------------


async def test_new_task_has_no_completed_at(session: AsyncSession, alice: User) -> None:
    assert (await tasks.create_task(session, alice.id, title="x")).completed_at is None


async def test_completing_sets_completed_at(session: AsyncSession, alice: User) -> None:
    await tasks.create_task(session, alice.id, title="x")

    await tasks.set_task_completed(session, alice.id, 1, True)

    assert is_utc((await reread_task(session, alice, 1)).completed_at)


async def test_reopening_clears_completed_at(session: AsyncSession, alice: User) -> None:
    await tasks.create_task(session, alice.id, title="x")
    await tasks.set_task_completed(session, alice.id, 1, True)

    await tasks.set_task_completed(session, alice.id, 1, False)

    assert (await reread_task(session, alice, 1)).completed_at is None


async def test_updating_status_to_completed_sets_completed_at(
    session: AsyncSession, alice: User
) -> None:
    await tasks.create_task(session, alice.id, title="x")

    await tasks.update_task(session, alice.id, 1, TaskChanges(status=TaskStatus.COMPLETED))

    task = await reread_task(session, alice, 1)
    assert task.status == TaskStatus.COMPLETED
    assert is_utc(task.completed_at)


async def test_updating_status_away_from_completed_clears_completed_at(
    session: AsyncSession, alice: User
) -> None:
    await tasks.create_task(session, alice.id, title="x")
    await tasks.set_task_completed(session, alice.id, 1, True)

    await tasks.update_task(session, alice.id, 1, TaskChanges(status=TaskStatus.ARCHIVED))

    task = await reread_task(session, alice, 1)
    assert (task.status, task.completed_at) == (TaskStatus.ARCHIVED, None)


async def test_other_updates_keep_completed_at(session: AsyncSession, alice: User) -> None:
    await tasks.create_task(session, alice.id, title="x")
    completed_at = (await tasks.set_task_completed(session, alice.id, 1, True)).completed_at

    await tasks.update_task(session, alice.id, 1, TaskChanges(title="renamed"))

    assert (await reread_task(session, alice, 1)).completed_at == completed_at
