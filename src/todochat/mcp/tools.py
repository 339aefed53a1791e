"""The five task tools on an MCP server: thin wrappers that give each tool function
its schema, a unit of work and the acting user, and turn failures into tool errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat import tools
from todochat.db import DATABASE_UNAVAILABLE, Database
from todochat.errors import RateLimitedError, TodochatError
from todochat.mcp.outage import note_database_unavailable
from todochat.models import User
from todochat.security.scopes import WRITE
from todochat.services import auth, users
from todochat.tools import ListStatus, Priority, TaskChange, TaskItem

ResultT = TypeVar("ResultT")
# Who the current call acts for: read from the call's authenticated context.
ActingUser = Callable[[Context], str | None]
# The version of the call's own token (None when there is no token to revoke).
TokenVersion = Callable[[Context], int | None]
# What the call's token may do (None: everything; see security/scopes.py).
TokenScopes = Callable[[Context], tuple[str, ...] | None]
# Run in each call's unit of work with the acting user's id, before the tool (the
# per-user rate limit at /mcp); a TodochatError it raises becomes the call's tool error.
BeforeCall = Callable[[AsyncSession, str], Awaitable[None]]

TaskNumber = Annotated[
    int, Field(ge=1, le=2**31 - 1, description="The task's number, as shown by list_tasks.")
]
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


def _no_token(_ctx: Context) -> int | None:
    return None


def _every_scope(_ctx: Context) -> tuple[str, ...] | None:
    return None


# The tools that change nothing: all a token without tasks:write may call.
_READING_TOOLS: frozenset[Callable[..., Awaitable[Any]]] = frozenset({tools.list_tasks})


def register_task_tools(
    server: MCPServer,
    database: Database,
    acting_user: ActingUser,
    token_version: TokenVersion = _no_token,
    before_call: BeforeCall | None = None,
    token_scopes: TokenScopes = _every_scope,
) -> None:
    """Add the five tools to `server`; each call is one unit of work on `database`,
    acting for the user `acting_user` finds in the call's context (refused if
    `token_version` finds a token revoked since), after `before_call` (the per-user
    rate limit, if any) let it through. A token whose `token_scopes` lack
    tasks:write may only call the tools that change nothing."""

    async def run(
        ctx: Context,
        claimed_user_id: str | None,
        tool: Callable[..., Awaitable[ResultT]],
        **arguments: Any,
    ) -> ResultT:
        user_id = acting_user(ctx)
        if user_id is None:
            raise ToolError("not authenticated: tools act for an authenticated user only")
        if claimed_user_id not in (None, "", "me", user_id):
            raise ToolError("user_id does not match the authenticated user: refused")
        granted = token_scopes(ctx)
        if granted is not None and WRITE not in granted and tool not in _READING_TOOLS:
            raise ToolError(f"insufficient scope: this token lacks {WRITE}")
        try:
            async with database.session() as session:
                if before_call is not None:
                    await before_call(session, user_id)
                user = await _acting(session, user_id, token_version(ctx))
                return await tool(session, user, **arguments)
        except RateLimitedError as exc:
            # A tool error (isError) rather than an HTTP 429: MCP clients hand tool
            # errors to the model, which can wait and retry; many fail on a 429.
            raise ToolError(f"{exc.message} (retry after {exc.retry_after} s)") from exc
        except TodochatError as exc:
            raise ToolError(exc.message) from exc
        except DATABASE_UNAVAILABLE as exc:
            note_database_unavailable(exc)  # over HTTP: 503 with Retry-After
            raise ToolError("the database is unavailable, try again shortly") from exc

    @server.tool(annotations=ToolAnnotations(title="Add a task", destructive_hint=False))
    async def add_task(
        ctx: Context,
        title: Annotated[str, Field(description="What to do, short.", max_length=1000)],
        description: Annotated[
            str | None, Field(description="Optional details.", max_length=10_000)
        ] = None,
        priority: Annotated[Priority | None, Field(description="Default: medium.")] = None,
        due_date: DueDate = None,
        user_id: UserIdArgument = None,
    ) -> TaskChange:
        """Add a task to the user's todo list. Returns its number."""
        return await run(
            ctx,
            user_id,
            tools.add_task,
            title=title,
            description=description,
            priority=priority,
            due_date=due_date,
        )

    @server.tool(annotations=ToolAnnotations(title="List tasks", read_only_hint=True))
    async def list_tasks(
        ctx: Context,
        status: Annotated[
            ListStatus, Field(description="'pending' means not completed yet.")
        ] = "all",
        query: Annotated[
            str | None, Field(description="Only tasks whose title or description contain it.")
        ] = None,
        limit: Annotated[int, Field(ge=1, le=200, description="At most this many.")] = 50,
        user_id: UserIdArgument = None,
    ) -> list[TaskItem]:
        """List the user's tasks, oldest first."""
        return await run(ctx, user_id, tools.list_tasks, status=status, query=query, limit=limit)

    @server.tool(annotations=ToolAnnotations(title="Complete a task", idempotent_hint=True))
    async def complete_task(
        ctx: Context, task_id: TaskNumber, user_id: UserIdArgument = None
    ) -> TaskChange:
        """Mark one task as completed."""
        return await run(ctx, user_id, tools.complete_task, task_id=task_id)

    @server.tool(annotations=ToolAnnotations(title="Delete a task", destructive_hint=True))
    async def delete_task(
        ctx: Context, task_id: TaskNumber, user_id: UserIdArgument = None
    ) -> TaskChange:
        """Delete one task for good."""
        return await run(ctx, user_id, tools.delete_task, task_id=task_id)

    @server.tool(annotations=ToolAnnotations(title="Update a task", destructive_hint=False))
    async def update_task(
        ctx: Context,
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
        return await run(
            ctx,
            user_id,
            tools.update_task,
            task_id=task_id,
            title=title,
            description=description,
            priority=priority,
            due_date=due_date,
        )


async def _acting(session: AsyncSession, user_id: str, version: int | None) -> User:
    try:
        user = await users.get_user(session, user_id)
    except TodochatError as exc:
        raise ToolError("not authenticated: the account no longer exists") from exc
    try:
        auth.check_token_version(user, version)
    except TodochatError as exc:
        raise ToolError(f"not authenticated: {exc.message}") from exc
    return user
