"""The five task tools, defined once for outside MCP clients and for the agents."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import BaseModel, Field
from sqlalchemy import exc as sa_exc
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.db import Database
from todochat.errors import TodochatError
from todochat.mcp.auth import acting_user_id
from todochat.models import Task, TaskPriority, TaskStatus, User
from todochat.services import tasks, users
from todochat.services.dates import in_timezone, is_clearing, parse_due
from todochat.services.tasks import StatusFilter, TaskChanges

TaskNumber = Annotated[
    int, Field(ge=1, le=2**31 - 1, description="The task's number, as shown by list_tasks.")
]
Priority = Literal["low", "medium", "high", "urgent"]
UserIdArgument = Annotated[
    str | None,
    Field(
        description="Optional. The acting user is the authenticated one; if given, it "
        "must be that user's id.",
        max_length=64,
    ),
]
DueDate = Annotated[
    str | None,
    Field(
        description="When it is due: an ISO date or datetime, or plain words such as "
        "'tomorrow', 'next friday 5pm', 'in 3 days' (in the user's time zone). "
        "A day without a time means the end of that day.",
        max_length=100,
    ),
]


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
        return cls(
            id=task.number,
            title=task.title,
            description=task.description,
            completed=task.completed,
            status=task.status,
            priority=task.priority,
            due_date=in_timezone(task.due_at, timezone),
        )


@asynccontextmanager
async def acting_user(
    database: Database, claimed_user_id: str | None
) -> AsyncIterator[tuple[AsyncSession, User]]:
    """A session and the authenticated user, with every failure turned into a clean
    tool error the model (or the person) can read."""
    user_id = acting_user_id()
    if user_id is None:
        raise ToolError("not authenticated: tools act for an authenticated user only")
    if claimed_user_id not in (None, "", "me", user_id):
        raise ToolError("user_id does not match the authenticated user: refused")
    try:
        async with database.session() as session:
            user = await users.get_user(session, user_id)
            yield session, user
    except TodochatError as exc:
        raise ToolError(exc.message) from exc
    except (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError, OSError) as exc:
        raise ToolError("the database is unavailable, try again shortly") from exc


_STATUS_FILTERS: dict[str, StatusFilter] = {
    "all": "all",
    "pending": "open",
    "completed": TaskStatus.COMPLETED,
}


def _due(value: str | None, user: User) -> datetime | None:
    return None if value is None or is_clearing(value) else parse_due(value, user.timezone)


def register_task_tools(server: MCPServer, database: Database) -> None:
    """Add the five tools to `server`; each opens its own session on `database`."""

    @server.tool(annotations=ToolAnnotations(title="Add a task", destructive_hint=False))
    async def add_task(
        title: Annotated[str, Field(description="What to do, short.", max_length=1000)],
        description: Annotated[
            str | None, Field(description="Optional details.", max_length=10_000)
        ] = None,
        priority: Annotated[Priority | None, Field(description="Default: medium.")] = None,
        due_date: DueDate = None,
        user_id: UserIdArgument = None,
    ) -> TaskChange:
        """Add a task to the user's todo list. Returns its number."""
        async with acting_user(database, user_id) as (session, user):
            task = await tasks.create_task(
                session,
                user.id,
                title=title,
                description=description,
                priority=TaskPriority(priority or "medium"),
                due_at=_due(due_date, user),
            )
            return TaskChange(task_id=task.number, status="created", title=task.title)

    @server.tool(annotations=ToolAnnotations(title="List tasks", read_only_hint=True))
    async def list_tasks(
        status: Annotated[
            Literal["all", "pending", "completed"],
            Field(description="'pending' means not completed yet."),
        ] = "all",
        query: Annotated[
            str | None, Field(description="Only tasks whose title or description contain it.")
        ] = None,
        limit: Annotated[int, Field(ge=1, le=200, description="At most this many.")] = 50,
        user_id: UserIdArgument = None,
    ) -> list[TaskItem]:
        """List the user's tasks, oldest first."""
        async with acting_user(database, user_id) as (session, user):
            page = await tasks.list_tasks(
                session,
                user.id,
                status=_STATUS_FILTERS[status],
                query=query,
                limit=limit,
            )
            return [TaskItem.of(task, user.timezone) for task in page.items]

    @server.tool(annotations=ToolAnnotations(title="Complete a task", idempotent_hint=True))
    async def complete_task(task_id: TaskNumber, user_id: UserIdArgument = None) -> TaskChange:
        """Mark one task as completed."""
        async with acting_user(database, user_id) as (session, user):
            task = await tasks.set_task_completed(session, user.id, task_id, True)
            return TaskChange(task_id=task.number, status="completed", title=task.title)

    @server.tool(annotations=ToolAnnotations(title="Delete a task", destructive_hint=True))
    async def delete_task(task_id: TaskNumber, user_id: UserIdArgument = None) -> TaskChange:
        """Delete one task for good."""
        async with acting_user(database, user_id) as (session, user):
            task = await tasks.delete_task(session, user.id, task_id)
            return TaskChange(task_id=task.number, status="deleted", title=task.title)

    @server.tool(annotations=ToolAnnotations(title="Update a task", destructive_hint=False))
    async def update_task(
        task_id: TaskNumber,
        title: Annotated[str | None, Field(description="New title.", max_length=1000)] = None,
        description: Annotated[
            str | None, Field(description="New details ('' clears them).", max_length=10_000)
        ] = None,
        priority: Annotated[Priority | None, Field(description="New priority.")] = None,
        due_date: Annotated[
            str | None,
            Field(
                description="New due date (ISO or plain words such as 'tomorrow'); "
                "'none' removes it.",
                max_length=100,
            ),
        ] = None,
        user_id: UserIdArgument = None,
    ) -> TaskChange:
        """Change a task's title, description, priority or due date. Only the
        arguments given are changed."""
        async with acting_user(database, user_id) as (session, user):
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
                raise ToolError(
                    "nothing to change: give a title, description, priority or due_date"
                )
            task = await tasks.update_task(session, user.id, task_id, changes)
            return TaskChange(task_id=task.number, status="updated", title=task.title)
