"""The chat turn, stateless: everything it needs comes from the database, and
everything it produces goes back there before the answer is returned.

1. authenticate and load or create the conversation (owner-checked), load the recent
   history and store the user message: one short transaction;
2. run the agent with the tools acting as the user;
3. store the assistant message with its tool calls.
An agent that answers at once (the built-in one) does 2 and 3 in one transaction; an
LLM's tool calls are short transactions of their own, and its reply another, so that
no transaction stays open while a model thinks. A failing agent still leaves an
assistant message saying what went wrong.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.agent.base import (
    Agent,
    AgentError,
    AgentEvent,
    AgentReply,
    AgentRequest,
    HistoryEntry,
    ReplyDone,
    TextDelta,
    ToolCalled,
)
from todochat.agent.toolbox import DirectTools, McpConnection, McpTools, ToolCallRecord, Tools
from todochat.db import DATABASE_UNAVAILABLE, Database
from todochat.models import Message, MessageRole, User
from todochat.models.message import ASSISTANT_MESSAGE_MAX_LENGTH
from todochat.security.tokens import TokenIdentity
from todochat.services import auth, conversations, idempotency, messages, ratelimits
from todochat.services.idempotency import Claim, IdempotentRequest, StoredResponse

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
class TurnReplayed:
    """The turn's Idempotency-Key was answered before: that answer, nothing new done."""

    stored: StoredResponse


@dataclass(frozen=True)
class TurnFailed:
    """The agent failed; the failure is stored in the conversation too. `tool_calls`
    are the calls that ran before it (their changes stand)."""

    conversation_id: uuid.UUID
    error: AgentError
    tool_calls: list[dict[str, Any]] = field(default_factory=list)


ChatEvent = TurnStarted | ToolCalled | TextDelta | TurnDone | TurnFailed | TurnReplayed


def _history_entry(message: Message) -> HistoryEntry:
    return HistoryEntry(
        role=str(message.role),
        content=message.content,
        tool_calls=message.tool_calls,
        metadata=dict(message.meta or {}),
    )


@dataclass(frozen=True)
class _TurnInput:
    user: User
    conversation_id: uuid.UUID
    # Proves this turn holds the conversation (see messages.next_seq).
    turn_token: str
    message: str
    history: list[HistoryEntry]
    # The turn's Idempotency-Key claim, made in the first transaction and answered in
    # the last one (the reply, or the stored failure).
    claim: Claim | None = None
    # Whether the client streams the turn (/chat/stream).
    streaming: bool = False

    async def record(self, session: AsyncSession, status_code: int, body: Any) -> None:
        """Keep the turn's answer for its key, in the transaction that stores it."""
        if self.claim is not None:
            await idempotency.record(session, self.user.id, self.claim, status_code, body)

    def request(self, tools: Tools) -> AgentRequest:
        return AgentRequest(
            user_id=self.user.id,
            timezone=self.user.timezone,
            message=self.message,
            history=self.history,
            tools=tools,
            streaming=self.streaming,
        )


