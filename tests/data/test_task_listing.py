"""Listing tasks: filters, sort orders and keyset pagination."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.errors import InvalidInputError
from todochat.models import TaskPriority, TaskStatus, User
from todochat.services import conversations, tasks, users
from todochat.services.tasks import TaskChanges, TaskSort

from .support import rejected

DAY = datetime(2030, 5, 17, 12, 0, tzinfo=UTC)


async def numbers(session: AsyncSession, user_id: str, **filters: Any) -> list[int]:
    """The numbers of the user's tasks that match, on one page."""
    page = await tasks.list_tasks(session, user_id, limit=200, **filters)
    return [task.number for task in page.items]


async def walk(
    session: AsyncSession, user_id: str, limit: int, cursor: str | None = None, **filters: Any
) -> list[int]:
    """The numbers on every page from `cursor` on, fetched `limit` at a time, in order."""
    seen: list[int] = []
    while True:
        page = await tasks.list_tasks(session, user_id, limit=limit, cursor=cursor, **filters)
        assert len(page.items) <= limit
        seen += [task.number for task in page.items]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


@pytest.fixture
async def four_tasks(session: AsyncSession, alice: User) -> None:
    """1 pending/low/due tomorrow · 2 in progress/high/due today · 3 completed/urgent/undated
    · 4 archived/medium/due in two days."""
    await tasks.create_task(
        session, alice.id, title="Buy milk", priority=TaskPriority.LOW, due_at=DAY + timedelta(1)
    )
    await tasks.create_task(
        session,
        alice.id,
        title="Write report",
        description="numbers for the BOSS",
        priority=TaskPriority.HIGH,
        due_at=DAY,
    )
    await tasks.create_task(session, alice.id, title="Pay 100% of rent", priority="urgent")
    await tasks.create_task(session, alice.id, title="file_name cleanup", due_at=DAY + timedelta(2))
    await tasks.update_task(session, alice.id, 2, TaskChanges(status=TaskStatus.IN_PROGRESS))
    await tasks.set_task_completed(session, alice.id, 3, True)
    await tasks.update_task(session, alice.id, 4, TaskChanges(status=TaskStatus.ARCHIVED))


# Filters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("all", [1, 2, 3, 4]),
        ("open", [1, 2]),
        (TaskStatus.PENDING, [1]),
        (TaskStatus.IN_PROGRESS, [2]),
        (TaskStatus.COMPLETED, [3]),
        (TaskStatus.ARCHIVED, [4]),
        ("completed", [3]),
    ],
)
@pytest.mark.usefixtures("four_tasks")
async def test_status_filter(
    session: AsyncSession, alice: User, status: str, expected: list[int]
) -> None:
    assert await numbers(session, alice.id, status=status) == expected


@pytest.mark.usefixtures("four_tasks")
async def test_unknown_status_filter_is_invalid_input(session: AsyncSession, alice: User) -> None:
    error = await rejected(
        session, InvalidInputError, tasks.list_tasks(session, alice.id, status="done")
    )

    assert error.field == "status"


@pytest.mark.usefixtures("four_tasks")
async def test_priority_filter(session: AsyncSession, alice: User) -> None:
    assert await numbers(session, alice.id, priority=TaskPriority.HIGH) == [2]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("MILK", [1]), ("boss", [2]), ("  report ", [2]), ("nothing like it", [])],
)
@pytest.mark.usefixtures("four_tasks")
async def test_text_query_matches_title_or_description_ignoring_case(
    session: AsyncSession, alice: User, query: str, expected: list[int]
) -> None:
    assert await numbers(session, alice.id, query=query) == expected


@pytest.mark.parametrize(("query", "expected"), [("%", [3]), ("100%", [3]), ("_", [4])])
@pytest.mark.usefixtures("four_tasks")
async def test_text_query_treats_percent_and_underscore_literally(
    session: AsyncSession, alice: User, query: str, expected: list[int]
) -> None:
    assert await numbers(session, alice.id, query=query) == expected


@pytest.mark.usefixtures("four_tasks")
async def test_blank_text_query_matches_everything(session: AsyncSession, alice: User) -> None:
    assert await numbers(session, alice.id, query="   ") == [1, 2, 3, 4]


