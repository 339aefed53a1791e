"""Messages: append to a conversation, read its history."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.errors import InvalidInputError, NotFoundError
from todochat.models import Conversation, Message, MessageRole, utcnow
from todochat.models.conversation import TITLE_FROM_MESSAGE_LENGTH
from todochat.models.message import ASSISTANT_MESSAGE_MAX_LENGTH, USER_MESSAGE_MAX_LENGTH
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


async def append_message(
    session: AsyncSession,
    user_id: str,
    conversation_id: uuid.UUID,
    *,
    role: MessageRole,
    content: str,
    tool_calls: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
) -> Message:
    """Add a message at the end of the user's conversation.

    One UPDATE takes the next `seq` from conversations.message_seq, moves updated_at
    and, for the first user message of an untitled conversation, sets its title.
    The row lock it takes serialises concurrent appends to one conversation.
    """
    role = MessageRole(role)
    content = check_content(role, content)
    check_json_text(tool_calls, "tool_calls")
    values: dict[str, Any] = {
        "message_seq": col(Conversation.message_seq) + 1,
        "updated_at": utcnow(),
    }
    if role == MessageRole.USER:
        values["title"] = func.coalesce(col(Conversation.title), title_from_message(content))
    statement = (
        update(Conversation)
        .where(col(Conversation.id) == conversation_id, col(Conversation.user_id) == user_id)
        .values(values)
        .returning(col(Conversation.message_seq))
        .execution_options(synchronize_session=False)
    )
    seq = (await session.exec(statement)).scalar_one_or_none()
    if seq is None:
        raise NotFoundError("conversation not found")
    message = Message(
        conversation_id=conversation_id,
        user_id=user_id,
        seq=int(seq),
        role=role,
        content=content,
        tool_calls=tool_calls,
        meta=check_metadata(metadata),
    )
    return await insert_row(session, message)


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
