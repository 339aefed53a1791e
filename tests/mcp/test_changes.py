"""Tools v2 changes through the official MCP client over HTTP: batch add, status on
update_task, and the stored task (with its due date in UTC and in the user's zone) in
the structured result of every change."""

from __future__ import annotations

from mcp import Client

from tests.chat.chat_helpers import Chatter

from .conftest import structured, text_of


async def test_a_batch_of_fifty_gets_fifty_consecutive_numbers(
    amys_mcp: Client, amy: Chatter
) -> None:
    await amys_mcp.call_tool("add_task", {"title": "Before the batch"})
    batch = [{"title": f"Task {n}"} for n in range(50)]
    result = structured(await amys_mcp.call_tool("add_task", {"tasks": batch}))
    numbers = [task["number"] for task in result["tasks"]]
    assert numbers == list(range(2, 52))
    assert (await amy.task(51))["title"] == "Task 49"


async def test_a_bad_item_refuses_the_whole_batch_naming_its_index(
    amys_mcp: Client, amy: Chatter
) -> None:
    batch = [{"title": "Fine"}, {"title": "Also fine"}, {"title": "   "}, {"title": "Last"}]
    result = await amys_mcp.call_tool("add_task", {"tasks": batch})
    assert result.is_error
    assert "tasks[2]" in text_of(result)
    assert await amy.tasks() == []


async def test_an_unreadable_due_date_refuses_the_whole_batch(
    amys_mcp: Client, amy: Chatter
) -> None:
    batch = [{"title": "Fine"}, {"title": "When?", "due_date": "blorpday at noonish"}]
    result = await amys_mcp.call_tool("add_task", {"tasks": batch})
    assert result.is_error
    assert "tasks[1]" in text_of(result)
    assert await amy.tasks() == []


async def test_a_batch_of_fifty_one_is_refused(amys_mcp: Client, amy: Chatter) -> None:
    batch = [{"title": f"Task {n}"} for n in range(51)]
    result = await amys_mcp.call_tool("add_task", {"tasks": batch})
    assert result.is_error
    assert await amy.tasks() == []


async def test_after_a_refused_batch_numbering_goes_on_without_a_gap(
    amys_mcp: Client,
) -> None:
    await amys_mcp.call_tool("add_task", {"tasks": [{"title": "ok"}, {"title": ""}]})
    result = structured(await amys_mcp.call_tool("add_task", {"title": "First real"}))
    assert result["task_id"] == 1


async def test_title_and_tasks_together_are_refused(amys_mcp: Client, amy: Chatter) -> None:
    result = await amys_mcp.call_tool("add_task", {"title": "One", "tasks": [{"title": "Two"}]})
    assert result.is_error
    assert "either" in text_of(result)
    assert await amy.tasks() == []


async def test_neither_title_nor_tasks_is_refused(amys_mcp: Client) -> None:
    result = await amys_mcp.call_tool("add_task", {})
    assert result.is_error
    assert "either a title" in text_of(result)


async def test_update_task_with_status_pending_reopens_a_completed_task(
    amys_mcp: Client, amy: Chatter
) -> None:
    await amy.add_task("Buy milk")
    await amy.complete(1)
    result = structured(
        await amys_mcp.call_tool("update_task", {"task_id": 1, "status": "pending"})
    )
    assert (result["task"]["status"], result["task"]["completed"]) == ("pending", False)
    stored = await amy.task(1)
    assert (stored["status"], stored["completed_at"]) == ("pending", None)


async def test_update_task_can_set_in_progress(amys_mcp: Client, amy: Chatter) -> None:
    await amy.add_task("Write report")
    await amys_mcp.call_tool("update_task", {"task_id": 1, "status": "in_progress"})
    assert await amy.statuses() == {1: "in_progress"}


async def test_update_task_with_status_completed_sets_completed_at(
    amys_mcp: Client, amy: Chatter
) -> None:
    await amy.add_task("Write report")
    result = structured(
        await amys_mcp.call_tool("update_task", {"task_id": 1, "status": "completed"})
    )
    assert result["task"]["completed"] is True
    assert result["task"]["completed_at"] is not None
    assert (await amy.task(1))["completed_at"] is not None


async def test_update_task_refuses_an_unknown_status(amys_mcp: Client, amy: Chatter) -> None:
    await amy.add_task("Write report")
    result = await amys_mcp.call_tool("update_task", {"task_id": 1, "status": "done-ish"})
    assert result.is_error
    assert await amy.statuses() == {1: "pending"}


async def test_add_task_returns_the_stored_task_with_due_date_in_utc_and_local(
    amys_mcp: Client,
) -> None:
    result = structured(
        await amys_mcp.call_tool("add_task", {"title": "Buy milk", "due_date": "2031-05-01T17:00"})
    )
    assert (result["task_id"], result["status"], result["title"]) == (1, "created", "Buy milk")
    task = result["task"]
    assert task["due_at"] == "2031-05-01T15:00:00Z"
    assert task["due_local"] == "2031-05-01T17:00:00+02:00"
    assert (task["number"], task["status"], task["completed"]) == (1, "pending", False)


async def test_add_task_answers_with_a_short_text_not_a_json_dump(amys_mcp: Client) -> None:
    result = await amys_mcp.call_tool(
        "add_task", {"title": "Buy milk", "due_date": "2031-05-01T17:00"}
    )
    assert text_of(result) == "Added task #1 'Buy milk', due Thu 01 May 2031 17:00"


async def test_complete_task_returns_the_stored_task(amys_mcp: Client, amy: Chatter) -> None:
    await amy.add_task("Pay rent", due_at="2031-01-10")
    result = structured(await amys_mcp.call_tool("complete_task", {"task_id": 1}))
    assert result["status"] == "completed"
    assert result["task"]["completed"] is True
    assert result["task"]["due_local"] == "2031-01-10T23:59:59+01:00"
    assert result["task"]["due_at"] == "2031-01-10T22:59:59Z"


async def test_delete_task_returns_the_task_as_it_was(amys_mcp: Client, amy: Chatter) -> None:
    await amy.add_task("Pay rent", due_at="2031-01-10")
    result = structured(await amys_mcp.call_tool("delete_task", {"task_id": 1}))
    assert result["status"] == "deleted"
    assert result["task"]["title"] == "Pay rent"
    assert result["task"]["due_at"] == "2031-01-10T22:59:59Z"
    assert await amy.tasks() == []


async def test_update_task_returns_the_task_as_stored(amys_mcp: Client, amy: Chatter) -> None:
    await amy.add_task("Pay rent")
    result = structured(
        await amys_mcp.call_tool(
            "update_task", {"task_id": 1, "priority": "urgent", "due_date": "2031-07-01T09:30"}
        )
    )
    assert result["status"] == "updated"
    assert result["task"]["priority"] == "urgent"
    assert result["task"]["due_local"] == "2031-07-01T09:30:00+02:00"
    assert result["task"]["due_at"] == "2031-07-01T07:30:00Z"