class ChatFlow:
    """Runs chat turns for any user against the database, the tools and an agent."""

    def __init__(
        self,
        database: Database,
        agent: Agent,
        tool_connection: McpConnection,
        *,
        history_max_messages: int,
        history_max_chars: int,
        turn_lock_seconds: float = 180.0,
        turns_per_minute: int | None = None,
    ) -> None:
        self.database = database
        self.agent = agent
        self.tool_connection = tool_connection
        self.history_max_messages = history_max_messages
        self.history_max_chars = history_max_chars
        self.turn_lock_seconds = turn_lock_seconds
        self.turns_per_minute = turns_per_minute

    async def stream(
        self,
        identity: TokenIdentity,
        message: str,
        conversation_id: uuid.UUID | None = None,
        key: IdempotentRequest | None = None,
        *,
        client_streams: bool = False,
    ) -> AsyncIterator[ChatEvent]:
        """One turn as events; input errors (too long, unknown conversation, a user
        who no longer exists, an Idempotency-Key reused or still running) raise before
        anything is stored. A key answered before gives one `TurnReplayed`.
        `client_streams` tells the agent that the client reads the events as they come."""
        messages.check_content(MessageRole.USER, message)
        turn = await self._begin(identity, message, conversation_id, key)
        if isinstance(turn, StoredResponse):
            yield TurnReplayed(turn)
            return
        turn = replace(turn, streaming=client_streams)
        yield TurnStarted(turn.conversation_id)
        events: list[ChatEvent] | AsyncIterator[ChatEvent]
        if self.agent.answers_at_once:
            events = await self._answer_at_once(turn)
        else:
            events = self._answer_with_model(turn)
        async for event in _iterate(events):
            yield event

    async def run(
        self,
        identity: TokenIdentity,
        message: str,
        conversation_id: uuid.UUID | None = None,
        key: IdempotentRequest | None = None,
    ) -> ChatResult | TurnFailed | TurnReplayed:
        """One turn to its end: the result, the stored failure, or the first answer to
        the turn's Idempotency-Key."""
        async for event in self.stream(identity, message, conversation_id, key):
            if isinstance(event, TurnDone):
                return event.result
            if isinstance(event, TurnFailed | TurnReplayed):
                return event
        raise AgentError("the chat turn ended without a result")

    async def _begin(
        self,
        identity: TokenIdentity,
        message: str,
        conversation_id: uuid.UUID | None,
        key: IdempotentRequest | None,
    ) -> _TurnInput | StoredResponse:
        """The first transaction: who speaks, the turn's key claimed (pending, so that
        a concurrent duplicate sees it), the conversation held for this turn, its
        history, and the user message stored. The first answer instead, when the key
        has one; BusyError while another turn of the conversation runs (nothing is
        stored then)."""
        token = str(uuid.uuid4())
        async with self.database.session() as session:
            user = await auth.user_for_identity(session, identity)
            await self._count_turn(session, user.id)
            claim = None
            if key is not None:
                outcome = await idempotency.claim(session, user.id, key)
                if isinstance(outcome, StoredResponse):
                    return outcome
                claim = outcome
            history: list[Message] = []
            is_new = conversation_id is None
            if conversation_id is None:
                conversation_id = (await conversations.create_conversation(session, user.id)).id
            # The user message's number, and the conversation held for this turn, in
            # one statement. NotFoundError for another user's conversation, as for a
            # missing one; BusyError while another turn holds it.
            now = datetime.now(UTC)
            hold = messages.TurnHold(token, now + timedelta(seconds=self.turn_lock_seconds), now)
            seq = await messages.next_seq(
                session, user.id, conversation_id, title_from=message, take=hold
            )
            if not is_new:
                history = await messages.recent_history(
                    session,
                    user.id,
                    conversation_id,
                    max_messages=self.history_max_messages,
                    max_chars=self.history_max_chars,
                )
            await messages.insert_message(
                session, user.id, conversation_id, seq, role=MessageRole.USER, content=message
            )
        history_entries = [_history_entry(m) for m in history]
        return _TurnInput(user, conversation_id, token, message, history_entries, claim)

    async def _count_turn(self, session: AsyncSession, user_id: str) -> None:
        """Turns per user per minute, counted in the database (every process shares
        the count) within the turn's first transaction."""
        if self.turns_per_minute is not None:
            await ratelimits.count_within_limit(
                session,
                f"chat:{user_id}",
                self.turns_per_minute,
                60,
                "too many messages, slow down a little",
            )

    async def _answer_at_once(self, turn: _TurnInput) -> list[ChatEvent]:
        """Tool calls and the reply in one transaction; the events are handed out once
        it is committed, so nothing is reported that did not happen."""
        events: list[ChatEvent] = []
        try:
            async with self.database.session() as session:
                tools = DirectTools(session, turn.user)
                reply = await _collect(self.agent.stream(turn.request(tools)), events)
                done = _done(turn, await _store_assistant(session, turn, *_reply_content(reply)))
                await turn.record(session, 200, done.result.as_json())
        except Exception as exc:
            # Rolled back: no tool call of this turn took effect, so none is reported.
            return [await self._fail(turn, exc, [])]
        return [*events, done]

    async def _answer_with_model(self, turn: _TurnInput) -> AsyncIterator[ChatEvent]:
        """Events as the model produces them; its tool calls commit one by one."""
        tools = McpTools(self.tool_connection, turn.user.id)
        try:
            reply = None
            async for event in self.agent.stream(turn.request(tools)):
                if isinstance(event, ReplyDone):
                    reply = event.reply
                else:
                    yield event
            if reply is None:
                raise AgentError("the assistant ended without an answer")
            async with self.database.session() as session:
                done = _done(turn, await _store_assistant(session, turn, *_reply_content(reply)))
                await turn.record(session, 200, done.result.as_json())
        except Exception as exc:
            # Calls already made stay made: the stored note lists them.
            yield await self._fail(turn, exc, tools.calls)
            return
        yield done

    async def _fail(
        self, turn: _TurnInput, exc: Exception, calls: list[ToolCallRecord]
    ) -> TurnFailed:
        """Store an assistant message saying what went wrong; the failure to report."""
        if isinstance(exc, DATABASE_UNAVAILABLE):
            # Nothing can be stored now, and trying would only wait out the bounds a
            # second time: the client hears 503 and the turn's rollback stands.
            logger.warning("chat turn failed: the database is unavailable (%s)", type(exc).__name__)
            return TurnFailed(turn.conversation_id, database_unavailable_error(), _listed(calls))
        if isinstance(exc, AgentError):
            error = exc
        else:
            logger.exception("chat turn failed", exc_info=exc)
            error = AgentError(
                "the assistant failed unexpectedly", code="internal_error", status=500
            )
        listed = _listed(calls)
        try:
            async with self.database.session() as session:
                content = f"Sorry, I couldn't answer: {error.message}.{_changes_made(calls)}"
                metadata = {"error": error.code}
                if error.detail:
                    metadata["detail"] = error.detail
                await _store_assistant(session, turn, content, calls, metadata)
                # A retry with the same key gets this failure back, as the first
                # request did: the turn happened (its messages are stored).
                body = failure_body(turn.conversation_id, error, listed)
                await turn.record(session, error.status, body)
        except Exception:  # the turn has failed already; keep the first error
            logger.exception("could not store the failed turn")
        return TurnFailed(turn.conversation_id, error, listed)


