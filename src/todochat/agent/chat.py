"""The chat turn, stateless: everything it needs comes from the database, and
everything it produces goes back there before the answer is returned.

1. load or create the conversation (owner-checked); 2. load the recent history;
3. store the user message; 4. run the agent with the tools acting as the user;
5. store the assistant message with its tool calls; 6. return the result.
A failing agent still leaves an assistant message saying what went wrong.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from mcp.server.mcpserver import MCPServer

from todochat.agent.base import (
    Agent,
    AgentError,
    AgentReply,
    AgentRequest,
    HistoryEntry,
    ReplyDone,
    TextDelta,
    ToolCalled,
)
from todochat.agent.toolbox import Toolbox, ToolCallRecord
from todochat.config import Settings
from todochat.db import Database
from todochat.models import Message, MessageRole, User
from todochat.services import conversations, messages

logger = logging.getLogger("todochat.chat")


@dataclass(frozen=True)
class ChatResult:
    """What a turn returns: `{conversation_id, response, tool_calls}`."""

    conversation_id: uuid.UUID
    response: str
    tool_calls: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {
            "conversation_id": str(self.conversation_id),
            "response": self.response,
            "tool_calls": self.tool_calls,
        }


@dataclass(frozen=True)
class TurnStarted:
    conversation_id: uuid.UUID


@dataclass(frozen=True)
class TurnDone:
    result: ChatResult


@dataclass(frozen=True)
class TurnFailed:
    """The agent failed; the failure is stored in the conversation too."""

    conversation_id: uuid.UUID
    error: AgentError


ChatEvent = TurnStarted | ToolCalled | TextDelta | TurnDone | TurnFailed


def _history_entry(message: Message) -> HistoryEntry:
    return HistoryEntry(
        role=str(message.role),
        content=message.content,
        tool_calls=message.tool_calls,
        metadata=dict(message.meta or {}),
    )


class ChatFlow:
    """Runs chat turns for any user against the database, the tools and an agent."""

    def __init__(
        self, database: Database, mcp_server: MCPServer, agent: Agent, settings: Settings
    ) -> None:
        self.database = database
        self.mcp_server = mcp_server
        self.agent = agent
        self.settings = settings

    async def stream(
        self, user: User, message: str, conversation_id: uuid.UUID | None = None
    ) -> AsyncIterator[ChatEvent]:
        """One turn as events; input errors (too long, unknown conversation) raise
        before anything is stored."""
        messages.check_content(MessageRole.USER, message)
        async with self.database.session() as session:
            if conversation_id is None:
                conversation_id = (await conversations.create_conversation(session, user.id)).id
                history: list[Message] = []
            else:  # NotFoundError for another user's conversation, as for a missing one
                history = await messages.recent_history(
                    session,
                    user.id,
                    conversation_id,
                    max_messages=self.settings.history_max_messages,
                    max_chars=self.settings.history_max_chars,
                )
            await messages.append_message(
                session, user.id, conversation_id, role=MessageRole.USER, content=message
            )
        yield TurnStarted(conversation_id)

        tools = Toolbox(self.mcp_server, user.id)
        try:
            reply = None
            async with tools:
                request = AgentRequest(
                    user_id=user.id,
                    timezone=user.timezone,
                    message=message,
                    history=[_history_entry(m) for m in history],
                    tools=tools,
                )
                async for event in self.agent.stream(request):
                    if isinstance(event, ReplyDone):
                        reply = event.reply
                    else:
                        yield event
            if reply is None:
                raise AgentError("the assistant ended without an answer")
        except AgentError as exc:
            await self._store_failure(user, conversation_id, exc, tools.calls)
            yield TurnFailed(conversation_id, exc)
            return
        except Exception as exc:
            logger.exception("chat turn failed", exc_info=exc)
            error = AgentError(
                "the assistant failed unexpectedly", code="internal_error", status=500
            )
            await self._store_failure(user, conversation_id, error, tools.calls)
            yield TurnFailed(conversation_id, error)
            return

        stored = await self._store_reply(user, conversation_id, reply)
        yield TurnDone(
            ChatResult(
                conversation_id=conversation_id,
                response=stored.content,
                tool_calls=stored.tool_calls or [],
            )
        )

    async def run(
        self, user: User, message: str, conversation_id: uuid.UUID | None = None
    ) -> ChatResult | TurnFailed:
        """One turn to its end: the result, or the stored failure."""
        async for event in self.stream(user, message, conversation_id):
            if isinstance(event, TurnDone | TurnFailed):
                return event.result if isinstance(event, TurnDone) else event
        raise AgentError("the chat turn ended without a result")

    async def _store_reply(
        self, user: User, conversation_id: uuid.UUID, reply: AgentReply
    ) -> Message:
        limit = self.settings.assistant_message_max_length
        text = reply.text if len(reply.text) <= limit else reply.text[: limit - 1] + "…"
        return await self._store_assistant(
            user, conversation_id, text or "Done.", reply.tool_calls, reply.metadata or None
        )

    async def _store_failure(
        self,
        user: User,
        conversation_id: uuid.UUID,
        error: AgentError,
        calls: list[ToolCallRecord],
    ) -> None:
        try:
            await self._store_assistant(
                user,
                conversation_id,
                f"Sorry, I couldn't answer: {error.message}.",
                calls,
                {"error": error.code},
            )
        except Exception:  # the turn has failed already; keep the first error
            logger.exception("could not store the failed turn")

    async def _store_assistant(
        self,
        user: User,
        conversation_id: uuid.UUID,
        content: str,
        calls: list[ToolCallRecord],
        metadata: dict[str, Any] | None,
    ) -> Message:
        async with self.database.session() as session:
            return await messages.append_message(
                session,
                user.id,
                conversation_id,
                role=MessageRole.ASSISTANT,
                content=content,
                tool_calls=[call.as_json() for call in calls] or None,
                metadata=metadata,
            )
