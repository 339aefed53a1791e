"""The five task tools on an MCP server: thin wrappers that give each tool function
its schema, annotations, a unit of work and the acting user, check the call's scope,
and turn failures into tool errors.

Each change returns a `CallToolResult` whose structured content is the tool
function's typed result (the output schema comes from the `Annotated` return type)
and whose text is one short sentence, so that a client showing text does not show a
JSON dump."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, Field, StringConstraints
from pydantic.json_schema import SkipJsonSchema
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat import tools
from todochat.db import DATABASE_UNAVAILABLE, Database
from todochat.errors import RateLimitedError, TodochatError
from todochat.mcp.outage import note_database_unavailable
from todochat.models import User
from todochat.security import scopes
from todochat.services import auth, users
from todochat.services.dates import END_OF_DAY
from todochat.tools import (
    BATCH_MAX,
    LIST_DEFAULT_LIMIT,
    LIST_MAX_LIMIT,
    ListStatus,
    NewTask,
    Priority,
    SetStatus,
    StoredTask,
    TaskChange,
    TaskListing,
    TasksAdded,
)

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
# The scopes the call's token grants; None means unrestricted (stdio, in-process, the
# server's own sign-in tokens).
GrantedScopes = Callable[[Context], frozenset[str] | None]

# The scope each tool needs; also what an HTTP-level 403 challenge names.
REQUIRED_SCOPE: dict[str, str] = {
    "add_task": scopes.WRITE,
    "list_tasks": scopes.READ,
    "complete_task": scopes.WRITE,
    "delete_task": scopes.WRITE,
    "update_task": scopes.WRITE,
}

TaskNumber = Annotated[
    int, Field(ge=1, le=2**31 - 1, description="The task's number, as shown by list_tasks.")
]
_USER_ID_FIELD = Field(
    description="Optional. The acting user is the authenticated one; if given, it "
    "must be that user's id.",
    max_length=64,
)
UserIdArgument = Annotated[str | None, _USER_ID_FIELD]
# Accepted and checked like UserIdArgument, but left out of the advertised input
# schema: models fill in every argument they see, and this one only costs tokens.
HiddenUserIdArgument = Annotated[str | None, _USER_ID_FIELD, SkipJsonSchema()]
DueDate = Annotated[
    str | None,
    Field(
        description="When it is due: an ISO date or datetime, or plain words such as "
        "'tomorrow', 'next friday 5pm', 'in 3 days' (in the user's time zone). "
        "A day without a time means the end of that day.",
        max_length=100,
    ),
]
Repeat = Annotated[
    str | None,
    Field(
        description="Makes it recurring: 'every monday', 'every 2 weeks', 'on the 1st of "
        "each month', 'every weekday at 9' or an RRULE; 'never' stops it.",
        max_length=200,
    ),
]
Labels = Annotated[
    list[Annotated[str, StringConstraints(max_length=100)]] | None,
    Field(max_length=20, description="Label names, e.g. ['home']; new ones are made."),
]
DueBound = Annotated[
    str | None,
    Field(
        description="ISO date/datetime or plain words ('friday'), in the user's time "
        "zone; a day alone means the end of that day. Strict bound.",
        max_length=100,
    ),
]


def _no_token(_ctx: Context) -> int | None:
    return None


def _unrestricted(_ctx: Context) -> frozenset[str] | None:
    return None


class CallRunner:
    """Runs one call as one unit of work for the authenticated user, after checking
    the scope it needs; every failure becomes a ToolError with a clean message.

    Shared by the tools and the resources (mcp/resources.py), so both follow the same
    acting-user, token, scope and rate-limit rules."""

    def __init__(
        self,
        database: Database,
        acting_user: ActingUser,
        token_version: TokenVersion = _no_token,
        before_call: BeforeCall | None = None,
        granted_scopes: GrantedScopes = _unrestricted,
    ) -> None:
        self.database = database
        self.acting_user = acting_user
        self.token_version = token_version
        self.before_call = before_call
        self.granted_scopes = granted_scopes

    async def __call__(
        self,
        ctx: Context,
        scope: str,
        claimed_user_id: str | None,
        work: Callable[..., Awaitable[ResultT]],
        **arguments: Any,
    ) -> ResultT:
        """`work(session, user, **arguments)` for the call's user, needing `scope`."""
        user_id = self.acting_user(ctx)
        if user_id is None:
            raise ToolError("not authenticated: tools act for an authenticated user only")
        if claimed_user_id not in (None, "", "me", user_id):
            raise ToolError("user_id does not match the authenticated user: refused")
        granted = self.granted_scopes(ctx)
        if granted is not None and scope not in granted:
            raise ToolError(f"insufficient scope: this token does not allow {scope}")
        try:
            async with self.database.session() as session:
                if self.before_call is not None:
                    await self.before_call(session, user_id)
                user = await _acting(session, user_id, self.token_version(ctx))
                return await work(session, user, **arguments)
        except RateLimitedError as exc:
            # A tool error (isError) rather than an HTTP 429: MCP clients hand tool
            # errors to the model, which can wait and retry; many fail on a 429.
            raise ToolError(f"{exc.message} (retry after {exc.retry_after} s)") from exc
        except TodochatError as exc:
            raise ToolError(exc.message) from exc
        except DATABASE_UNAVAILABLE as exc:
            note_database_unavailable(exc)  # over HTTP: 503 with Retry-After
            raise ToolError("the database is unavailable, try again shortly") from exc


