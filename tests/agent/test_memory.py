"""What the conversation so far tells the agent, from stored messages alone."""

from __future__ import annotations

from todochat.agent.base import HistoryEntry
from todochat.agent.language import memory


def reply(tool_calls: list[dict[str, object]] | None = None, **metadata: object) -> HistoryEntry:
    return HistoryEntry("assistant", "…", tool_calls=tool_calls, metadata=dict(metadata))


def test_the_last_list_shown_comes_from_the_replys_metadata() -> None:
    history = [HistoryEntry("user", "what's left?"), reply(shown=[1, 2, 5])]
    assert memory.last_shown(history) == [1, 2, 5]


def test_without_metadata_a_stored_listing_is_the_list_shown() -> None:
    listing = {"name": "list_tasks", "arguments": {}, "result": {"count": 2, "task_ids": [4, 9]}}
    assert memory.last_shown([reply([listing])]) == [4, 9]


def test_it_means_the_task_the_last_reply_was_about() -> None:
    added = {"name": "add_task", "arguments": {}, "result": {"task_id": 11}}
    assert memory.last_about([reply([added])]) == [11]
    assert memory.last_about([reply([added]), reply(about=[3])]) == [3]


def test_a_deleted_task_is_never_it() -> None:
    deleted = {"name": "delete_task", "arguments": {}, "result": {"task_id": 4}}
    assert memory.last_about([reply([deleted])]) == []


def test_a_question_waits_for_its_answer_only_on_the_next_turn() -> None:
    asked = reply(awaiting={"intent": "delete", "candidates": [5, 10], "change": {}})
    assert memory.awaiting([asked]) == ("delete", [5, 10], {})
    assert memory.awaiting([asked, HistoryEntry("user", "hm"), reply()]) is None


def test_a_new_conversation_remembers_nothing() -> None:
    assert (memory.last_shown([]), memory.last_about([]), memory.last_action([])) == ([], [], None)
