"""Recurring tasks through the MCP tools, with the official client: add_task and
update_task take `repeat`; complete_task moves a repeating task on and says so."""

from __future__ import annotations

from datetime import datetime

from mcp import Client

from .conftest import structured, text_of


async def test_add_task_with_a_repeat_says_how_it_repeats(amys_mcp: Client) -> None:
    result = await amys_mcp.call_tool(
        "add_task", {"title": "Water plants", "repeat": "every monday"}
    )

    task = structured(result)["task"]
    assert task["repeats"] == "every Monday"
    assert datetime.fromisoformat(task["due_local"]).weekday() == 0


async def test_completing_a_repeating_task_moves_it_a_week_on(amys_mcp: Client) -> None:
    added = await amys_mcp.call_tool(
        "add_task",
        {"title": "Team call", "repeat": "every monday", "due_date": "2031-01-06T09:00"},
    )
    number = structured(added)["task_id"]

    result = await amys_mcp.call_tool("complete_task", {"task_id": number})

    task = structured(result)["task"]
    assert (task["completed"], task["due_local"][:16]) == (False, "2031-01-13T09:00")
    assert text_of(result).startswith("Completed this occurrence of task #1 'Team call'")


async def test_update_task_stops_a_repeat_with_never(amys_mcp: Client) -> None:
    await amys_mcp.call_tool("add_task", {"title": "Gym", "repeat": "daily"})

    result = await amys_mcp.call_tool("update_task", {"task_id": 1, "repeat": "never"})

    assert "repeats" not in structured(result)["task"]


async def test_a_repeat_that_cannot_be_read_is_a_tool_error(amys_mcp: Client) -> None:
    result = await amys_mcp.call_tool("add_task", {"title": "Gym", "repeat": "whenever"})

    assert result.is_error
    assert "every monday" in text_of(result)