def _annotations(
    title: str, *, read_only: bool = False, destructive: bool = False, idempotent: bool = False
) -> ToolAnnotations:
    # Every hint is spelt out: the spec's defaults (destructive, not idempotent,
    # open world) are the most cautious, and would be wrong for most of these tools.
    return ToolAnnotations(
        title=title,
        read_only_hint=read_only,
        destructive_hint=destructive,
        idempotent_hint=idempotent,
        open_world_hint=False,
    )


def _add(
    server: MCPServer,
    fn: Callable[..., Any],
    annotations: ToolAnnotations,
    advertise_user_id: bool,
) -> None:
    """Register `fn` as a tool, its `user_id` argument left out of the advertised
    schema unless `advertise_user_id`. The annotation is swapped before the SDK reads
    the signature (it evaluates string annotations only, so an object stays as is)."""
    fn.__annotations__["user_id"] = UserIdArgument if advertise_user_id else HiddenUserIdArgument
    # The docstring without its source indentation: every space costs the model tokens.
    server.add_tool(fn, description=inspect.cleandoc(fn.__doc__ or ""), annotations=annotations)


def _result(change: BaseModel, text: str) -> CallToolResult:
    """The structured result with a short human text instead of its JSON dump."""
    return CallToolResult(
        content=[TextContent(type="text", text=text)],
        structured_content=change.model_dump(mode="json"),
    )


