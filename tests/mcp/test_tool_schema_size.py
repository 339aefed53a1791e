"""The tools as the LLM agent sends them to the model (bench/tool_schemas.py): user_id
hidden by default, which makes them fewer tokens, and one example per description."""

from __future__ import annotations

import json

from bench.tool_schemas import encoding, measure, openai_tools

TOOLS = {"add_task", "list_tasks", "complete_task", "delete_task", "update_task"}


async def test_the_agent_gets_the_five_tools_as_chat_completions_functions() -> None:
    entries = await openai_tools(advertise_user_id=False)
    assert {entry["function"]["name"] for entry in entries} == TOOLS
    for entry in entries:
        assert entry["type"] == "function"
        assert {"name", "description", "parameters"} <= entry["function"].keys()


async def test_user_id_is_absent_from_the_default_schemas() -> None:
    for entry in await openai_tools(advertise_user_id=False):
        assert "user_id" not in entry["function"]["parameters"]["properties"], entry
        assert "user_id" not in json.dumps(entry), entry["function"]["name"]


async def test_the_baseline_advertises_user_id_on_every_tool() -> None:
    for entry in await openai_tools(advertise_user_id=True):
        assert "user_id" in entry["function"]["parameters"]["properties"], entry


async def test_hiding_user_id_costs_fewer_tokens_per_tool_and_in_total() -> None:
    measured = await measure()
    for now, before in zip(measured["hidden"], measured["advertised"], strict=True):
        assert now.name == before.name
        assert now.tokens < before.tokens, now.name
        assert now.characters < before.characters, now.name


async def test_every_description_carries_one_example() -> None:
    for entry in await openai_tools(advertise_user_id=False):
        assert entry["function"]["description"].count("Example:") == 1, entry["function"]["name"]


def test_the_encoding_loads_offline_and_counts_tokens() -> None:
    # The BPE file ships in a package; nothing is downloaded.
    assert len(encoding().encode("add a task to buy milk")) > 0
