"""The five task tools as plain async functions over (session, acting user, arguments).

They are the one definition of what each tool does. The MCP server exposes them to
outside clients (and to the LLM agent); the built-in agent calls them directly inside
its turn's transaction. Each returns a typed result; a rule broken or a task not
found raises the package's own error (`TodochatError`), which every caller turns into
a clean tool error.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.errors import InvalidInputError
from todochat.models import Task, TaskPriority, TaskStatus, User
from todochat.services import tasks
from todochat.services.dates import in_timezone, is_clearing, parse_due
from todochat.services.tasks import StatusFilter, TaskChanges

Priority = Literal["low", "medium", "high", "urgent"]
ListStatus = Literal["all", "pending", "completed"]
TOOL_NAMES = ("add_task", "list_tasks", "complete_task", "delete_task", "update_task")
LIST_DEFAULT_LIMIT = 50


class TaskChange(BaseModel):
    """What a tool did to one task."""

    task_id: int = Field(description="The task's number.")
    status: Literal["created", "completed", "deleted", "updated"]
    title: str


class TaskItem(BaseModel):
    """A task as list_tasks shows it."""

    id: int = Field(description="The task's number.")
    title: str
    description: str | None
    completed: bool
    status: str
    priority: str
    due_date: datetime | None = Field(description="In the user's time zone.")

    @classmethod
    def of(cls, task: Task, timezone: str) -> TaskItem:
        """The task as listed, its due date shown in `timezone`."""
        return cls(
            id=task.number,
            title=task.title,
            description=task.description,
            completed=task.completed,
            status=task.status,
            priority=task.priority,
            due_date=in_timezone(task.due_at, timezone),
        )


_STATUS_FILTERS: dict[str, StatusFilter] = {
    "all": "all",
    "pending": "open",
    "completed": TaskStatus.COMPLETED,
}


def _due(value: str | None, user: User) -> datetime | None:
    return None if value is None or is_clearing(value) else parse_due(value, user.timezone)


async def add_task(
    session: AsyncSession,
    user: User,
    *,
    title: str,
    description: str | None = None,
    priority: Priority | None = None,
    due_date: str | None = None,
) -> TaskChange:
    """Add a task to the user's list; its number comes back as `task_id`."""
    task = await tasks.create_task(
        session,
        user.id,
        title=title,
        description=description,
        priority=TaskPriority(priority or "medium"),
        due_at=_due(due_date, user),
    )
    return TaskChange(task_id=task.number, status="created", title=task.title)


async def list_tasks(
    session: AsyncSession,
    user: User,
    *,
    status: ListStatus = "all",
    query: str | None = None,
    limit: int = LIST_DEFAULT_LIMIT,
) -> list[TaskItem]:
    """The user's tasks, oldest first; 'pending' means not completed yet."""
    if status not in _STATUS_FILTERS:
        raise InvalidInputError("status must be one of all, pending, completed", "status")
    page = await tasks.list_tasks(
        session, user.id, status=_STATUS_FILTERS[status], query=query, limit=limit
    )
    return [TaskItem.of(task, user.timezone) for task in page.items]


async def complete_task(session: AsyncSession, user: User, *, task_id: int) -> TaskChange:
    """Mark one task as completed."""
    task = await tasks.set_task_completed(session, user.id, task_id, True)
    return TaskChange(task_id=task.number, status="completed", title=task.title)


async def delete_task(session: AsyncSession, user: User, *, task_id: int) -> TaskChange:
    """Delete one task for good."""
    task = await tasks.delete_task(session, user.id, task_id)
    return TaskChange(task_id=task.number, status="deleted", title=task.title)


async def update_task(
    session: AsyncSession,
    user: User,
    *,
    task_id: int,
    title: str | None = None,
    description: str | None = None,
    priority: Priority | None = None,
    due_date: str | None = None,
) -> TaskChange:
    """Change a task's title, description, priority or due date; only the arguments
    given change. A due date of 'none' removes it."""
    changes = TaskChanges()
    if title is not None:
        changes.title = title
    if description is not None:
        changes.description = description
    if priority is not None:
        changes.priority = TaskPriority(priority)
    if due_date is not None:
        changes.due_at = _due(due_date, user)
    if not changes.model_fields_set:
        raise InvalidInputError(
            "nothing to change: give a title, description, priority or due_date"
        )
    task = await tasks.update_task(session, user.id, task_id, changes)
    return TaskChange(task_id=task.number, status="updated", title=task.title)


ToolResult = TaskChange | list[TaskItem]
TOOL_FUNCTIONS: dict[str, Any] = {
    "add_task": add_task,
    "list_tasks": list_tasks,
    "complete_task": complete_task,
    "delete_task": delete_task,
    "update_task": update_task,
}


def result_as_json(result: ToolResult) -> Any:
    """A tool result as plain JSON values (what MCP clients receive)."""
    if isinstance(result, list):
        return [item.model_dump(mode="json") for item in result]
    return result.model_dump(mode="json")
