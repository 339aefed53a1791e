"""What the conversation so far tells the built-in agent, read from stored messages.

Each assistant message keeps, in its metadata, what its turn was `about` (the tasks
"it" means next), what it `shown` (a listing, for "the second one"), the `action` it
took or asked about (for "and task 7 too") and what it is `awaiting` (the answer to
"which one?"). Turns of other agents carry no such metadata: their stored tool calls
(`{count, task_ids}` for a listing, `task_id` for a change) say the same.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol


class Stored(Protocol):
    """A stored message, as far as memory reads it."""

    @property
    def role(self) -> str: ...

    @property
    def tool_calls(self) -> list[dict[str, Any]] | None: ...

    @property
    def metadata(self) -> dict[str, Any]: ...


def _replies(history: Sequence[Stored]) -> Iterator[Stored]:
    """The assistant's messages, newest first."""
    return (entry for entry in reversed(history) if entry.role == "assistant")


def _numbers(value: Any) -> list[int]:
    return [n for n in value if isinstance(n, int)] if isinstance(value, list) else []


def last_shown(history: Sequence[Stored]) -> list[int]:
    """The task numbers of the last list shown in the conversation."""
    for entry in _replies(history):
        if shown := _numbers((entry.metadata or {}).get("shown")):
            return shown
        for call in reversed(entry.tool_calls or []):
            result = call.get("result") if call.get("name") == "list_tasks" else None
            if isinstance(result, dict) and (listed := _numbers(result.get("task_ids"))):
                return listed
    return []


def last_about(history: Sequence[Stored]) -> list[int]:
    """The tasks the conversation was last about ("it", "that one")."""
    for entry in _replies(history):
        if about := _numbers((entry.metadata or {}).get("about")):
            return about
        for call in reversed(entry.tool_calls or []):
            result = call.get("result")
            if call.get("name") == "delete_task" or not isinstance(result, dict):
                continue
            if isinstance(result.get("task_id"), int):
                return [int(result["task_id"])]
    return []


def _last_metadata(history: Sequence[Stored], key: str) -> dict[str, Any] | None:
    last = next(_replies(history), None)
    value = (last.metadata or {}).get(key) if last is not None else None
    return value if isinstance(value, dict) else None


def last_action(history: Sequence[Stored]) -> dict[str, Any] | None:
    """What the previous turn changed or asked to change: `{intent, change}`."""
    return _last_metadata(history, "action")


def awaiting(history: Sequence[Stored]) -> tuple[str, list[int], dict[str, Any]] | None:
    """The question the previous turn asked: its intent, the candidate tasks and the
    change waiting for the answer."""
    asked = _last_metadata(history, "awaiting")
    if asked is None or not (candidates := _numbers(asked.get("candidates"))):
        return None
    change = asked.get("change")
    return str(asked.get("intent")), candidates, change if isinstance(change, dict) else {}
