"""Labels through the MCP tools, with the official client: given by add_task, shown in
results, filtered on by list_tasks, set, added and taken off by update_task."""

from __future__ import annotations

from mcp import Client

from .conftest import structured


async def test_add_task_gives_labels_and_the_result_shows_them(amys_mcp: Client) -> None:
    result = await amys_mcp.call_tool("add_task", {"title": "Buy milk", "labels": ["#errands"]})

    assert structured(result)["task"]["labels"] == ["errands"]


async def test_list_tasks_filters_by_label(amys_mcp: Client) -> None:
    await amys_mcp.call_tool("add_task", {"title": "Buy milk", "labels": ["errands"]})
    await amys_mcp.call_tool("add_task", {"title": "Report", "labels": ["work"]})

    result = await amys_mcp.call_tool("list_tasks", {"label": "Work"})

    assert [(t["id"], t["labels"]) for t in structured(result)["tasks"]] == [(2, ["work"])]


async def test_update_task_adds_and_takes_off_labels(amys_mcp: Client) -> None:
    await amys_mcp.call_tool("add_task", {"title": "Report", "labels": ["work", "draft"]})

    result = await amys_mcp.call_tool(
        "update_task", {"task_id": 1, "add_labels": ["q4"], "remove_labels": ["DRAFT"]}
    )

    assert structured(result)["task"]["labels"] == ["q4", "work"]


async def test_a_task_without_labels_keeps_the_original_result_shape(amys_mcp: Client) -> None:
    result = await amys_mcp.call_tool("add_task", {"title": "Plain"})

    assert "labels" not in structured(result)["task"]
