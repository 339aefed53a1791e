"""Messages: append to a conversation, read its history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.errors import InvalidInputError, NotFoundError
from todochat.models import Conversation, Message, MessageRole, utcnow
from todochat.models.conversation import TITLE_FROM_MESSAGE_LENGTH
from todochat.models.message import ASSISTANT_MESSAGE_MAX_LENGTH, USER_MESSAGE_MAX_LENGTH
from todochat.services import conversations
from todochat.services.limits import check_json_text, check_metadata, check_text, clamp_limit
from todochat.services.persistence import insert_row

# How much history an agent sees unless told otherwise.
HISTORY_MAX_MESSAGES = 20
HISTORY_MAX_CHARS = 12_000


def check_content(role: MessageRole, content: str) -> str:
    """The content if it fits the limits of its role; InvalidInputError otherwise."""
    check_text(content, "content")
    if role in (MessageRole.USER, MessageRole.SYSTEM) and not content.strip():
        raise InvalidInputError("message must not be empty", "content")
    limit = USER_MESSAGE_MAX_LENGTH if role == MessageRole.USER else ASSISTANT_MESSAGE_MAX_LENGTH
    if len(content) > limit:
        raise InvalidInputError(f"message must be at most {limit} characters", "content")
    return content


def title_from_message(content: str) -> str:
    """A conversation title from its first user message: one line, cut to length."""
    limit = TITLE_FROM_MESSAGE_LENGTH
    flat = " ".join(content.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class TurnHold:
    """A chat turn's hold on its conversation: taken with the user message, let go
    with the reply, so that one turn at a time runs (see `next_seq`)."""

    token: str
    until: datetime
    now: datetime


async def next_seq(
    session: AsyncSession,
    user_id: str,
    conversation_id: uuid.UUID,
    *,
    title_from: str | None = None,
    take: TurnHold | None = None,
    release: str | None = None,
) -> int:
    """The conversation's next message number, in one UPDATE … RETURNING that also
    moves updated_at and, given `title_from`, names an untitled conversation.

    The row lock it takes serialises concurrent appends. With `take`, the same
    statement holds the conversation for a chat turn, and finds no row while another
    unexpired turn holds it (BusyError, after a look at why); with `release`, it lets
    go of the hold taken with that token (unless it expired and was taken over).
    """
    conversation = Conversation.__table__.c  # type: ignore[attr-defined]
    values: dict[str, Any] = {"message_seq": conversation.message_seq + 1, "updated_at": utcnow()}
    where = [conversation.id == conversation_id, conversation.user_id == user_id]
    if title_from is not None:
        values["title"] = func.coalesce(conversation.title, title_from_message(title_from))
    if take is not None:
        values.update(turn_token=take.token, turn_expires_at=take.until)
        where.append(
            or_(conversation.turn_expires_at.is_(None), conversation.turn_expires_at <= take.now)
        )
    if release is not None:
        ours = conversation.turn_token == release
        values.update(
            turn_token=case((ours, None), else_=conversation.turn_token),
            turn_expires_at=case((ours, None), else_=conversation.turn_expires_at),
        )
    statement = (
        update(Conversation)
        .where(*where)
        .values(values)
        .returning(conversation.message_seq)
        .execution_options(synchronize_session=False)
    )
    # A refused hold may find the other turn over already (it ended in between): the
    # statement is tried again, a few times at most.
    for _attempt in range(3):
        seq = (await session.exec(statement)).scalar_one_or_none()
        if seq is not None:
            return int(seq)
        if take is None:
            raise NotFoundError("conversation not found")
        await conversations.check_turn_free(session, user_id, conversation_id, take.now)
    raise conversations.busy(1)


async def insert_message(
    session: AsyncSession,
    user_id: str,
    conversation_id: uuid.UUID,
    seq: int,
    *,
    role: MessageRole,
    content: str,
    tool_calls: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
) -> Message:
    """Store a message at `seq` (from `next_seq`)."""
    role = MessageRole(role)
    content = check_content(role, content)
    check_json_text(tool_calls, "tool_calls")
    message = Message(
        conversation_id=conversation_id,
        user_id=user_id,
        seq=seq,
        role=role,
        content=content,
        tool_calls=tool_calls,
        meta=check_metadata(metadata),
    )
    return await insert_row(session, message)


async def append_message(
    session: AsyncSession,
    user_id: str,
    conversation_id: uuid.UUID,
    *,
    role: MessageRole,
    content: str,
    tool_calls: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
    release: str | None = None,
) -> Message:
    """Add a message at the end of the user's conversation (the first user message
    of an untitled conversation names it); with `release`, the turn holding the
    conversation with that token lets go of it in the same statement."""
    role = MessageRole(role)
    content = check_content(role, content)
    check_json_text(tool_calls, "tool_calls")
    seq = await next_seq(
        session,
        user_id,
        conversation_id,
        title_from=content if role == MessageRole.USER else None,
        release=release,
    )
    return await insert_message(
        session,
        user_id,
        conversation_id,
        seq,
        role=role,
        content=content,
        tool_calls=tool_calls,
        metadata=metadata,
    )


async def _require_conversation(
    session: AsyncSession, user_id: str, conversation_id: uuid.UUID
) -> None:
    statement = select(col(Conversation.id)).where(
        col(Conversation.id) == conversation_id, col(Conversation.user_id) == user_id
    )
    if (await session.exec(statement)).first() is None:
        raise NotFoundError("conversation not found")


async def list_messages(
    session: AsyncSession,
    user_id: str,
    conversation_id: uuid.UUID,
    *,
    limit: int | None = None,
    before: int | None = None,
    after: int | None = None,
) -> list[Message]:
    """A page of the conversation in seq order.

    With `after`, the first `limit` messages after that seq; otherwise the last
    `limit` messages (before `before`, when given).
    """
    page_size = clamp_limit(limit)
    statement = select(Message).where(
        col(Message.conversation_id) == conversation_id, col(Message.user_id) == user_id
    )
    if before is not None:
        statement = statement.where(col(Message.seq) < before)
    if after is not None:
        statement = statement.where(col(Message.seq) > after)
        statement = statement.order_by(col(Message.seq).asc()).limit(page_size)
        page = list((await session.exec(statement)).all())
    else:
        statement = statement.order_by(col(Message.seq).desc()).limit(page_size)
        page = list(reversed((await session.exec(statement)).all()))
    if not page:
        await _require_conversation(session, user_id, conversation_id)
    return page


async def recent_history(
    session: AsyncSession,
    user_id: str,
    conversation_id: uuid.UUID,
    *,
    max_messages: int | None = None,
    max_chars: int | None = None,
) -> list[Message]:
    """The latest messages for an agent, oldest first, within a count and a budget of
    characters (the newest message is always included)."""
    max_messages = max_messages or HISTORY_MAX_MESSAGES
    max_chars = max_chars or HISTORY_MAX_CHARS
    statement = (
        select(Message)
        .where(col(Message.conversation_id) == conversation_id, col(Message.user_id) == user_id)
        .order_by(col(Message.seq).desc())
        .limit(max_messages)
    )
    newest_first = (await session.exec(statement)).all()
    if not newest_first:
        await _require_conversation(session, user_id, conversation_id)
    kept: list[Message] = []
    used = 0
    for message in newest_first:
        used += len(message.content)
        if kept and used > max_chars:
            break
        kept.append(message)
    kept.reverse()
    return kept