def register_task_tools(
    server: MCPServer,
    database: Database,
    acting_user: ActingUser,
    token_version: TokenVersion = _no_token,
    before_call: BeforeCall | None = None,
    *,
    advertise_user_id: bool = False,
    granted_scopes: GrantedScopes = _unrestricted,
) -> CallRunner:
    """Add the five tools to `server`; each call is one unit of work on `database`,
    acting for the user `acting_user` finds in the call's context (refused if
    `token_version` finds a token revoked since, or `granted_scopes` lacks the tool's
    REQUIRED_SCOPE), after `before_call` (the per-user rate limit, if any) let it
    through. `user_id` is accepted on every tool, advertised only if
    `advertise_user_id`. Returns the runner, for the resources to share."""
    run = CallRunner(database, acting_user, token_version, before_call, granted_scopes)

    async def add_task(
        ctx: Context,
        title: Annotated[
            str | None, Field(description="What to do, short (one task).", max_length=1000)
        ] = None,
        description: Annotated[
            str | None, Field(description="Optional details.", max_length=10_000)
        ] = None,
        priority: Annotated[Priority | None, Field(description="Default: medium.")] = None,
        due_date: DueDate = None,
        repeat: Repeat = None,
        labels: Labels = None,
        tasks: Annotated[
            list[NewTask] | None,
            Field(
                min_length=1,
                max_length=BATCH_MAX,
                description=f"Several tasks at once instead of title (1 to {BATCH_MAX}); "
                "all are added or none.",
            ),
        ] = None,
        user_id: UserIdArgument = None,
    ) -> Annotated[CallToolResult, TasksAdded]:
        """Add tasks when the user wants something remembered or done later.
        Example: {"title": "Buy milk", "due_date": "tomorrow 5pm"}; several:
        {"tasks": [{"title": "Call mum"}, {"title": "Pay rent", "priority": "high"}]}."""
        added = await run(
            ctx,
            REQUIRED_SCOPE["add_task"],
            user_id,
            tools.add_task,
            title=title,
            description=description,
            priority=priority,
            due_date=due_date,
            repeat=repeat,
            labels=labels,
            tasks=tasks,
        )
        return _result(added, _added_text(added.tasks))

    async def list_tasks(
        ctx: Context,
        status: Annotated[
            ListStatus, Field(description="'pending' means not completed yet.")
        ] = "all",
        query: Annotated[
            str | None,
            Field(description="Only tasks whose title or description contain it.", max_length=200),
        ] = None,
        due_before: DueBound = None,
        due_after: DueBound = None,
        overdue: Annotated[
            bool, Field(description="Only unfinished tasks whose due date has passed.")
        ] = False,
        priority: Annotated[Priority | None, Field(description="Only this priority.")] = None,
        label: Annotated[
            str | None, Field(description="Only tasks with this label.", max_length=100)
        ] = None,
        limit: Annotated[
            int, Field(ge=1, le=LIST_MAX_LIMIT, description="At most this many.")
        ] = LIST_DEFAULT_LIMIT,
        cursor: Annotated[
            str | None,
            Field(description="next_cursor of the previous page, for the next.", max_length=500),
        ] = None,
        user_id: UserIdArgument = None,
    ) -> Annotated[CallToolResult, TaskListing]:
        """List the user's tasks (oldest first) to answer questions or to find a task's
        number before changing it. Example: {"status": "pending", "due_before": "friday"}."""
        listing = await run(
            ctx,
            REQUIRED_SCOPE["list_tasks"],
            user_id,
            tools.list_tasks,
            status=status,
            query=query,
            due_before=due_before,
            due_after=due_after,
            overdue=overdue,
            priority=priority,
            limit=limit,
            cursor=cursor,
            label=label,
        )
        return _result(listing, _listing_text(listing))

    async def complete_task(
        ctx: Context, task_id: TaskNumber, user_id: UserIdArgument = None
    ) -> Annotated[CallToolResult, TaskChange]:
        """Mark a task done when the user says they did it. Example: {"task_id": 3}."""
        change = await run(
            ctx, REQUIRED_SCOPE["complete_task"], user_id, tools.complete_task, task_id=task_id
        )
        return _result(change, _completed_text(change.task))

    async def delete_task(
        ctx: Context, task_id: TaskNumber, user_id: UserIdArgument = None
    ) -> Annotated[CallToolResult, TaskChange]:
        """Delete a task for good, only when the user asks to remove it (finished work
        is completed, not deleted). Example: {"task_id": 3}."""
        change = await run(
            ctx, REQUIRED_SCOPE["delete_task"], user_id, tools.delete_task, task_id=task_id
        )
        return _result(change, f"Deleted task {_named(change.task)}")

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
        status: Annotated[
            SetStatus | None,
            Field(description="'pending' reopens a task; also in_progress, completed, archived."),
        ] = None,
        repeat: Repeat = None,
        labels: Annotated[Labels, Field(description="All its labels ([] removes them).")] = None,
        add_labels: Annotated[Labels, Field(description="Labels to add.")] = None,
        remove_labels: Annotated[Labels, Field(description="Labels to take off.")] = None,
        user_id: UserIdArgument = None,
    ) -> Annotated[CallToolResult, TaskChange]:
        """Change a task's title, details, priority, due date or status; only the
        arguments given change. Example: {"task_id": 3, "status": "in_progress"}."""
        change = await run(
            ctx,
            REQUIRED_SCOPE["update_task"],
            user_id,
            tools.update_task,
            task_id=task_id,
            title=title,
            description=description,
            priority=priority,
            due_date=due_date,
            status=status,
            repeat=repeat,
            labels=labels,
            add_labels=add_labels,
            remove_labels=remove_labels,
        )
        return _result(change, f"Updated task {_named(change.task)}, {_state(change.task)}")

    # Honest hints: completing is reversible and keeps the task; an update overwrites
    # fields (their old values are gone); deleting removes the task for good. Every
    # change leaves the same state when repeated, except adding, which adds again, and
    # completing a repeating task, which moves it on once more.
    _add(server, add_task, _annotations("Add tasks"), advertise_user_id)
    _add(
        server,
        list_tasks,
        _annotations("List tasks", read_only=True, idempotent=True),
        advertise_user_id,
    )
    _add(server, complete_task, _annotations("Complete a task"), advertise_user_id)
    _add(
        server,
        delete_task,
        _annotations("Delete a task", destructive=True, idempotent=True),
        advertise_user_id,
    )
    _add(
        server,
        update_task,
        _annotations("Update a task", destructive=True, idempotent=True),
        advertise_user_id,
    )
    return run


