"""Tasks: create, find, list, change, complete and delete one user's todo items."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, overload

from pydantic import BaseModel
from sqlalchemy import ColumnElement, case, delete, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.errors import InvalidInputError, NotFoundError
from todochat.models import Task, TaskPriority, TaskStatus, User, utcnow
from todochat.services import labels as label_service
from todochat.services.dates import END_OF_DAY
from todochat.services.limits import (
    check_metadata,
    check_text,
    clamp_limit,
    clean_description,
    clean_title,
)
from todochat.services.pagination import (
    Page,
    SortKey,
    after_cursor,
    decode_cursor,
    order_by,
    page_of,
)
from todochat.services.persistence import insert_row
from todochat.services.recurrence import (
    anchored,
    first_occurrence,
    next_occurrence,
    normalize_rule,
)

# "open" is everything still to do: pending or in progress.
StatusFilter = TaskStatus | Literal["all", "open"]
TaskSort = Literal["created", "-created", "due", "priority"]
TASK_SORTS: tuple[TaskSort, ...] = ("created", "-created", "due", "priority")

_PRIORITY_RANK = {
    TaskPriority.URGENT: 0,
    TaskPriority.HIGH: 1,
    TaskPriority.MEDIUM: 2,
    TaskPriority.LOW: 3,
}


class TaskChanges(BaseModel):
    """A partial update: only the fields that were set are changed."""

    title: str | None = None
    description: str | None = None
    status: TaskStatus | None = None
    priority: TaskPriority | None = None
    due_at: datetime | None = None
    metadata: dict[str, Any] | None = None
    # An RRULE (services/recurrence.py); None stops the repeating.
    recurrence: str | None = None
    # The task's labels, all of them (an empty list takes every label off).
    labels: list[str] | None = None


async def allocate_task_number(session: AsyncSession, user_id: str) -> int:
    """The user's next task number, taken from users.task_seq in one statement.

    The UPDATE locks the user's row until the transaction ends, so concurrent
    creations get consecutive numbers, and a number is never handed out twice.
    """
    statement = (
        update(User)
        .where(col(User.id) == user_id)
        .values(task_seq=col(User.task_seq) + 1, updated_at=col(User.updated_at))
        .returning(col(User.task_seq))
        .execution_options(synchronize_session=False)
    )
    number = (await session.exec(statement)).scalar_one_or_none()
    if number is None:
        raise NotFoundError("user not found")
    return int(number)


async def create_task(
    session: AsyncSession,
    user_id: str,
    *,
    title: str,
    description: str | None = None,
    priority: TaskPriority = TaskPriority.MEDIUM,
    due_at: datetime | None = None,
    metadata: dict[str, Any] | None = None,
    status: TaskStatus = TaskStatus.PENDING,
    completed_at: datetime | None = None,
    recurrence: str | None = None,
    labels: Sequence[str] = (),
) -> Task:
    """A new task with the user's next number: pending unless `status` says otherwise
    (an import brings completed tasks, with when they were completed); repeating when
    `recurrence` is an RRULE; carrying `labels` (made if new)."""
    status = _status(status)
    if status == TaskStatus.COMPLETED:
        completed_at = _aware(completed_at, "completed_at") or datetime.now(UTC)
    else:
        completed_at = None
    task = Task(
        user_id=user_id,
        number=0,
        title=clean_title(title),
        description=clean_description(description),
        priority=TaskPriority(priority),
        due_at=_aware(due_at, "due_at"),
        meta=check_metadata(metadata),
        status=status,
        completed_at=completed_at,
        recurrence=normalize_rule(recurrence) if recurrence else None,
        labelled=bool(labels),
    )
    if task.recurrence and task.due_at is not None:
        timezone = await _timezone_of(session, user_id)
        task.recurrence = anchored(task.recurrence, task.due_at, timezone)
    task.number = await allocate_task_number(session, user_id)
    task = await insert_row(session, task)
    if labels:
        await label_service.set_task_labels(session, task, labels)
    return task


async def get_task(session: AsyncSession, user_id: str, number: int) -> Task:
    """The user's task with this number; NotFoundError for a missing or foreign one."""
    statement = select(Task).where(col(Task.user_id) == user_id, col(Task.number) == number)
    task = (await session.exec(statement)).first()
    if task is None:
        raise NotFoundError(f"task {number} not found")
    return task


@dataclass(frozen=True)
class _Ordering:
    keys: list[SortKey]
    key_of: Callable[[Task], list[Any]]


def _priority_rank() -> ColumnElement[int]:
    return case(
        {priority.value: rank for priority, rank in _PRIORITY_RANK.items()},
        value=col(Task.priority),
        else_=len(_PRIORITY_RANK),
    )


