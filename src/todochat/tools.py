"""The five task tools as plain async functions over (session, acting user, arguments).

They are the one definition of what each tool does. The MCP server exposes them to
outside clients (and to the LLM agent); the built-in agent calls them directly inside
its turn's transaction. Each returns a typed result; a rule broken or a task not
found raises the package's own error (`TodochatError`), which every caller turns into
a clean tool error.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.errors import InvalidInputError, TodochatError
from todochat.models import Task, TaskPriority, TaskStatus, User
from todochat.services import labels as label_service
from todochat.services import tasks as task_service
from todochat.services.dates import in_timezone, is_clearing, parse_due
from todochat.services.limits import PAGE_MAX_LIMIT, clean_description, clean_title
from todochat.services.recurrence import describe_rule, schedule
from todochat.services.tasks import StatusFilter, TaskChanges

Priority = Literal["low", "medium", "high", "urgent"]
# "pending" keeps its original meaning, "not completed yet" (pending or in progress).
ListStatus = Literal["all", "pending", "in_progress", "completed", "archived"]
# What update_task may set: "pending" reopens a task.
SetStatus = Literal["pending", "in_progress", "completed", "archived"]
SET_STATUSES: tuple[str, ...] = ("pending", "in_progress", "completed", "archived")
TOOL_NAMES = ("add_task", "list_tasks", "complete_task", "delete_task", "update_task")
LIST_DEFAULT_LIMIT = 50
LIST_MAX_LIMIT = PAGE_MAX_LIMIT
# One add_task call adds at most this many tasks (all of them or none).
BATCH_MAX = 50


class StoredTask(BaseModel):
    """A task as stored after a change, its due date in UTC and in the user's zone."""

    number: int = Field(description="The task's number (its task_id).")
    title: str
    description: str | None
    status: TaskStatus
    priority: TaskPriority
    completed: bool
    due_at: datetime | None = Field(description="Due date in UTC (ISO 8601).")
    due_local: datetime | None = Field(description="The same moment in the user's time zone.")
    completed_at: datetime | None = Field(description="When it was completed, in UTC.")
    # Left out when the task doesn't repeat: results keep their original shape.
    repeats: str | None = Field(
        default=None,
        description='How it repeats ("every Monday"); completing moves it on.',
        exclude_if=lambda value: value is None,
    )

    labels: list[str] = Field(
        default_factory=list,
        description="Its labels.",
        exclude_if=lambda value: not value,
    )

    @classmethod
    def of(cls, task: Task, timezone: str, labels: Sequence[str] = ()) -> StoredTask:
        """The task as stored; `timezone` is the user's."""
        return cls(
            number=task.number,
            title=task.title,
            description=task.description,
            status=TaskStatus(task.status),
            priority=TaskPriority(task.priority),
            completed=task.completed,
            due_at=task.due_at.astimezone(UTC) if task.due_at is not None else None,
            due_local=in_timezone(task.due_at, timezone),
            completed_at=(
                task.completed_at.astimezone(UTC) if task.completed_at is not None else None
            ),
            repeats=_repeats(task),
            labels=list(labels),
        )


class TaskChange(BaseModel):
    """What a tool did to one task: the original three fields, and the task as stored."""

    task_id: int = Field(description="The task's number.")
    status: Literal["created", "completed", "deleted", "updated"]
    title: str
    task: StoredTask = Field(description="The task as stored after the change.")

    @classmethod
    def of(
        cls,
        task: Task,
        status: Literal["created", "completed", "deleted", "updated"],
        tz: str,
        labels: Sequence[str] = (),
    ) -> TaskChange:
        """The change `status` done to `task`; `tz` is the user's time zone."""
        stored = StoredTask.of(task, tz, labels)
        return cls(task_id=task.number, status=status, title=task.title, task=stored)


class TasksAdded(TaskChange):
    """What add_task did: `task_id`, `title` and `task` are the first task added, `tasks`
    every task added (one, or each of a batch in order)."""

    tasks: list[StoredTask] = Field(description="Every task added, in order.")


class NewTask(BaseModel):
    """One task of a batch given to add_task."""

    title: str = Field(description="What to do, short.", max_length=1000)
    description: str | None = Field(default=None, description="Details.", max_length=10_000)
    priority: Priority | None = Field(default=None, description="Default: medium.")
    due_date: str | None = Field(
        default=None, description="ISO or plain words, as for a single task.", max_length=100
    )
    repeat: str | None = Field(default=None, description="As for a single task.", max_length=200)
    labels: list[str] | None = Field(default=None, description="As for a single task.")


