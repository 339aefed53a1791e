"""Fixtures for the MCP tools v2 tests: the app on a real socket, accounts registered
over HTTP, and the official MCP client connected to /mcp with each account's token."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from mcp import Client
from mcp.types import CallToolResult

from tests.chat.chat_helpers import Chatter, ThreadedServer
from tests.support import in_own_task, mcp_over_http, register
from todochat.config import Settings
from todochat.runtime import create_app


def structured(result: CallToolResult) -> dict[str, Any]:
    """A successful call's structured content."""
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    return result.structured_content


def text_of(result: CallToolResult) -> str:
    """The text content of a call (its message, for an error)."""
    return " ".join(getattr(part, "text", "") for part in result.content)


@pytest.fixture
def live_url(settings: Settings) -> Iterator[str]:
    """The app with this test's settings, served by uvicorn on a real socket."""
    with ThreadedServer(create_app(settings)) as server:
        yield server.base_url


@pytest.fixture
async def http(live_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live_url, timeout=30) as client:
        yield client


@pytest.fixture
async def amy(http: httpx.AsyncClient) -> Chatter:
    """A user in Paris (UTC+1 in winter): local and UTC due dates differ."""
    return Chatter(http, await register(http, "amy@example.com", timezone="Europe/Paris"))


@pytest.fixture
async def bea(http: httpx.AsyncClient) -> Chatter:
    return Chatter(http, await register(http, "bea@example.com"))


@pytest.fixture
async def amys_mcp(live_url: str, amy: Chatter) -> AsyncIterator[Client]:
    async with in_own_task(mcp_over_http(live_url, amy.account.token)) as client:
        yield client


@pytest.fixture
async def beas_mcp(live_url: str, bea: Chatter) -> AsyncIterator[Client]:
    async with in_own_task(mcp_over_http(live_url, bea.account.token)) as client:
        yield client