def _ordering(sort: TaskSort) -> _Ordering:
    number = col(Task.number)
    if sort == "created":
        return _Ordering([SortKey(number, "int")], lambda t: [t.number])
    if sort == "-created":
        return _Ordering([SortKey(number, "int", descending=True)], lambda t: [t.number])
    if sort == "due":
        due = col(Task.due_at)
        # Tasks without a due date come last: group them apart before comparing dates.
        no_due = case((due.is_(None), 1), else_=0)
        return _Ordering(
            [SortKey(no_due, "int"), SortKey(due, "datetime"), SortKey(number, "int")],
            lambda t: [1 if t.due_at is None else 0, t.due_at, t.number],
        )
    if sort == "priority":
        return _Ordering(
            [SortKey(_priority_rank(), "int"), SortKey(number, "int")],
            lambda t: [_PRIORITY_RANK[TaskPriority(t.priority)], t.number],
        )
    raise InvalidInputError(f"sort must be one of {', '.join(TASK_SORTS)}", "sort")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def list_tasks(
    session: AsyncSession,
    user_id: str,
    *,
    status: StatusFilter = "all",
    priority: TaskPriority | None = None,
    query: str | None = None,
    due_before: datetime | None = None,
    due_after: datetime | None = None,
    sort: TaskSort = "created",
    limit: int | None = None,
    cursor: str | None = None,
    labels: Sequence[str] = (),
) -> Page[Task]:
    """One page of the user's tasks matching every filter given (`labels`: carrying
    each of them)."""
    ordering = _ordering(sort)
    page_size = clamp_limit(limit)
    statement = select(Task).where(col(Task.user_id) == user_id)
    if status == "open":
        statement = statement.where(
            col(Task.status).in_([TaskStatus.PENDING, TaskStatus.IN_PROGRESS])
        )
    elif status != "all":
        statement = statement.where(col(Task.status) == _status(status))
    if priority is not None:
        statement = statement.where(col(Task.priority) == TaskPriority(priority))
    if query and check_text(query, "query").strip():
        pattern = f"%{_escape_like(query.strip())}%"
        statement = statement.where(
            or_(
                col(Task.title).ilike(pattern, escape="\\"),
                col(Task.description).ilike(pattern, escape="\\"),
            )
        )
    if due_before is not None:
        statement = statement.where(col(Task.due_at) < _aware(due_before, "due_before"))
    if due_after is not None:
        statement = statement.where(col(Task.due_at) > _aware(due_after, "due_after"))
    if labels:
        statement = statement.where(*label_service.carrying_labels(labels))
    if cursor:
        values = decode_cursor(cursor, sort, ordering.keys)
        statement = statement.where(after_cursor(ordering.keys, values))
    statement = statement.order_by(*order_by(ordering.keys)).limit(page_size + 1)

    return page_of((await session.exec(statement)).all(), page_size, sort, ordering.key_of)


async def update_task(
    session: AsyncSession, user_id: str, number: int, changes: TaskChanges
) -> Task:
    """Apply the fields set in `changes` in one UPDATE … RETURNING; completed_at
    follows the status. NotFoundError if the task is missing (or was just deleted)."""
    given = changes.model_fields_set
    values: dict[str, Any] = {}
    if "title" in given:
        values["title"] = clean_title(changes.title)
    if "description" in given:
        values["description"] = clean_description(changes.description)
    if "priority" in given:
        if changes.priority is None:
            raise InvalidInputError("priority must be one of low, medium, high, urgent", "priority")
        values["priority"] = TaskPriority(changes.priority)
    if "due_at" in given:
        values["due_at"] = _aware(changes.due_at, "due_at")
    if "metadata" in given:
        values["meta"] = check_metadata(changes.metadata)
    if "recurrence" in given:
        values["recurrence"] = normalize_rule(changes.recurrence) if changes.recurrence else None
    if "labels" in given:
        # Checked before anything is written: a bad label changes nothing.
        values["labelled"] = bool(label_service.clean_labels(changes.labels or []))
    completing = False
    if "status" in given:
        if changes.status is None:
            raise InvalidInputError("status must not be empty", "status")
        status = _status(changes.status)
        # Completing goes the way every completion goes: a repeating task moves on.
        completing = status == TaskStatus.COMPLETED
        if not completing:
            values.update(_status_values(status))
    task = (
        await _update_one(session, user_id, number, values)
        if values
        else await get_task(session, user_id, number)
    )
    if "labels" in given:
        await label_service.set_task_labels(session, task, changes.labels or [])
    if "recurrence" in given and task.recurrence:
        timezone = await _timezone_of(session, user_id)
        due_at = task.due_at or first_occurrence(
            # Made to repeat with no due date: due at the rule's first occurrence.
            task.recurrence,
            timezone,
            now=datetime.now(UTC),
            at=END_OF_DAY,
        )
        rule = anchored(task.recurrence, due_at, timezone) if due_at else task.recurrence
        if (rule, due_at) != (task.recurrence, task.due_at):
            task = await _update_one(
                session, user_id, number, {"due_at": due_at, "recurrence": rule}
            )
    if completing:
        return await set_task_completed(session, user_id, number, True)
    return task


def status_for(completed: bool) -> TaskStatus:
    """The status that `completed: true|false` stands for."""
    return TaskStatus.COMPLETED if completed else TaskStatus.PENDING