class TaskItem(BaseModel):
    """A task as list_tasks shows it."""

    id: int = Field(description="The task's number.")
    title: str
    description: str | None
    completed: bool
    status: str
    priority: str
    due_date: datetime | None = Field(description="In the user's time zone.")
    repeats: str | None = Field(
        default=None,
        description='"every Monday", if it repeats.',
        exclude_if=lambda value: value is None,
    )

    labels: list[str] = Field(
        default_factory=list, description="Its labels.", exclude_if=lambda value: not value
    )

    @classmethod
    def of(cls, task: Task, timezone: str, labels: Sequence[str] = ()) -> TaskItem:
        """The task as listed, its due date shown in `timezone`."""
        return cls(
            id=task.number,
            title=task.title,
            description=task.description,
            completed=task.completed,
            status=task.status,
            priority=task.priority,
            due_date=in_timezone(task.due_at, timezone),
            repeats=_repeats(task),
            labels=list(labels),
        )


class TaskListing(BaseModel):
    """One page of list_tasks."""

    tasks: list[TaskItem]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


_STATUS_FILTERS: dict[str, StatusFilter] = {
    "all": "all",
    "pending": "open",
    "in_progress": TaskStatus.IN_PROGRESS,
    "completed": TaskStatus.COMPLETED,
    "archived": TaskStatus.ARCHIVED,
}


def _repeats(task: Task) -> str | None:
    return describe_rule(task.recurrence) if task.recurrence else None


def _due(value: str | None, user: User, field: str = "due_date") -> datetime | None:
    if value is None or is_clearing(value):
        return None
    return parse_due(value, user.timezone, field=field)


async def add_task(
    session: AsyncSession,
    user: User,
    *,
    title: str | None = None,
    description: str | None = None,
    priority: Priority | None = None,
    due_date: str | None = None,
    repeat: str | None = None,
    labels: Sequence[str] | None = None,
    tasks: Sequence[NewTask | dict[str, Any]] | None = None,
) -> TasksAdded:
    """Add one task (`title` …) or several (`tasks`, 1 to BATCH_MAX, all or nothing);
    their numbers come back as `task_id` and in `tasks`."""
    if (title is None) == (tasks is None):
        raise InvalidInputError("give either a title (one task) or tasks (several), not both")
    if tasks is None:
        # Not validated as a NewTask: the service's own checks give the usual messages.
        items = [
            NewTask.model_construct(
                title=title or "",
                description=description,
                priority=priority,
                due_date=due_date,
                repeat=repeat,
                labels=list(labels) if labels is not None else None,
            )
        ]
    else:
        if any(value is not None for value in (description, priority, due_date, repeat, labels)):
            raise InvalidInputError(
                "with tasks, give description, priority, due_date, repeat and labels inside "
                "each item"
            )
        if not 1 <= len(tasks) <= BATCH_MAX:
            raise InvalidInputError(f"tasks must hold 1 to {BATCH_MAX} items", "tasks")
        items = [_new_task(item, index) for index, item in enumerate(tasks)]
    # Every item is checked before the first is created, so one bad item refuses the
    # whole call with nothing written (the unit of work rolls back on any later failure).
    batch = tasks is not None
    prepared = [_prepared(item, user, index if batch else None) for index, item in enumerate(items)]
    created = [await task_service.create_task(session, user.id, **values) for values in prepared]
    names = await label_service.labels_of(session, created)
    stored = [StoredTask.of(task, user.timezone, names[task.id]) for task in created]
    first = created[0]
    return TasksAdded(
        task_id=first.number, status="created", title=first.title, task=stored[0], tasks=stored
    )


def _new_task(item: NewTask | dict[str, Any], index: int) -> NewTask:
    if isinstance(item, NewTask):
        return item
    try:
        return NewTask.model_validate(item)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'item'}: {error['msg']}"
            for error in exc.errors()
        )
        raise InvalidInputError(f"tasks[{index}]: {problems}; nothing was added", "tasks") from exc


def _prepared(item: NewTask, user: User, index: int | None) -> dict[str, Any]:
    """The create_task arguments for `item`, checked; an error names the item's index."""
    try:
        due_at = _due(item.due_date, user)
        recurrence = None
        if item.repeat and not is_clearing(item.repeat):
            recurrence, due_at = _schedule(item.repeat, due_at, user)
        return {
            "title": clean_title(item.title),
            "description": clean_description(item.description),
            "priority": TaskPriority(item.priority or "medium"),
            "due_at": due_at,
            "recurrence": recurrence,
            "labels": label_service.clean_labels(item.labels or []),
        }
    except TodochatError as exc:
        if index is None:
            raise
        raise InvalidInputError(
            f"tasks[{index}]: {exc.message}; nothing was added", "tasks"
        ) from exc


def _schedule(repeat: str, due_at: datetime | None, user: User) -> tuple[str, datetime | None]:
    """The RRULE `repeat` says and the due date to start from (services/recurrence)."""
    return schedule(repeat, due_at, user.timezone, now=datetime.now(UTC))


