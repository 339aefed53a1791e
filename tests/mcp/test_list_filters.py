"""list_tasks v2 filters through the official MCP client over HTTP: each filter alone,
and a cursor that pages through every task exactly once."""

from __future__ import annotations

from typing import Any

from mcp import Client

from tests.chat.chat_helpers import Chatter

from .conftest import structured, text_of


async def numbers(client: Client, **arguments: Any) -> list[int]:
    """The task numbers list_tasks returns for `arguments` (one page)."""
    result = structured(await client.call_tool("list_tasks", arguments))
    return [task["id"] for task in result["tasks"]]


async def test_query_matches_title_or_description(amys_mcp: Client, amy: Chatter) -> None:
    await amy.add_task("Buy milk")
    await amy.add_task("Call mom", description="ask about the MILK jug")
    await amy.add_task("Pay rent")
    assert await numbers(amys_mcp, query="milk") == [1, 2]


async def test_due_before_keeps_tasks_due_earlier(amys_mcp: Client, amy: Chatter) -> None:
    await amy.add_task("Early", due_at="2031-01-10")
    await amy.add_task("Late", due_at="2031-01-20")
    await amy.add_task("Whenever")
    assert await numbers(amys_mcp, due_before="2031-01-15") == [1]


async def test_due_after_keeps_tasks_due_later(amys_mcp: Client, amy: Chatter) -> None:
    await amy.add_task("Early", due_at="2031-01-10")
    await amy.add_task("Late", due_at="2031-01-20")
    await amy.add_task("Whenever")
    assert await numbers(amys_mcp, due_after="2031-01-15") == [2]


async def test_due_before_reads_plain_words(amys_mcp: Client, amy: Chatter) -> None:
    await amy.add_task("Long ago", due_at="2020-03-01")
    await amy.add_task("Far ahead", due_at="2031-03-01")
    assert await numbers(amys_mcp, due_before="tomorrow") == [1]


async def test_an_unreadable_due_bound_is_a_tool_error(amys_mcp: Client) -> None:
    result = await amys_mcp.call_tool("list_tasks", {"due_after": "blorpday"})
    assert result.is_error
    assert "due_after" in text_of(result) or "blorpday" in text_of(result)


async def test_overdue_keeps_unfinished_tasks_past_their_due_date(
    amys_mcp: Client, amy: Chatter
) -> None:
    await amy.add_task("Late and open", due_at="2020-01-01")
    await amy.add_task("Late but done", due_at="2020-01-02")
    await amy.complete(2)
    await amy.add_task("Not due yet", due_at="2031-01-01")
    await amy.add_task("No due date")
    assert await numbers(amys_mcp, overdue=True) == [1]


async def test_priority_keeps_tasks_of_that_priority(amys_mcp: Client, amy: Chatter) -> None:
    await amy.add_task("Urgent one", priority="urgent")
    await amy.add_task("Low one", priority="low")
    await amy.add_task("Urgent two", priority="urgent")
    assert await numbers(amys_mcp, priority="urgent") == [1, 3]


async def test_status_in_progress_keeps_tasks_in_progress(amys_mcp: Client, amy: Chatter) -> None:
    await amy.add_task("Started")
    await amy.add_task("Not started")
    await amys_mcp.call_tool("update_task", {"task_id": 1, "status": "in_progress"})
    assert await numbers(amys_mcp, status="in_progress") == [1]


async def test_status_archived_keeps_archived_tasks_only(amys_mcp: Client, amy: Chatter) -> None:
    await amy.add_task("Old")
    await amy.add_task("Current")
    await amys_mcp.call_tool("update_task", {"task_id": 1, "status": "archived"})
    assert await numbers(amys_mcp, status="archived") == [1]
    assert await numbers(amys_mcp, status="pending") == [2]


async def test_limit_and_cursor_page_through_every_task_exactly_once(
    amys_mcp: Client,
) -> None:
    await amys_mcp.call_tool("add_task", {"tasks": [{"title": f"T{n}"} for n in range(23)]})
    seen: list[int] = []
    pages = 0
    cursor: str | None = None
    while True:
        arguments: dict[str, Any] = {"limit": 5}
        if cursor is not None:
            arguments["cursor"] = cursor
        page = structured(await amys_mcp.call_tool("list_tasks", arguments))
        pages += 1
        seen += [task["id"] for task in page["tasks"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(range(1, 24))
    assert pages == 5


async def test_a_limit_above_two_hundred_is_refused(amys_mcp: Client) -> None:
    result = await amys_mcp.call_tool("list_tasks", {"limit": 201})
    assert result.is_error


async def test_a_forged_cursor_is_a_tool_error(amys_mcp: Client) -> None:
    result = await amys_mcp.call_tool("list_tasks", {"cursor": "not-a-cursor"})
    assert result.is_error
    assert "cursor" in text_of(result)


async def test_listed_items_keep_the_original_fields(amys_mcp: Client, amy: Chatter) -> None:
    await amy.add_task("Buy milk", due_at="2031-01-10")
    [item] = structured(await amys_mcp.call_tool("list_tasks", {}))["tasks"]
    assert item == {
        "id": 1,
        "title": "Buy milk",
        "description": None,
        "completed": False,
        "status": "pending",
        "priority": "medium",
        "due_date": "2031-01-10T23:59:59+01:00",
    }


async def test_list_tasks_text_is_one_short_line_per_task(amys_mcp: Client, amy: Chatter) -> None:
    await amy.add_task("Buy milk", priority="high")
    await amy.add_task("Call mom")
    result = await amys_mcp.call_tool("list_tasks", {})
    assert text_of(result).splitlines() == [
        "2 task(s):",
        "#1 Buy milk (pending, high)",
        "#2 Call mom (pending, medium)",
    ]