async def set_task_completed(
    session: AsyncSession, user_id: str, number: int, completed: bool | None
) -> Task:
    """Mark the task completed, or reopen it (back to pending); None toggles it.

    One UPDATE decides from the row's current status, so concurrent toggles each
    flip what the one before them left, and nothing is lost between a read and a
    write. A task already in the wanted state is left exactly as it was.
    """
    is_completed = col(Task.status) == TaskStatus.COMPLETED
    if completed is None:
        status: Any = case(
            (is_completed, TaskStatus.PENDING.value), else_=TaskStatus.COMPLETED.value
        )
        completed_at: Any = case((is_completed, None), else_=utcnow())
        updated_at: Any = utcnow()
    elif completed:
        status = TaskStatus.COMPLETED.value
        completed_at = case((is_completed, col(Task.completed_at)), else_=utcnow())
        updated_at = case((is_completed, col(Task.updated_at)), else_=utcnow())
    else:
        status = case((is_completed, TaskStatus.PENDING.value), else_=col(Task.status))
        completed_at = None
        updated_at = case((is_completed, utcnow()), else_=col(Task.updated_at))
    values = {"status": status, "completed_at": completed_at, "updated_at": updated_at}
    task = await _update_one(
        session, user_id, number, values, only_if=col(Task.recurrence).is_(None), missing_ok=True
    )
    if task is not None:
        return task
    # The task repeats (or does not exist): take its row first, then decide from it.
    task = await _update_one(session, user_id, number, {"updated_at": col(Task.updated_at)})
    moving_on = completed is not False and task.status != TaskStatus.COMPLETED
    if moving_on and task.recurrence:
        following = await _next_due(session, task)
        if following is not None:
            return await _update_one(
                session,
                user_id,
                number,
                {"due_at": following, "status": TaskStatus.PENDING.value, "completed_at": None},
            )
    # Not moving on, or the series has ended (COUNT, UNTIL): as for any task.
    return await _update_one(session, user_id, number, values)


async def _timezone_of(session: AsyncSession, user_id: str) -> str:
    return str((await session.exec(select(User.timezone).where(col(User.id) == user_id))).one())


async def _next_due(session: AsyncSession, task: Task) -> datetime | None:
    """The next occurrence of a repeating task, in its owner's time zone."""
    timezone = await _timezone_of(session, task.user_id)
    now = datetime.now(UTC)
    return next_occurrence(task.recurrence or "", task.due_at or now, timezone, now=now)


async def delete_task(session: AsyncSession, user_id: str, number: int) -> Task:
    """Delete the task; returns it as it was. Its number is never reused."""
    statement = (
        delete(Task)
        .where(col(Task.user_id) == user_id, col(Task.number) == number)
        .returning(Task)
        .execution_options(synchronize_session=False)
    )
    task: Task | None = (await session.exec(statement)).scalar_one_or_none()
    if task is None:
        raise NotFoundError(f"task {number} not found")
    return task


@overload
async def _update_one(
    session: AsyncSession,
    user_id: str,
    number: int,
    values: dict[str, Any],
    *,
    only_if: ColumnElement[bool] | None = None,
    missing_ok: Literal[False] = False,
) -> Task: ...


@overload
async def _update_one(
    session: AsyncSession,
    user_id: str,
    number: int,
    values: dict[str, Any],
    *,
    only_if: ColumnElement[bool] | None = None,
    missing_ok: Literal[True],
) -> Task | None: ...


async def _update_one(
    session: AsyncSession,
    user_id: str,
    number: int,
    values: dict[str, Any],
    *,
    only_if: ColumnElement[bool] | None = None,
    missing_ok: bool = False,
) -> Task | None:
    """UPDATE the user's task `number` (when `only_if` holds) with `values` and return
    the row as stored; a missing task is NotFoundError, or None if `missing_ok`."""
    conditions = [col(Task.user_id) == user_id, col(Task.number) == number]
    if only_if is not None:
        conditions.append(only_if)
    statement = (
        update(Task)
        .where(*conditions)
        .values(values)
        .returning(Task)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    task: Task | None = (await session.exec(statement)).scalar_one_or_none()
    if task is None and not missing_ok:
        raise NotFoundError(f"task {number} not found")
    return task


def _status_values(status: TaskStatus) -> dict[str, Any]:
    """The columns a status change sets: completed_at is kept while the task stays
    completed, set when it becomes completed, cleared otherwise."""
    if status != TaskStatus.COMPLETED:
        return {"status": status, "completed_at": None}
    still_completed = col(Task.status) == TaskStatus.COMPLETED
    return {
        "status": status,
        "completed_at": case((still_completed, col(Task.completed_at)), else_=utcnow()),
    }


def _status(value: str) -> TaskStatus:
    try:
        return TaskStatus(value)
    except ValueError as exc:
        allowed = ", ".join(s.value for s in TaskStatus)
        raise InvalidInputError(f"status must be one of {allowed}", "status") from exc


def _aware(value: datetime | None, field: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise InvalidInputError(f"{field} must include a time zone", field)
    return value
