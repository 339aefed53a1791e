"""What a client learns from tools/list: annotations, output schemas, and whether the
optional user_id argument is advertised (it is accepted either way)."""

from __future__ import annotations

import httpx
from mcp import Client
from mcp.types import Tool

from tests.chat.chat_helpers import Chatter, ThreadedServer
from tests.support import in_own_task, register
from todochat.config import Settings
from todochat.runtime import create_app

from .conftest import mcp_over_http, structured, text_of


async def listed(client: Client) -> dict[str, Tool]:
    return {tool.name: tool for tool in (await client.list_tools()).tools}


async def test_list_tasks_is_read_only_and_idempotent(amys_mcp: Client) -> None:
    hints = (await listed(amys_mcp))["list_tasks"].annotations
    assert hints is not None
    assert (hints.read_only_hint, hints.idempotent_hint) == (True, True)


async def test_complete_task_is_neither_destructive_nor_idempotent(amys_mcp: Client) -> None:
    """Not idempotent: completing a repeating task twice moves it on twice."""
    hints = (await listed(amys_mcp))["complete_task"].annotations
    assert hints is not None
    assert (hints.read_only_hint, hints.destructive_hint, hints.idempotent_hint) == (
        False,
        False,
        False,
    )


async def test_delete_task_is_destructive(amys_mcp: Client) -> None:
    hints = (await listed(amys_mcp))["delete_task"].annotations
    assert hints is not None
    assert (hints.read_only_hint, hints.destructive_hint) == (False, True)


async def test_add_task_is_neither_destructive_nor_idempotent(amys_mcp: Client) -> None:
    hints = (await listed(amys_mcp))["add_task"].annotations
    assert hints is not None
    assert (hints.read_only_hint, hints.destructive_hint, hints.idempotent_hint) == (
        False,
        False,
        False,
    )


async def test_every_tool_states_a_closed_world(amys_mcp: Client) -> None:
    tools = await listed(amys_mcp)
    assert {name: t.annotations and t.annotations.open_world_hint for name, t in tools.items()} == {
        name: False for name in tools
    }


async def test_changes_advertise_the_stored_task_in_their_output_schema(
    amys_mcp: Client,
) -> None:
    tools = await listed(amys_mcp)
    for name in ("add_task", "complete_task", "delete_task", "update_task"):
        schema = tools[name].output_schema
        assert schema is not None, name
        assert {"task_id", "status", "title", "task"} <= schema["properties"].keys(), name
    add_schema = tools["add_task"].output_schema
    assert add_schema is not None
    assert "tasks" in add_schema["properties"]


async def test_list_tasks_advertises_tasks_and_next_cursor(amys_mcp: Client) -> None:
    schema = (await listed(amys_mcp))["list_tasks"].output_schema
    assert schema is not None
    assert {"tasks", "next_cursor"} <= schema["properties"].keys()


async def test_user_id_is_not_advertised_by_default(amys_mcp: Client) -> None:
    tools = await listed(amys_mcp)
    assert [name for name, t in tools.items() if "user_id" in t.input_schema["properties"]] == []


async def test_user_id_is_advertised_when_the_setting_asks_for_it(settings: Settings) -> None:
    advertising = settings.model_copy(update={"mcp_advertise_user_id": True})
    with ThreadedServer(create_app(advertising)) as server:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
            account = await register(http, "cy@example.com")
        async with in_own_task(mcp_over_http(server.base_url, account.token)) as client:
            tools = await listed(client)
    assert all("user_id" in t.input_schema["properties"] for t in tools.values())


async def test_an_unadvertised_user_id_naming_the_caller_is_accepted(
    amys_mcp: Client, amy: Chatter
) -> None:
    result = await amys_mcp.call_tool("add_task", {"title": "Mine", "user_id": amy.account.id})
    assert structured(result)["task_id"] == 1


async def test_an_unadvertised_user_id_naming_someone_else_is_refused(
    amys_mcp: Client, amy: Chatter, bea: Chatter
) -> None:
    result = await amys_mcp.call_tool("add_task", {"title": "Theirs", "user_id": bea.account.id})
    assert "refused" in text_of(result)
    assert await amy.tasks() == []
    assert await bea.tasks() == []
