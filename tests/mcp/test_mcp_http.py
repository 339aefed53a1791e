"""The five tools through the official MCP client: over Streamable HTTP against a server
on a real socket (bearer tokens decide who acts), and over stdio (`todochat mcp`)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mcp import Client, MCPError, StdioServerParameters
from mcp.types import CallToolResult

from tests.chat.chat_helpers import Chatter
from tests.support import mcp_over_http, todochat_command

FIVE_TOOLS = {"add_task", "list_tasks", "complete_task", "delete_task", "update_task"}


def error_text(result: CallToolResult) -> str:
    assert result.is_error
    return " ".join(getattr(part, "text", "") for part in result.content)


def original(result: CallToolResult) -> dict[str, Any]:
    """The three fields a change returned before tools v2 (it returns more now)."""
    assert result.structured_content is not None
    return {key: result.structured_content[key] for key in ("task_id", "status", "title")}


def leaves(error: BaseException) -> Iterator[BaseException]:
    """The exceptions inside (nested) exception groups."""
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            yield from leaves(inner)
    else:
        yield error


# Listing ---------------------------------------------------------------------------------


async def test_exactly_the_five_task_tools_are_listed(amys_mcp: Client) -> None:
    tools = (await amys_mcp.list_tools()).tools
    assert {tool.name for tool in tools} == FIVE_TOOLS
    assert len(tools) == 5


async def test_every_tool_has_a_description_and_described_arguments(amys_mcp: Client) -> None:
    for tool in (await amys_mcp.list_tools()).tools:
        assert tool.description, tool.name
        properties: dict[str, Any] = tool.input_schema["properties"]
        undescribed = [name for name, schema in properties.items() if not schema.get("description")]
        assert undescribed == [], tool.name


async def test_tools_that_act_on_one_task_require_its_number(amys_mcp: Client) -> None:
    schemas = {tool.name: tool.input_schema for tool in (await amys_mcp.list_tools()).tools}
    for name in ("complete_task", "delete_task", "update_task"):
        assert schemas[name]["required"] == ["task_id"]
        assert schemas[name]["properties"]["task_id"]["type"] == "integer"
    # add_task takes one task (title) or several (tasks): neither alone is required.
    assert "required" not in schemas["add_task"]
    assert {"title", "tasks"} <= schemas["add_task"]["properties"].keys()


# Each tool changes the database ------------------------------------------------------


async def test_add_task_creates_the_task(amys_mcp: Client, amy: Chatter) -> None:
    result = await amys_mcp.call_tool("add_task", {"title": "Buy milk", "priority": "high"})
    assert original(result) == {"task_id": 1, "status": "created", "title": "Buy milk"}
    [task] = await amy.tasks()
    assert (task["id"], task["title"], task["priority"]) == (1, "Buy milk", "high")


@pytest.mark.both_databases
async def test_add_task_reads_a_plain_language_due_date_in_the_users_zone(
    amys_mcp: Client, amy: Chatter
) -> None:
    await amys_mcp.call_tool("add_task", {"title": "Pay rent", "due_date": "2031-05-01"})
    assert (await amy.task(1))["due_at"] == "2031-05-01T23:59:59+02:00"


@pytest.mark.both_databases
async def test_list_tasks_lists_the_users_tasks_with_their_numbers(
    amys_mcp: Client, amy: Chatter
) -> None:
    await amy.add_task("Buy milk")
    await amy.add_task("Call mom")
    await amy.complete(1)
    result = await amys_mcp.call_tool("list_tasks", {"status": "pending"})
    assert result.structured_content == {
        "next_cursor": None,
        "tasks": [
            {
                "id": 2,
                "title": "Call mom",
                "description": None,
                "completed": False,
                "status": "pending",
                "priority": "medium",
                "due_date": None,
            }
        ],
    }


async def test_complete_task_completes_the_task(amys_mcp: Client, amy: Chatter) -> None:
    await amy.add_task("Buy milk")
    result = await amys_mcp.call_tool("complete_task", {"task_id": 1})
    assert original(result) == {"task_id": 1, "status": "completed", "title": "Buy milk"}
    task = await amy.task(1)
    assert (task["status"], task["completed"]) == ("completed", True)
    assert task["completed_at"] is not None


async def test_delete_task_deletes_the_task(amys_mcp: Client, amy: Chatter) -> None:
    await amy.add_task("Buy milk")
    await amy.add_task("Call mom")
    result = await amys_mcp.call_tool("delete_task", {"task_id": 1})
    assert original(result) == {"task_id": 1, "status": "deleted", "title": "Buy milk"}
    assert await amy.titles() == {2: "Call mom"}


async def test_update_task_changes_only_what_it_is_given(amys_mcp: Client, amy: Chatter) -> None:
    await amy.add_task("Call mom", description="about Sunday")
    result = await amys_mcp.call_tool(
        "update_task", {"task_id": 1, "title": "Call mom tonight", "priority": "urgent"}
    )
    assert original(result) == {
        "task_id": 1,
        "status": "updated",
        "title": "Call mom tonight",
    }
    task = await amy.task(1)
    assert (task["title"], task["priority"], task["description"]) == (
        "Call mom tonight",
        "urgent",
        "about Sunday",
    )


# Errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("tool", ["complete_task", "delete_task"])
async def test_a_missing_task_is_a_tool_error_saying_not_found(amys_mcp: Client, tool: str) -> None:
    result = await amys_mcp.call_tool(tool, {"task_id": 42})
    assert "task 42 not found" in error_text(result)


async def test_updating_a_missing_task_is_a_tool_error(amys_mcp: Client) -> None:
    result = await amys_mcp.call_tool("update_task", {"task_id": 42, "title": "x"})
    assert "not found" in error_text(result)


@pytest.mark.parametrize("task_id", ["abc", 0, -1])
async def test_a_bad_task_id_is_a_tool_error(
    amys_mcp: Client, amy: Chatter, task_id: object
) -> None:
    await amy.add_task("Buy milk")
    result = await amys_mcp.call_tool("complete_task", {"task_id": task_id})
    assert "task_id" in error_text(result)
    assert (await amy.task(1))["status"] == "pending"


async def test_an_empty_title_is_a_tool_error(amys_mcp: Client, amy: Chatter) -> None:
    result = await amys_mcp.call_tool("add_task", {"title": "   "})
    assert "title" in error_text(result)
    assert await amy.tasks() == []


async def test_an_update_with_nothing_to_change_is_a_tool_error(
    amys_mcp: Client, amy: Chatter
) -> None:
    await amy.add_task("Buy milk")
    result = await amys_mcp.call_tool("update_task", {"task_id": 1})
    assert "nothing to change" in error_text(result)


async def test_a_due_date_that_is_no_date_is_a_tool_error(amys_mcp: Client, amy: Chatter) -> None:
    result = await amys_mcp.call_tool("add_task", {"title": "Buy milk", "due_date": "whenever"})
    assert "could not understand the date" in error_text(result)
    assert await amy.tasks() == []


# Authentication and the wall between users ---------------------------------------------------


async def connection_failure(live_url: str, token: str | None) -> list[BaseException]:
    with pytest.raises(BaseException) as caught:  # noqa: PT011 - the client's own error types
        async with mcp_over_http(live_url, token) as client:
            await client.list_tools()
    return list(leaves(caught.value))


async def test_a_client_without_a_token_cannot_connect(live_url: str) -> None:
    failures = await connection_failure(live_url, None)
    assert any(isinstance(error, MCPError) for error in failures)


async def test_a_client_with_a_wrong_token_cannot_connect(live_url: str, amy: Chatter) -> None:
    failures = await connection_failure(live_url, amy.account.token[:-4] + "AAAA")
    assert any(isinstance(error, MCPError) for error in failures)


@pytest.mark.parametrize("token", [None, "not-a-token"])
async def test_the_endpoint_answers_401_with_a_bearer_challenge(
    http: httpx.AsyncClient, token: str | None
) -> None:
    headers = {"Accept": "application/json, text/event-stream"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    response = await http.post(
        "/mcp",
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}},
        headers=headers,
    )
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def test_a_call_naming_another_users_id_is_refused(
    amys_mcp: Client, amy: Chatter, bea: Chatter
) -> None:
    await bea.add_task("Bea's task")
    result = await amys_mcp.call_tool("complete_task", {"task_id": 1, "user_id": bea.account.id})
    assert "refused" in error_text(result)
    assert await bea.statuses() == {1: "pending"}


@pytest.mark.parametrize("tool", ["add_task", "list_tasks"])
async def test_naming_another_users_id_refuses_every_tool(
    amys_mcp: Client, amy: Chatter, bea: Chatter, tool: str
) -> None:
    arguments: dict[str, Any] = {"user_id": bea.account.id}
    if tool == "add_task":
        arguments["title"] = "Planted task"
    result = await amys_mcp.call_tool(tool, arguments)
    assert "refused" in error_text(result)
    assert await bea.tasks() == []
    assert await amy.tasks() == []


async def test_request_meta_naming_another_user_is_ignored_over_http(
    amys_mcp: Client, amy: Chatter, bea: Chatter
) -> None:
    # The in-process server reads the acting user from `_meta`; the HTTP one must not.
    await bea.add_task("Bea's task")
    meta: Any = {"todochat/acting_user": bea.account.id}
    result = await amys_mcp.call_tool("complete_task", {"task_id": 1}, meta=meta)
    assert "not found" in error_text(result)
    added = await amys_mcp.call_tool("add_task", {"title": "Mine"}, meta=meta)
    assert not added.is_error
    assert await bea.statuses() == {1: "pending"}
    assert await amy.titles() == {1: "Mine"}


async def test_naming_ones_own_id_is_accepted(amys_mcp: Client, amy: Chatter) -> None:
    result = await amys_mcp.call_tool("add_task", {"title": "Buy milk", "user_id": amy.account.id})
    assert not result.is_error
    assert await amy.titles() == {1: "Buy milk"}


@pytest.mark.both_databases
async def test_another_users_task_numbers_act_on_ones_own_tasks_only(
    amys_mcp: Client, amy: Chatter, bea: Chatter
) -> None:
    await amy.add_task("Amy's task")
    await bea.add_task("Bea's first")
    await bea.add_task("Bea's second")

    missing = await amys_mcp.call_tool("complete_task", {"task_id": 2})
    deleted = await amys_mcp.call_tool("delete_task", {"task_id": 1})

    assert "not found" in error_text(missing)
    assert original(deleted) == {"task_id": 1, "status": "deleted", "title": "Amy's task"}
    assert await amy.tasks() == []
    assert await bea.statuses() == {1: "pending", 2: "pending"}


async def test_list_tasks_shows_only_the_callers_tasks(
    amys_mcp: Client, amy: Chatter, bea: Chatter
) -> None:
    await bea.add_task("Bea's task")
    await amy.add_task("Amy's task")
    result = await amys_mcp.call_tool("list_tasks", {})
    assert [(t["id"], t["title"]) for t in result.structured_content["tasks"]] == [
        (1, "Amy's task")
    ]


# stdio -------------------------------------------------------------------------------------


def stdio_parameters(email: str, database_url: str, workdir: Path) -> StdioServerParameters:
    command, *args = todochat_command("mcp", "--user", email)
    return StdioServerParameters(
        command=command,
        args=args,
        env={"TODOCHAT_DATABASE_URL": database_url},
        cwd=str(workdir),
    )


@pytest.mark.both_databases
async def test_stdio_serves_the_five_tools_for_the_named_user(
    amy: Chatter, bea: Chatter, database_url: str, tmp_path: Path
) -> None:
    await bea.add_task("Ben's task")
    async with Client(stdio_parameters(amy.account.email, database_url, tmp_path)) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        added = await client.call_tool("add_task", {"title": "Buy milk"})
        completed = await client.call_tool("complete_task", {"task_id": 1})
        listed = await client.call_tool("list_tasks", {})
    assert names == FIVE_TOOLS
    assert original(added) == {"task_id": 1, "status": "created", "title": "Buy milk"}
    assert completed.structured_content["status"] == "completed"
    assert [t["title"] for t in listed.structured_content["tasks"]] == ["Buy milk"]
    assert await amy.statuses() == {1: "completed"}
    assert await bea.statuses() == {1: "pending"}


async def test_stdio_refuses_a_call_naming_another_user(
    amy: Chatter, bea: Chatter, database_url: str, tmp_path: Path
) -> None:
    await bea.add_task("Ben's task")
    async with Client(stdio_parameters(amy.account.email, database_url, tmp_path)) as client:
        result = await client.call_tool("delete_task", {"task_id": 1, "user_id": bea.account.id})
    assert "refused" in error_text(result)
    assert await bea.titles() == {1: "Ben's task"}


def test_stdio_with_an_unknown_email_exits_with_a_clear_error(
    database_url: str, tmp_path: Path
) -> None:
    finished = subprocess.run(
        todochat_command("mcp", "--user", "nobody@example.com"),
        env={"PATH": "/usr/bin:/bin", "TODOCHAT_DATABASE_URL": database_url},
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 1
    assert "no account with the email 'nobody@example.com'" in finished.stderr
    assert finished.stdout == ""
