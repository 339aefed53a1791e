"""Tool calls per user at /mcp are limited, counted in the database: over the limit,
a call is a tool error saying when to retry, and does nothing."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.mcp.test_mcp_http import error_text
from tests.support import in_own_task, mcp_over_http, register
from todochat.config import Settings
from todochat.runtime import create_app

from .chat_helpers import Chatter, ThreadedServer


@pytest.fixture
def limited_url(settings: Settings) -> Iterator[str]:
    """A server allowing 3 MCP tool calls per user per minute."""
    app = create_app(settings.model_copy(update={"mcp_tool_calls_per_minute": 3}))
    with ThreadedServer(app) as server:
        yield server.base_url


async def test_a_tool_call_over_the_limit_is_a_tool_error_saying_when_to_retry(
    limited_url: str,
) -> None:
    async with httpx.AsyncClient(base_url=limited_url, timeout=30) as http:
        amy = Chatter(http, await register(http, "amy@example.com"))
        async with in_own_task(mcp_over_http(limited_url, amy.account.token)) as mcp:
            for number in range(3):
                assert not (await mcp.call_tool("add_task", {"title": f"T{number}"})).is_error
            refused = await mcp.call_tool("add_task", {"title": "one too many"})
        titles = await amy.titles()
    assert "too many tool calls" in error_text(refused)
    assert "retry after" in error_text(refused)
    assert titles == {1: "T0", 2: "T1", 3: "T2"}


async def test_the_tool_call_limit_counts_each_user_separately(limited_url: str) -> None:
    async with httpx.AsyncClient(base_url=limited_url, timeout=30) as http:
        amy = Chatter(http, await register(http, "amy@example.com"))
        bea = Chatter(http, await register(http, "bea@example.com"))
        async with in_own_task(mcp_over_http(limited_url, amy.account.token)) as amys:
            for _ in range(3):
                await amys.call_tool("list_tasks", {})
        async with in_own_task(mcp_over_http(limited_url, bea.account.token)) as beas:
            result = await beas.call_tool("list_tasks", {})
    assert not result.is_error
