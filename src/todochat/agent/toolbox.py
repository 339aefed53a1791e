"""The agents' way to the tools: the MCP server itself, connected in-process."""

from __future__ import annotations

import json
from contextlib import AsyncExitStack
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from mcp import Client
from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, TextContent, Tool

from todochat.mcp.auth import acting_as

_SDK_ERROR_PREFIX = "Error executing tool "


@dataclass(frozen=True)
class ToolCallRecord:
    """A finished tool call, as stored with the assistant message."""

    name: str
    arguments: dict[str, Any]
    result: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_json(self) -> dict[str, Any]:
        """`{name, arguments, result}` or `{name, arguments, error}`."""
        outcome = {"error": self.error} if self.error is not None else {"result": self.result}
        return {"name": self.name, "arguments": self.arguments, **outcome}


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


class Toolbox:
    """Calls the MCP server's tools as one user and records every call.

    Use as `async with Toolbox(server, user_id) as tools:`; the acting user is set
    before the in-process session starts, so the server's tools see it.
    """

    def __init__(self, server: MCPServer, user_id: str) -> None:
        self._server = server
        self.user_id = user_id
        self.calls: list[ToolCallRecord] = []
        self._stack = AsyncExitStack()
        self._client: Client | None = None

    async def __aenter__(self) -> Toolbox:
        self._stack.enter_context(acting_as(self.user_id))
        self._client = await self._stack.enter_async_context(Client(self._server))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._client = None
        await self._stack.aclose()

    @property
    def client(self) -> Client:
        if self._client is None:
            raise RuntimeError("Toolbox used outside its `async with` block")
        return self._client

    async def list_tools(self) -> list[Tool]:
        """The tools' names, descriptions and JSON schemas."""
        return (await self.client.list_tools()).tools

    async def call_raw(self, name: str, arguments: dict[str, Any]) -> CallToolResult:
        """Call a tool; record it; return the MCP result as is."""
        result, _record = await self._call(name, arguments)
        return result

    async def call(self, name: str, arguments: dict[str, Any]) -> ToolCallRecord:
        """Call a tool and return its record (result or error)."""
        _result, record = await self._call(name, arguments)
        return record

    async def _call(
        self, name: str, arguments: dict[str, Any]
    ) -> tuple[CallToolResult, ToolCallRecord]:
        result = await self.client.call_tool(name, arguments)
        record = ToolCallRecord(
            name=name,
            arguments=arguments,
            result=None if result.is_error else _result_value(result),
            error=_error_text(result) if result.is_error else None,
        )
        self.calls.append(record)
        return result, record
