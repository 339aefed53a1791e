"""Resources (the caller's task lists as JSON) and prompts, through the official MCP
client over HTTP."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp import Client, MCPError
from mcp.types import TextContent, TextResourceContents

from tests.chat.chat_helpers import Chatter


async def read_json(client: Client, uri: str) -> Any:
    result = await client.read_resource(uri)
    [content] = result.contents
    assert isinstance(content, TextResourceContents)
    assert content.mime_type == "application/json"
    return json.loads(content.text)


async def test_the_task_resources_are_listed(amys_mcp: Client) -> None:
    uris = {str(resource.uri) for resource in (await amys_mcp.list_resources()).resources}
    assert {"tasks://pending", "tasks://today", "tasks://overdue"} <= uris


async def test_pending_resource_holds_the_callers_unfinished_tasks(
    amys_mcp: Client, amy: Chatter
) -> None:
    await amy.add_task("Buy milk")
    await amy.add_task("Call mom")
    await amy.complete(1)
    tasks = await read_json(amys_mcp, "tasks://pending")
    assert [(task["id"], task["title"]) for task in tasks] == [(2, "Call mom")]


async def test_a_user_cannot_see_another_users_tasks_through_resources(
    amys_mcp: Client, beas_mcp: Client, amy: Chatter, bea: Chatter
) -> None:
    await amy.add_task("Amy's secret", due_at="2020-01-01")
    await bea.add_task("Bea's own")
    assert [t["title"] for t in await read_json(beas_mcp, "tasks://pending")] == ["Bea's own"]
    assert await read_json(beas_mcp, "tasks://overdue") == []
    assert await read_json(beas_mcp, "tasks://today") == []


async def test_overdue_resource_holds_open_tasks_past_due(amys_mcp: Client, amy: Chatter) -> None:
    await amy.add_task("Late", due_at="2020-01-01")
    await amy.add_task("Later", due_at="2031-01-01")
    assert [t["id"] for t in await read_json(amys_mcp, "tasks://overdue")] == [1]


async def test_today_resource_holds_tasks_due_by_tonight(amys_mcp: Client, amy: Chatter) -> None:
    await amy.add_task("Late", due_at="2020-01-01")
    await amy.add_task("Later", due_at="2031-01-01")
    await amys_mcp.call_tool("add_task", {"title": "Tonight", "due_date": "today"})
    assert [t["id"] for t in await read_json(amys_mcp, "tasks://today")] == [1, 3]


async def test_an_unknown_resource_is_an_error(amys_mcp: Client) -> None:
    with pytest.raises(MCPError):
        await amys_mcp.read_resource("tasks://someone-elses")


async def test_plan_my_day_prompt_tells_which_tools_to_call(amys_mcp: Client) -> None:
    prompt = await amys_mcp.get_prompt("plan_my_day")
    [message] = prompt.messages
    assert message.role == "user"
    assert isinstance(message.content, TextContent)
    assert "list_tasks" in message.content.text
    assert "overdue=true" in message.content.text


async def test_both_prompts_are_listed(amys_mcp: Client) -> None:
    names = {prompt.name for prompt in (await amys_mcp.list_prompts()).prompts}
    assert {"plan_my_day", "weekly_review"} <= names