async def list_tasks(
    session: AsyncSession,
    user: User,
    *,
    status: ListStatus = "all",
    query: str | None = None,
    due_before: str | None = None,
    due_after: str | None = None,
    overdue: bool = False,
    priority: Priority | None = None,
    limit: int = LIST_DEFAULT_LIMIT,
    cursor: str | None = None,
    now: datetime | None = None,
    label: str | None = None,
) -> TaskListing:
    """One page of the user's tasks, oldest first, matching every filter given.

    'pending' means not completed yet (pending or in progress). `due_before` and
    `due_after` are strict, as on the REST list; a day alone means the end of that day
    in the user's zone. `overdue` keeps open tasks whose due date has passed."""
    if status not in _STATUS_FILTERS:
        allowed = ", ".join(_STATUS_FILTERS)
        raise InvalidInputError(f"status must be one of {allowed}", "status")
    if not 1 <= limit <= LIST_MAX_LIMIT:
        raise InvalidInputError(f"limit must be between 1 and {LIST_MAX_LIMIT}", "limit")
    status_filter = _STATUS_FILTERS[status]
    before = _due(due_before, user, "due_before")
    if overdue:
        # Overdue is about work still to do: a completed or archived task is never late.
        if status not in ("all", "pending", "in_progress"):
            raise InvalidInputError("overdue lists tasks not done yet: use status all or pending")
        status_filter = "open" if status_filter == "all" else status_filter
        moment = now or datetime.now(UTC)
        before = moment if before is None else min(before, moment)
    page = await task_service.list_tasks(
        session,
        user.id,
        status=status_filter,
        priority=TaskPriority(priority) if priority is not None else None,
        query=query,
        due_before=before,
        due_after=_due(due_after, user, "due_after"),
        limit=limit,
        cursor=cursor,
        labels=[label] if label else (),
    )
    names = await label_service.labels_of(session, page.items)
    return TaskListing(
        tasks=[TaskItem.of(task, user.timezone, names[task.id]) for task in page.items],
        next_cursor=page.next_cursor,
    )


async def complete_task(session: AsyncSession, user: User, *, task_id: int) -> TaskChange:
    """Mark one task as completed; a repeating one moves on to its next due date."""
    task = await task_service.set_task_completed(session, user.id, task_id, True)
    return TaskChange.of(task, "completed", user.timezone, await _labels(session, task))


async def delete_task(session: AsyncSession, user: User, *, task_id: int) -> TaskChange:
    """Delete one task for good; the result shows it as it was."""
    # Its labels as it was: deleting the task takes them off.
    labels = await _labels(session, await task_service.get_task(session, user.id, task_id))
    task = await task_service.delete_task(session, user.id, task_id)
    return TaskChange.of(task, "deleted", user.timezone, labels)


async def update_task(
    session: AsyncSession,
    user: User,
    *,
    task_id: int,
    title: str | None = None,
    description: str | None = None,
    priority: Priority | None = None,
    due_date: str | None = None,
    status: SetStatus | None = None,
    repeat: str | None = None,
    labels: Sequence[str] | None = None,
    add_labels: Sequence[str] | None = None,
    remove_labels: Sequence[str] | None = None,
) -> TaskChange:
    """Change a task's title, description, priority, due date, status or repeat; only
    the arguments given change. A due date of 'none' removes it, a repeat of 'never'
    stops it; status 'pending' reopens a task (completed_at follows the status)."""
    changes = TaskChanges()
    if title is not None:
        changes.title = title
    if description is not None:
        changes.description = description
    if priority is not None:
        changes.priority = TaskPriority(priority)
    if due_date is not None:
        changes.due_at = _due(due_date, user)
    if repeat is not None:
        if is_clearing(repeat):
            changes.recurrence = None
        else:
            given_due = changes.due_at if due_date is not None else None
            changes.recurrence, start = _schedule(repeat, given_due, user)
            if due_date is not None:
                changes.due_at = start
    if labels is not None or add_labels or remove_labels:
        current = labels
        if current is None:
            current = await _labels(session, await task_service.get_task(session, user.id, task_id))
        removed = {label_service.label_key(name) for name in remove_labels or []}
        kept = [name for name in current if label_service.label_key(name) not in removed]
        changes.labels = [*kept, *(add_labels or [])]
    if status is not None:
        if status not in SET_STATUSES:
            raise InvalidInputError(f"status must be one of {', '.join(SET_STATUSES)}", "status")
        changes.status = TaskStatus(status)
    if not changes.model_fields_set:
        raise InvalidInputError(
            "nothing to change: give a title, description, priority, due_date, status, "
            "repeat or labels"
        )
    task = await task_service.update_task(session, user.id, task_id, changes)
    return TaskChange.of(task, "updated", user.timezone, await _labels(session, task))


async def _labels(session: AsyncSession, task: Task) -> list[str]:
    return (await label_service.labels_of(session, [task]))[task.id]


ToolResult = TaskChange | TaskListing
TOOL_FUNCTIONS: dict[str, Any] = {
    "add_task": add_task,
    "list_tasks": list_tasks,
    "complete_task": complete_task,
    "delete_task": delete_task,
    "update_task": update_task,
}


def result_as_json(result: ToolResult) -> Any:
    """A tool result as plain JSON values (what MCP clients receive)."""
    return result.model_dump(mode="json")