@pytest.mark.usefixtures("four_tasks")
async def test_due_before_keeps_dated_tasks_due_strictly_earlier(
    session: AsyncSession, alice: User
) -> None:
    assert await numbers(session, alice.id, due_before=DAY + timedelta(1)) == [2]


@pytest.mark.usefixtures("four_tasks")
async def test_due_after_keeps_dated_tasks_due_strictly_later(
    session: AsyncSession, alice: User
) -> None:
    assert await numbers(session, alice.id, due_after=DAY) == [1, 4]


@pytest.mark.usefixtures("four_tasks")
async def test_due_window_combines_both_bounds(session: AsyncSession, alice: User) -> None:
    window = {"due_after": DAY - timedelta(hours=1), "due_before": DAY + timedelta(hours=36)}

    assert await numbers(session, alice.id, **window) == [1, 2]


@pytest.mark.usefixtures("four_tasks")
async def test_filters_combine(session: AsyncSession, alice: User) -> None:
    assert await numbers(session, alice.id, status="open", query="b") == [1, 2]
    assert await numbers(session, alice.id, status="open", priority="high", query="b") == [2]


@pytest.mark.parametrize("bound", ["due_before", "due_after"])
async def test_naive_due_bound_is_invalid_input(
    session: AsyncSession, alice: User, bound: str
) -> None:
    error = await rejected(
        session,
        InvalidInputError,
        tasks.list_tasks(session, alice.id, **{bound: datetime(2030, 1, 1)}),
    )

    assert error.field == bound


async def test_limit_below_one_is_invalid_input(session: AsyncSession, alice: User) -> None:
    await rejected(session, InvalidInputError, tasks.list_tasks(session, alice.id, limit=0))


# Sort orders -------------------------------------------------------------------


@pytest.fixture
async def mixed_tasks(session: AsyncSession, alice: User) -> None:
    """Seven tasks whose priorities and due dates tie and interleave."""
    plan: list[tuple[str, datetime | None]] = [
        ("low", DAY + timedelta(2)),
        ("urgent", None),
        ("medium", DAY),
        ("high", DAY + timedelta(2)),
        ("urgent", DAY + timedelta(1)),
        ("low", None),
        ("high", DAY),
    ]
    for index, (priority, due) in enumerate(plan, start=1):
        await tasks.create_task(
            session, alice.id, title=f"task {index}", priority=TaskPriority(priority), due_at=due
        )


@pytest.mark.usefixtures("mixed_tasks")
async def test_default_sort_is_creation_order(session: AsyncSession, alice: User) -> None:
    assert await numbers(session, alice.id) == [1, 2, 3, 4, 5, 6, 7]


@pytest.mark.usefixtures("mixed_tasks")
async def test_minus_created_sort_is_newest_first(session: AsyncSession, alice: User) -> None:
    assert await numbers(session, alice.id, sort="-created") == [7, 6, 5, 4, 3, 2, 1]


@pytest.mark.usefixtures("mixed_tasks")
async def test_due_sort_is_soonest_first_with_undated_last(
    session: AsyncSession, alice: User
) -> None:
    assert await numbers(session, alice.id, sort="due") == [3, 7, 5, 1, 4, 2, 6]


@pytest.mark.usefixtures("mixed_tasks")
async def test_priority_sort_is_most_urgent_first(session: AsyncSession, alice: User) -> None:
    assert await numbers(session, alice.id, sort="priority") == [2, 5, 4, 7, 3, 1, 6]


async def test_unknown_sort_is_invalid_input(session: AsyncSession, alice: User) -> None:
    error = await rejected(
        session, InvalidInputError, tasks.list_tasks(session, alice.id, sort="title")
    )

    assert error.field == "sort"


# Pagination --------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["created", "-created", "due", "priority"])
@pytest.mark.parametrize("limit", [1, 2, 3])
@pytest.mark.usefixtures("mixed_tasks")
async def test_pages_walk_every_task_once_in_sort_order(
    session: AsyncSession, alice: User, sort: TaskSort, limit: int
) -> None:
    assert await walk(session, alice.id, limit, sort=sort) == await numbers(
        session, alice.id, sort=sort
    )


@pytest.mark.usefixtures("four_tasks")
async def test_pages_keep_the_filters(session: AsyncSession, alice: User) -> None:
    assert await walk(session, alice.id, 1, status="open") == [1, 2]