def database_unavailable_error() -> AgentError:
    """The failure of a turn whose database did not answer: 503, try again."""
    return AgentError(
        "the database is unavailable, try again shortly", code="unavailable", status=503
    )


def failure_body(
    conversation_id: uuid.UUID, error: AgentError, tool_calls: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The HTTP error body of a failed turn; the tool calls that ran before the
    failure, when there were any (their changes stand)."""
    return {
        "error": {
            "code": error.code,
            "message": error.message,
            "details": failure_details(conversation_id, tool_calls or []),
        }
    }


def failure_details(conversation_id: uuid.UUID, tool_calls: list[dict[str, Any]]) -> dict[str, Any]:
    """`details` of a failed turn's error: its conversation, and the calls that ran."""
    details: dict[str, Any] = {"conversation_id": str(conversation_id)}
    if tool_calls:
        details["tool_calls"] = tool_calls
    return details


def _listed(calls: list[ToolCallRecord]) -> list[dict[str, Any]]:
    return [call.as_json() for call in calls]


def _changes_made(calls: list[ToolCallRecord]) -> str:
    """The stored note's account of what changed before a failure ("" for nothing):
    a failed turn is not replayed to the model, so the note is what remains of it."""
    changes = []
    for call in calls:
        if not call.ok or call.name == "list_tasks":
            continue
        result = call.as_json()["result"]
        if isinstance(result, dict) and {"task_id", "status", "title"} <= result.keys():
            changes.append(f"task #{result['task_id']} “{result['title']}” {result['status']}")
        else:
            changes.append(f"{call.name} {call.arguments}")
    if not changes:
        return ""
    return f" Before that, these changes were made: {'; '.join(changes)}."


async def _iterate(events: list[ChatEvent] | AsyncIterator[ChatEvent]) -> AsyncIterator[ChatEvent]:
    if isinstance(events, list):
        for event in events:
            yield event
    else:
        async for event in events:
            yield event


async def _collect(stream: AsyncIterator[AgentEvent], events: list[ChatEvent]) -> AgentReply:
    """Run an agent's stream to its end, keeping its events; its final reply."""
    reply = None
    async for event in stream:
        if isinstance(event, ReplyDone):
            reply = event.reply
        else:
            events.append(event)
    if reply is None:
        raise AgentError("the assistant ended without an answer")
    return reply


def _reply_content(
    reply: AgentReply,
) -> tuple[str, list[ToolCallRecord], dict[str, Any] | None]:
    limit = ASSISTANT_MESSAGE_MAX_LENGTH
    text = reply.text if len(reply.text) <= limit else reply.text[: limit - 1] + "…"
    if not text.strip() and not reply.tool_calls:
        # Nothing said and nothing done: a failure to report, never a "Done.".
        raise AgentError("the model gave an empty reply", code="empty_reply")
    return text or "Done.", reply.tool_calls, reply.metadata or None


async def _store_assistant(
    session: AsyncSession,
    turn: _TurnInput,
    content: str,
    calls: list[ToolCallRecord],
    metadata: dict[str, Any] | None,
) -> Message:
    """The turn's last write: its reply (or failure) stored, and the conversation let
    go in the same transaction, so that the next turn sees the reply."""
    return await messages.append_message(
        session,
        turn.user.id,
        turn.conversation_id,
        role=MessageRole.ASSISTANT,
        content=content,
        tool_calls=[call.as_json() for call in calls] or None,
        metadata=metadata,
        # The conversation is let go in the same statement, so the next turn sees
        # this reply.
        release=turn.turn_token,
    )


def _done(turn: _TurnInput, stored: Message) -> TurnDone:
    return TurnDone(
        ChatResult(
            conversation_id=turn.conversation_id,
            response=stored.content,
            tool_calls=stored.tool_calls or [],
        )
    )
