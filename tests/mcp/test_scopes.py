"""The scopes hook: a call whose token lacks the tool's scope is refused (the OAuth
engineer wires `granted_scopes` to the token's scopes). In-process MCP client against a
server built with a fixed grant."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from mcp import Client, MCPError
from mcp.server.mcpserver import MCPServer
from mcp.types import TextResourceContents

from tests.support import in_own_task
from todochat.db import Database
from todochat.mcp.resources import register_task_resources
from todochat.mcp.tools import REQUIRED_SCOPE, register_task_tools
from todochat.models import User
from todochat.security import scopes
from todochat.tools import TOOL_NAMES

from .conftest import structured, text_of


def granting(db: Database, user: User, granted: frozenset[str]) -> Client:
    """An in-process client of a server that acts for `user` with `granted` scopes."""
    server = MCPServer(name="scoped")
    run = register_task_tools(server, db, lambda _ctx: user.id, granted_scopes=lambda _ctx: granted)
    register_task_resources(server, run)
    return Client(server)


@pytest.fixture
async def reader(db: Database, alice: User) -> AsyncIterator[Client]:
    async with in_own_task(granting(db, alice, frozenset({scopes.READ}))) as client:
        yield client


@pytest.fixture
async def writer(db: Database, alice: User) -> AsyncIterator[Client]:
    async with in_own_task(granting(db, alice, frozenset({scopes.WRITE}))) as client:
        yield client


def test_every_tool_names_its_required_scope() -> None:
    assert {
        "list_tasks": scopes.READ,
        **{name: scopes.WRITE for name in TOOL_NAMES if name != "list_tasks"},
    } == REQUIRED_SCOPE


async def test_a_read_only_token_cannot_add_a_task(reader: Client) -> None:
    result = await reader.call_tool("add_task", {"title": "Sneaky"})
    assert "insufficient scope" in text_of(result)
    assert "tasks:write" in text_of(result)
    assert structured(await reader.call_tool("list_tasks", {}))["tasks"] == []


async def test_a_read_only_token_can_list_and_read_resources(reader: Client) -> None:
    assert structured(await reader.call_tool("list_tasks", {}))["next_cursor"] is None
    [content] = (await reader.read_resource("tasks://pending")).contents
    assert isinstance(content, TextResourceContents)
    assert json.loads(content.text) == []


async def test_a_write_only_token_cannot_list(writer: Client) -> None:
    result = await writer.call_tool("list_tasks", {})
    assert "insufficient scope" in text_of(result)
    assert "tasks:read" in text_of(result)


async def test_a_write_only_token_cannot_read_resources(writer: Client) -> None:
    with pytest.raises(MCPError, match="insufficient scope"):
        await writer.read_resource("tasks://pending")


async def test_a_write_only_token_can_add_a_task(writer: Client) -> None:
    assert structured(await writer.call_tool("add_task", {"title": "Allowed"}))["task_id"] == 1