@pytest.mark.usefixtures("four_tasks")
async def test_last_page_has_no_next_cursor(session: AsyncSession, alice: User) -> None:
    first = await tasks.list_tasks(session, alice.id, limit=2)
    second = await tasks.list_tasks(session, alice.id, limit=2, cursor=first.next_cursor)

    assert first.next_cursor is not None
    assert [task.number for task in second.items] == [3, 4]
    assert second.next_cursor is None


async def test_tasks_added_between_pages_are_reached_without_repeats(
    session: AsyncSession, alice: User
) -> None:
    for index in range(5):
        await tasks.create_task(session, alice.id, title=f"t{index}")
    seen: list[int] = []
    page = await tasks.list_tasks(session, alice.id, limit=2)
    while True:
        seen += [task.number for task in page.items]
        if page.next_cursor is None:
            break
        if len(seen) < 8:
            await tasks.create_task(session, alice.id, title="added meanwhile")
        page = await tasks.list_tasks(session, alice.id, limit=2, cursor=page.next_cursor)

    assert seen == list(range(1, (await users.get_user(session, alice.id)).task_seq + 1))
    assert len(seen) > 5


@pytest.mark.parametrize("sort", ["-created", "due", "priority"])
@pytest.mark.usefixtures("mixed_tasks")
async def test_tasks_added_between_pages_cause_no_repeats_or_gaps(
    session: AsyncSession, alice: User, sort: TaskSort
) -> None:
    original = await numbers(session, alice.id, sort=sort)
    seen: list[int] = []
    cursor: str | None = None
    while True:
        page = await tasks.list_tasks(session, alice.id, limit=2, cursor=cursor, sort=sort)
        seen += [task.number for task in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
        await tasks.create_task(session, alice.id, title="added", priority="medium", due_at=DAY)

    assert len(seen) == len(set(seen))
    assert [number for number in seen if number in original] == original


@pytest.mark.usefixtures("mixed_tasks")
async def test_task_deleted_between_pages_is_skipped_without_repeats(
    session: AsyncSession, alice: User
) -> None:
    first = await tasks.list_tasks(session, alice.id, limit=3)
    await tasks.delete_task(session, alice.id, 3)
    await tasks.delete_task(session, alice.id, 5)

    rest = await walk(session, alice.id, 3, cursor=first.next_cursor)

    assert [task.number for task in first.items] + rest == [1, 2, 3, 4, 6, 7]


@pytest.mark.parametrize(
    "cursor", ["not-a-cursor", "eyJvIjoiY3JlYXRlZCJ9", "W10", "e30", "%%%%", "é"]
)
async def test_malformed_cursor_is_invalid_input(
    session: AsyncSession, alice: User, cursor: str
) -> None:
    await tasks.create_task(session, alice.id, title="x")

    error = await rejected(
        session, InvalidInputError, tasks.list_tasks(session, alice.id, cursor=cursor)
    )

    assert error.field == "cursor"


async def test_empty_cursor_means_the_first_page(session: AsyncSession, alice: User) -> None:
    await tasks.create_task(session, alice.id, title="x")

    page = await tasks.list_tasks(session, alice.id, cursor="")

    assert [task.number for task in page.items] == [1]


@pytest.mark.parametrize(("made_for", "used_for"), [("created", "due"), ("priority", "-created")])
@pytest.mark.usefixtures("mixed_tasks")
async def test_cursor_from_another_sort_is_invalid_input(
    session: AsyncSession, alice: User, made_for: TaskSort, used_for: TaskSort
) -> None:
    cursor = (await tasks.list_tasks(session, alice.id, limit=1, sort=made_for)).next_cursor

    await rejected(
        session,
        InvalidInputError,
        tasks.list_tasks(session, alice.id, cursor=cursor, sort=used_for),
    )


async def test_conversation_cursor_is_invalid_for_tasks(session: AsyncSession, alice: User) -> None:
    await tasks.create_task(session, alice.id, title="x")
    for _ in range(2):
        await conversations.create_conversation(session, alice.id)
    cursor = (await conversations.list_conversations(session, alice.id, limit=1)).next_cursor

    await rejected(session, InvalidInputError, tasks.list_tasks(session, alice.id, cursor=cursor))
