"""Tasks: numbering, ownership, input limits, changes and completion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.errors import InvalidInputError, NotFoundError
from todochat.models import TaskPriority, TaskStatus, User
from todochat.services import tasks, users
from todochat.services.tasks import TaskChanges

from .support import count_rows, rejected

DUE = datetime(2030, 5, 17, 9, 30, tzinfo=UTC)


# Numbering ---------------------------------------------------------------------


async def test_tasks_are_numbered_1_2_3_per_user(session: AsyncSession, alice: User) -> None:
    created = [await tasks.create_task(session, alice.id, title=f"t{i}") for i in range(3)]

    assert [task.number for task in created] == [1, 2, 3]
    assert (await users.get_user(session, alice.id)).task_seq == 3


async def test_each_user_has_their_own_numbers(
    session: AsyncSession, alice: User, bob: User
) -> None:
    await tasks.create_task(session, alice.id, title="a1")
    await tasks.create_task(session, alice.id, title="a2")

    first_of_bob = await tasks.create_task(session, bob.id, title="b1")

    assert first_of_bob.number == 1


async def test_deleted_number_is_never_reused(session: AsyncSession, alice: User) -> None:
    for title in ("one", "two", "three"):
        await tasks.create_task(session, alice.id, title=title)
    await tasks.delete_task(session, alice.id, 3)

    assert (await tasks.create_task(session, alice.id, title="four")).number == 4


async def test_task_for_unknown_user_is_not_found_and_not_written(
    session: AsyncSession,
) -> None:
    await rejected(session, NotFoundError, tasks.create_task(session, "nobody", title="x"))

    assert await count_rows(session, "tasks") == 0


async def test_new_task_is_pending_medium_and_not_completed(
    session: AsyncSession, alice: User
) -> None:
    task = await tasks.create_task(session, alice.id, title="  Buy   groceries ")

    assert task.title == "Buy groceries"
    assert (task.status, task.priority, task.completed_at) == (
        TaskStatus.PENDING,
        TaskPriority.MEDIUM,
        None,
    )
    assert task.completed is False


async def test_task_keeps_description_priority_due_date_and_metadata(
    session: AsyncSession, alice: User
) -> None:
    await tasks.create_task(
        session,
        alice.id,
        title="Report",
        description=" quarterly numbers ",
        priority=TaskPriority.URGENT,
        due_at=DUE,
        metadata={"source": "test", "tags": ["work"]},
    )
    session.expunge_all()  # read back what the database holds

    task = await tasks.get_task(session, alice.id, 1)
    assert task.description == "quarterly numbers"
    assert task.priority == TaskPriority.URGENT
    assert task.due_at == DUE
    assert task.meta == {"source": "test", "tags": ["work"]}


async def test_due_date_in_another_zone_is_stored_as_the_same_instant_in_utc(
    session: AsyncSession, alice: User
) -> None:
    paris_evening = datetime(2030, 5, 17, 20, 0, tzinfo=ZoneInfo("Europe/Paris"))
    await tasks.create_task(session, alice.id, title="x", due_at=paris_evening)
    session.expunge_all()

    due = (await tasks.get_task(session, alice.id, 1)).due_at
    assert due == datetime(2030, 5, 17, 18, 0, tzinfo=UTC)
    assert due is not None
    assert due.utcoffset() == timedelta(0)


# Ownership ---------------------------------------------------------------------


async def test_user_b_cannot_get_user_a_task(session: AsyncSession, alice: User, bob: User) -> None:
    missing = await rejected(session, NotFoundError, tasks.get_task(session, bob.id, 1))
    await tasks.create_task(session, alice.id, title="Alice's")

    foreign = await rejected(session, NotFoundError, tasks.get_task(session, bob.id, 1))

    assert str(foreign) == str(missing)
    assert foreign.message == missing.message


async def test_user_b_does_not_see_user_a_tasks_in_lists(
    session: AsyncSession, alice: User, bob: User
) -> None:
    await tasks.create_task(session, alice.id, title="Alice's")

    page = await tasks.list_tasks(session, bob.id)

    assert page.items == []
    assert page.next_cursor is None


async def test_user_b_cannot_update_user_a_task(
    session: AsyncSession, alice: User, bob: User
) -> None:
    missing = await rejected(
        session, NotFoundError, tasks.update_task(session, bob.id, 1, TaskChanges(title="mine"))
    )
    await tasks.create_task(session, alice.id, title="Alice's")

    foreign = await rejected(
        session, NotFoundError, tasks.update_task(session, bob.id, 1, TaskChanges(title="mine"))
    )

    assert str(foreign) == str(missing)
    assert (await tasks.get_task(session, alice.id, 1)).title == "Alice's"


async def test_user_b_cannot_complete_user_a_task(
    session: AsyncSession, alice: User, bob: User
) -> None:
    missing = await rejected(
        session, NotFoundError, tasks.set_task_completed(session, bob.id, 1, True)
    )
    await tasks.create_task(session, alice.id, title="Alice's")

    foreign = await rejected(
        session, NotFoundError, tasks.set_task_completed(session, bob.id, 1, True)
    )

    assert str(foreign) == str(missing)
    task = await tasks.get_task(session, alice.id, 1)
    assert (task.status, task.completed_at) == (TaskStatus.PENDING, None)


async def test_user_b_cannot_delete_user_a_task(
    session: AsyncSession, alice: User, bob: User
) -> None:
    missing = await rejected(session, NotFoundError, tasks.delete_task(session, bob.id, 1))
    await tasks.create_task(session, alice.id, title="Alice's")

    foreign = await rejected(session, NotFoundError, tasks.delete_task(session, bob.id, 1))

    assert str(foreign) == str(missing)
    assert await count_rows(session, "tasks", user_id=alice.id) == 1


async def test_a_number_addresses_only_the_acting_users_task(
    session: AsyncSession, alice: User, bob: User
) -> None:
    await tasks.create_task(session, alice.id, title="Alice's 1")
    await tasks.create_task(session, bob.id, title="Bob's 1")

    await tasks.update_task(session, bob.id, 1, TaskChanges(title="Bob renamed"))
    await tasks.set_task_completed(session, bob.id, 1, True)
    await tasks.delete_task(session, bob.id, 1)

    alices = await tasks.get_task(session, alice.id, 1)
    assert (alices.title, alices.status) == ("Alice's 1", TaskStatus.PENDING)
    assert await count_rows(session, "tasks", user_id=bob.id) == 0


async def test_missing_task_error_names_the_number(session: AsyncSession, alice: User) -> None:
    error = await rejected(session, NotFoundError, tasks.get_task(session, alice.id, 42))

    assert error.message == "task 42 not found"


# Input limits ------------------------------------------------------------------


@pytest.mark.parametrize("title", ["", "   ", "\n\t"])
async def test_empty_title_is_rejected_and_nothing_written(
    session: AsyncSession, alice: User, title: str
) -> None:
    error = await rejected(
        session, InvalidInputError, tasks.create_task(session, alice.id, title=title)
    )

    assert error.field == "title"
    assert await count_rows(session, "tasks") == 0
    assert (await users.get_user(session, alice.id)).task_seq == 0


async def test_title_of_200_characters_is_accepted(session: AsyncSession, alice: User) -> None:
    task = await tasks.create_task(session, alice.id, title="t" * 200)

    assert len(task.title) == 200


async def test_title_over_200_characters_is_rejected_and_nothing_written(
    session: AsyncSession, alice: User
) -> None:
    await rejected(
        session, InvalidInputError, tasks.create_task(session, alice.id, title="t" * 201)
    )

    assert await count_rows(session, "tasks") == 0
    assert (await users.get_user(session, alice.id)).task_seq == 0


async def test_description_over_2000_characters_is_rejected_and_nothing_written(
    session: AsyncSession, alice: User
) -> None:
    error = await rejected(
        session,
        InvalidInputError,
        tasks.create_task(session, alice.id, title="x", description="d" * 2001),
    )

    assert error.field == "description"
    assert await count_rows(session, "tasks") == 0


async def test_description_of_2000_characters_is_accepted(
    session: AsyncSession, alice: User
) -> None:
    task = await tasks.create_task(session, alice.id, title="x", description="d" * 2000)

    assert task.description == "d" * 2000


async def test_metadata_over_16_kib_is_rejected_and_nothing_written(
    session: AsyncSession, alice: User
) -> None:
    error = await rejected(
        session,
        InvalidInputError,
        tasks.create_task(session, alice.id, title="x", metadata={"blob": "b" * 16 * 1024}),
    )

    assert error.field == "metadata"
    assert await count_rows(session, "tasks") == 0


async def test_naive_due_date_is_rejected_and_nothing_written(
    session: AsyncSession, alice: User
) -> None:
    error = await rejected(
        session,
        InvalidInputError,
        tasks.create_task(session, alice.id, title="x", due_at=datetime(2030, 1, 1, 12)),
    )

    assert error.field == "due_at"
    assert await count_rows(session, "tasks") == 0


async def test_update_with_too_long_title_changes_nothing(
    session: AsyncSession, alice: User
) -> None:
    await tasks.create_task(session, alice.id, title="Keep me")

    await rejected(
        session,
        InvalidInputError,
        tasks.update_task(session, alice.id, 1, TaskChanges(title="t" * 201)),
    )

    assert (await tasks.get_task(session, alice.id, 1)).title == "Keep me"


async def test_update_with_naive_due_date_is_rejected(session: AsyncSession, alice: User) -> None:
    await tasks.create_task(session, alice.id, title="x", due_at=DUE)

    await rejected(
        session,
        InvalidInputError,
        tasks.update_task(session, alice.id, 1, TaskChanges(due_at=datetime(2031, 1, 1))),
    )

    assert (await tasks.get_task(session, alice.id, 1)).due_at == DUE


async def test_update_cannot_set_priority_to_nothing(session: AsyncSession, alice: User) -> None:
    await tasks.create_task(session, alice.id, title="x", priority=TaskPriority.HIGH)

    await rejected(
        session,
        InvalidInputError,
        tasks.update_task(session, alice.id, 1, TaskChanges(priority=None)),
    )

    assert (await tasks.get_task(session, alice.id, 1)).priority == TaskPriority.HIGH


# Changes and completion --------------------------------------------------------


async def test_update_changes_only_the_fields_given(session: AsyncSession, alice: User) -> None:
    await tasks.create_task(
        session, alice.id, title="Old", description="keep", priority=TaskPriority.LOW, due_at=DUE
    )

    await tasks.update_task(session, alice.id, 1, TaskChanges(title="New"))
    session.expunge_all()

    task = await tasks.get_task(session, alice.id, 1)
    assert (task.title, task.description, task.priority, task.due_at) == (
        "New",
        "keep",
        TaskPriority.LOW,
        DUE,
    )


async def test_update_can_clear_description_and_due_date(
    session: AsyncSession, alice: User
) -> None:
    await tasks.create_task(session, alice.id, title="x", description="d", due_at=DUE)

    await tasks.update_task(session, alice.id, 1, TaskChanges(description=None, due_at=None))
    session.expunge_all()

    task = await tasks.get_task(session, alice.id, 1)
    assert (task.description, task.due_at) == (None, None)


async def test_completing_a_task_marks_it_completed(session: AsyncSession, alice: User) -> None:
    await tasks.create_task(session, alice.id, title="x")

    task = await tasks.set_task_completed(session, alice.id, 1, True)

    assert task.status == TaskStatus.COMPLETED
    assert task.completed is True


async def test_reopening_a_task_makes_it_pending_again(session: AsyncSession, alice: User) -> None:
    await tasks.create_task(session, alice.id, title="x")
    await tasks.set_task_completed(session, alice.id, 1, True)

    task = await tasks.set_task_completed(session, alice.id, 1, False)

    assert task.status == TaskStatus.PENDING
    assert task.completed is False


async def test_completing_twice_keeps_the_first_completion_time(
    session: AsyncSession, alice: User
) -> None:
    await tasks.create_task(session, alice.id, title="x")
    first = (await tasks.set_task_completed(session, alice.id, 1, True)).completed_at

    again = await tasks.set_task_completed(session, alice.id, 1, True)

    assert again.completed_at == first


async def test_deleting_a_task_returns_it_and_removes_it(
    session: AsyncSession, alice: User
) -> None:
    await tasks.create_task(session, alice.id, title="Gone soon")

    deleted = await tasks.delete_task(session, alice.id, 1)

    assert (deleted.number, deleted.title) == (1, "Gone soon")
    await rejected(session, NotFoundError, tasks.get_task(session, alice.id, 1))
