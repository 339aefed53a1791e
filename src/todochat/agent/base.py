"""The interface every agent implements, and what flows through it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from todochat.agent.toolbox import ToolCallRecord, Tools


@dataclass(frozen=True)
class HistoryEntry:
    """One stored message, as an agent sees it."""

    role: str
    content: str
    tool_calls: list[dict[str, Any]] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AgentRequest:
    """One turn: who speaks, what they said, what was said before, and the tools."""

    user_id: str
    timezone: str
    message: str
    history: list[HistoryEntry]
    tools: Tools
    # Whether the client streams (/chat/stream): the LLM agent then streams from the
    # provider too, unless its settings say otherwise.
    streaming: bool = False


@dataclass(frozen=True)
class AgentReply:
    """The agent's answer; `metadata` is stored with the assistant message."""

    text: str
    tool_calls: list[ToolCallRecord]
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ToolCalled:
    """Streamed when a tool call has finished."""

    call: ToolCallRecord


@dataclass(frozen=True)
class TextDelta:
    """Streamed as the answer's text arrives."""

    text: str


@dataclass(frozen=True)
class ReplyDone:
    """The last event of a turn."""

    reply: AgentReply


AgentEvent = ToolCalled | TextDelta | ReplyDone


class AgentError(Exception):
    """The agent could not answer. `status` is the HTTP status a caller should see
    (502 for a provider failure, 504 for a timeout). `detail` is what the provider
    said (never a secret), for the log and the stored note's metadata."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "agent_failed",
        status: int = 502,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.detail = detail


class Agent(Protocol):
    """Answers a turn, streaming tool calls and text, ending with ReplyDone.

    `answers_at_once` is True for an agent that never waits on a model (the built-in
    one): its tool calls and its reply are then one transaction. Otherwise each tool
    call is a short transaction of its own, so that none stays open while a model
    thinks.
    """

    name: str
    answers_at_once: bool

    def stream(self, request: AgentRequest) -> AsyncIterator[AgentEvent]: ...
