"""How the agents reach the task tools, and the record kept of every call.

The built-in agent answers at once, so it calls the tool functions directly in the
turn's own transaction (`DirectTools`). The LLM agent thinks between calls, so each
of its calls goes through the process's one in-process MCP connection
(`McpConnection`) and is a short transaction of its own (`McpTools`).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from mcp import Client
from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, RequestParamsMeta, TextContent, Tool
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.errors import TodochatError
from todochat.mcp.auth import ACTING_USER_META
from todochat.models import User
from todochat.tools import TOOL_FUNCTIONS, TaskListing, ToolResult, result_as_json

_SDK_ERROR_PREFIX = "Error executing tool "


@dataclass(frozen=True)
class ToolCallRecord:
    """A finished tool call: what was asked, and its result or error.

    A call made through MCP carries its `result` as JSON; a direct call carries the
    typed `value`, for the agent that made it. What is stored and returned is
    `as_json()`.
    """

    name: str
    arguments: dict[str, Any]
    result: Any = None
    error: str | None = None
    value: ToolResult | None = field(default=None, compare=False, repr=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_json(self) -> dict[str, Any]:
        """`{name, arguments, result}` or `{name, arguments, error}`, as stored with the
        assistant message. A listing is kept as what was listed (count and numbers),
        enough to follow up on ("the second one"), not every task it showed; a change
        as its original `{task_id, status, title}` (plus `task_ids` when several were
        added), not the whole stored task the tool returned (history stays short)."""
        if self.error is not None:
            return {"name": self.name, "arguments": self.arguments, "error": self.error}
        return {"name": self.name, "arguments": self.arguments, "result": self._stored_result()}

    def _stored_result(self) -> Any:
        if isinstance(self.value, TaskListing):
            numbers = [item.id for item in self.value.tasks]
            return {"count": len(numbers), "task_ids": numbers}
        listed = self.result.get("tasks") if isinstance(self.result, dict) else self.result
        if self.name == "list_tasks" and isinstance(listed, list):
            numbers = [item["id"] for item in listed if isinstance(item, dict)]
            return {"count": len(numbers), "task_ids": numbers}
        result = result_as_json(self.value) if self.value is not None else self.result
        if isinstance(result, dict) and {"task_id", "status", "title"} <= result.keys():
            return _compact_change(result)
        return result


def _compact_change(result: dict[str, Any]) -> dict[str, Any]:
    compact = {key: result[key] for key in ("task_id", "status", "title")}
    added = result.get("tasks")
    if isinstance(added, list) and len(added) > 1:
        compact["task_ids"] = [item.get("number") for item in added if isinstance(item, dict)]
    return compact


class Tools(Protocol):
    """The tools as one user sees them during one turn; every call is recorded."""

    calls: list[ToolCallRecord]

    async def call(self, name: str, arguments: dict[str, Any]) -> ToolCallRecord: ...


class DirectTools:
    """The tool functions, called in the turn's session as its user."""

    def __init__(self, session: AsyncSession, user: User) -> None:
        self._session = session
        self._user = user
        self.calls: list[ToolCallRecord] = []

    async def call(self, name: str, arguments: dict[str, Any]) -> ToolCallRecord:
        """Run the tool; a broken rule or a missing task is a recorded error."""
        tool = TOOL_FUNCTIONS.get(name)
        if tool is None:
            record = ToolCallRecord(name, arguments, error=f"unknown tool {name}")
        else:
            try:
                value = await tool(self._session, self._user, **arguments)
            except TodochatError as exc:
                record = ToolCallRecord(name, arguments, error=exc.message)
            else:
                record = ToolCallRecord(name, arguments, value=value)
        self.calls.append(record)
        return record


def _error_text(result: CallToolResult) -> str:
    text = " ".join(part.text for part in result.content if isinstance(part, TextContent))
    # The SDK prefixes "Error executing tool NAME: "; the reason is what matters.
    if text.startswith(_SDK_ERROR_PREFIX) and ": " in text:
        text = text.split(": ", 1)[1]
    return text.strip() or "the tool failed"


def _result_value(result: CallToolResult) -> Any:
    structured = result.structured_content
    if isinstance(structured, dict) and set(structured) == {"result"}:
        return structured["result"]  # the SDK's wrapper around non-object results
    if structured is not None:
        return structured
    texts = [part.text for part in result.content if isinstance(part, TextContent)]
    try:
        return json.loads(texts[0]) if len(texts) == 1 else texts
    except ValueError:
        return texts[0]


class McpConnection:
    """One long-lived in-process MCP client session for the whole process.

    The tool list is read once. The session lives in a task of its own, because the
    SDK's task groups must be left by the task that entered them, while turns that
    use it come and go in request tasks.
    """

    def __init__(self, server: MCPServer) -> None:
        self._server = server
        self._client: Client | None = None
        self._tools: list[Tool] | None = None
        self._holder: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self._lock = asyncio.Lock()

    async def _connected(self) -> Client:
        if self._client is not None:
            return self._client
        async with self._lock:
            if self._client is None:
                ready: asyncio.Future[Client] = asyncio.get_running_loop().create_future()
                self._holder = asyncio.create_task(self._hold(ready))
                self._client = await ready
        return self._client

    async def _hold(self, ready: asyncio.Future[Client]) -> None:
        try:
            async with Client(self._server) as client:
                ready.set_result(client)
                await self._stop.wait()
        except BaseException as exc:
            if not ready.done():
                ready.set_exception(exc)
            raise

    async def list_tools(self) -> list[Tool]:
        """The tools' names, descriptions and schemas (asked once per process)."""
        if self._tools is None:
            self._tools = (await (await self._connected()).list_tools()).tools
        return self._tools

    async def call_tool(self, name: str, arguments: dict[str, Any], user_id: str) -> CallToolResult:
        """Call a tool acting for `user_id`."""
        client = await self._connected()
        meta = cast(RequestParamsMeta, {ACTING_USER_META: user_id})
        return await client.call_tool(name, arguments, meta=meta)

    async def close(self) -> None:
        """End the session, if one was opened."""
        holder, self._holder, self._client = self._holder, None, None
        if holder is not None:
            self._stop.set()
            await asyncio.gather(holder, return_exceptions=True)


class McpTools:
    """The tools through the process's MCP connection, as one user; records every call."""

    def __init__(self, connection: McpConnection, user_id: str) -> None:
        self._connection = connection
        self.user_id = user_id
        self.calls: list[ToolCallRecord] = []

    async def list_tools(self) -> list[Tool]:
        """The tools' names, descriptions and JSON schemas."""
        return await self._connection.list_tools()

    async def call_raw(self, name: str, arguments: dict[str, Any]) -> CallToolResult:
        """Call a tool; record it; return the MCP result as is."""
        result = await self._connection.call_tool(name, arguments, self.user_id)
        self.calls.append(
            ToolCallRecord(
                name=name,
                arguments=arguments,
                result=None if result.is_error else _result_value(result),
                error=_error_text(result) if result.is_error else None,
            )
        )
        return result

    async def call(self, name: str, arguments: dict[str, Any]) -> ToolCallRecord:
        """Call a tool and return its record (result or error)."""
        await self.call_raw(name, arguments)
        return self.calls[-1]
