"""MCP resources (the acting user's task lists as JSON) and prompts (ready-made
requests that tell the assistant which tools to call).

A resource read follows the tools' rules: it acts for the authenticated user, needs
the `tasks:read` scope, and is one unit of work (see `CallRunner`)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat import tools
from todochat.models import User
from todochat.security import scopes
from todochat.services.dates import END_OF_DAY
from todochat.tools import TaskListing

from .tools import CallRunner

# What a resource lists at most (one page of list_tasks at its largest).
_RESOURCE_LIMIT = tools.LIST_MAX_LIMIT

Listing = Callable[[AsyncSession, User], Awaitable[TaskListing]]


async def _pending(session: AsyncSession, user: User) -> TaskListing:
    return await tools.list_tasks(session, user, status="pending", limit=_RESOURCE_LIMIT)


async def _overdue(session: AsyncSession, user: User) -> TaskListing:
    return await tools.list_tasks(session, user, overdue=True, limit=_RESOURCE_LIMIT)


async def _today(session: AsyncSession, user: User) -> TaskListing:
    """Unfinished tasks due by the end of the user's today (overdue ones included)."""
    zone = ZoneInfo(user.timezone)
    today = datetime.now(UTC).astimezone(zone).date()
    # due_before is strict, so the bound is a moment after the last of today.
    bound = datetime.combine(today, END_OF_DAY, tzinfo=zone) + timedelta(microseconds=1)
    return await tools.list_tasks(
        session, user, status="pending", due_before=bound.isoformat(), limit=_RESOURCE_LIMIT
    )


def register_task_resources(server: MCPServer, run: CallRunner) -> None:
    """Add the resources `tasks://pending`, `tasks://today` and `tasks://overdue` and
    the prompts `plan_my_day` and `weekly_review` to `server`; reads go through `run`
    (the tools' runner), so they act for the same user under the same rules."""

    def resource(uri: str, name: str, description: str, listing: Listing) -> None:
        async def read() -> str:
            # The SDK gives a static resource no Context. The acting user over HTTP
            # and over stdio does not need one (a request contextvar, a fixed user);
            # the in-process agent's user does, and without one it is refused, which
            # is safe: the agent uses the tools, not the resources.
            ctx = Context(mcp_server=server)
            try:
                page = await run(ctx, scopes.READ, None, listing)
            except (ToolError, ValueError) as exc:
                raise ResourceError(f"cannot read {uri}: {exc}") from exc
            return json.dumps(page.model_dump(mode="json")["tasks"])

        server.resource(uri, name=name, description=description, mime_type="application/json")(read)

    resource(
        "tasks://pending",
        "pending_tasks",
        "Your tasks not completed yet (pending or in progress), oldest first, as JSON.",
        _pending,
    )
    resource(
        "tasks://today",
        "tasks_due_today",
        "Your unfinished tasks due today or earlier, as JSON.",
        _today,
    )
    resource(
        "tasks://overdue",
        "overdue_tasks",
        "Your unfinished tasks whose due date has passed, as JSON.",
        _overdue,
    )

    @server.prompt(title="Plan my day")
    def plan_my_day() -> str:
        """Plan today from the user's open tasks."""
        return (
            "Help me plan my day. Call list_tasks with overdue=true, then list_tasks with "
            "status='pending' and due_before='tomorrow' to see what is due. Suggest an "
            "order (overdue and urgent first) in a short list using task numbers. Ask "
            "before changing anything; then use update_task (status='in_progress', new "
            "due_date) or complete_task."
        )

    @server.prompt(title="Weekly review")
    def weekly_review() -> str:
        """Review the week: what got done, what is late, what comes next."""
        return (
            "Run my weekly review. Call list_tasks with status='completed' to see what I "
            "finished, list_tasks with overdue=true for what is late, and list_tasks with "
            "status='pending' and due_before='in 7 days' for the week ahead. Summarise in "
            "three short sections, then offer to reschedule late tasks (update_task "
            "due_date), archive stale ones (update_task status='archived') or add new ones "
            "(add_task with tasks=[...])."
        )