def _completed_text(task: StoredTask) -> str:
    if task.repeats and not task.completed and task.due_local is not None:
        when = task.due_local.strftime("%a %d %b %Y, %H:%M")
        return f"Completed this occurrence of task {_named(task)}; next due {when}"
    return f"Completed task {_named(task)}"


def _named(task: StoredTask) -> str:
    return f"#{task.number} '{task.title}'"


def _when(task: StoredTask) -> str:
    """The due date in the user's zone, short: "Tue 24 Nov 17:00" ("Tue 24 Nov" for a
    day without a time)."""
    if task.due_local is None:
        return ""
    local = task.due_local
    day = local.strftime("%a %d %b")
    if local.year != datetime.now(local.tzinfo).year:
        day += f" {local.year}"
    return day if local.time() == END_OF_DAY else f"{day} {local:%H:%M}"


def _state(task: StoredTask) -> str:
    parts = [task.status.value.replace("_", " "), f"{task.priority.value} priority"]
    if task.due_local is not None:
        parts.append(f"due {_when(task)}")
    return ", ".join(parts)


def _added_text(added: list[StoredTask]) -> str:
    if len(added) == 1:
        [task] = added
        due = f", due {_when(task)}" if task.due_local is not None else ""
        return f"Added task {_named(task)}{due}"
    shown = ", ".join(_named(task) for task in added[:5])
    more = f" and {len(added) - 5} more" if len(added) > 5 else ""
    return f"Added {len(added)} tasks: {shown}{more}"


def _listing_text(listing: TaskListing) -> str:
    if not listing.tasks:
        return "No tasks match."
    lines = [f"{len(listing.tasks)} task(s):"]
    for item in listing.tasks:
        due = f", due {item.due_date:%a %d %b %H:%M}" if item.due_date is not None else ""
        lines.append(f"#{item.id} {item.title} ({item.status}, {item.priority}{due})")
    if listing.next_cursor is not None:
        lines.append(f"More: call again with cursor={listing.next_cursor}")
    return "\n".join(lines)


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
