"""Conversations: create, find, list, rename and delete one user's chat threads."""

from __future__ import annotations

import math
import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.errors import BusyError, InvalidInputError, NotFoundError
from todochat.models import Conversation
from todochat.models.conversation import SUMMARY_MAX_LENGTH
from todochat.services.limits import check_metadata, check_text, clamp_limit, clean_title
from todochat.services.pagination import (
    Page,
    SortKey,
    after_cursor,
    decode_cursor,
    order_by,
    page_of,
)
from todochat.services.persistence import insert_row

_NEWEST_FIRST = [
    SortKey(col(Conversation.updated_at), "datetime", descending=True),
    SortKey(col(Conversation.id), "uuid", descending=True),
]


class ConversationChanges(BaseModel):
    """A partial update: only the fields that were set are changed."""

    title: str | None = None
    summary: str | None = None
    metadata: dict[str, Any] | None = None


async def create_conversation(
    session: AsyncSession,
    user_id: str,
    *,
    title: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> Conversation:
    """A new, empty conversation. Without a title, the first user message names it."""
    conversation = Conversation(
        user_id=user_id,
        title=clean_title(title) if title is not None else None,
        meta=check_metadata(metadata),
    )
    return await insert_row(session, conversation)


async def get_conversation(
    session: AsyncSession, user_id: str, conversation_id: uuid.UUID
) -> Conversation:
    """The user's conversation; NotFoundError for a missing or foreign one."""
    statement = select(Conversation).where(
        col(Conversation.id) == conversation_id, col(Conversation.user_id) == user_id
    )
    conversation = (await session.exec(statement)).first()
    if conversation is None:
        raise NotFoundError("conversation not found")
    return conversation


async def list_conversations(
    session: AsyncSession, user_id: str, *, limit: int | None = None, cursor: str | None = None
) -> Page[Conversation]:
    """One page of the user's conversations, most recently active first."""
    page_size = clamp_limit(limit)
    statement = select(Conversation).where(col(Conversation.user_id) == user_id)
    if cursor:
        values = decode_cursor(cursor, "newest", _NEWEST_FIRST)
        statement = statement.where(after_cursor(_NEWEST_FIRST, values))
    statement = statement.order_by(*order_by(_NEWEST_FIRST)).limit(page_size + 1)
    rows = (await session.exec(statement)).all()
    return page_of(rows, page_size, "newest", lambda c: [c.updated_at, c.id])


async def update_conversation(
    session: AsyncSession,
    user_id: str,
    conversation_id: uuid.UUID,
    changes: ConversationChanges,
) -> Conversation:
    """Rename the conversation or change its summary or metadata."""
    given = changes.model_fields_set
    values: dict[str, Any] = {}
    if "title" in given:
        values["title"] = clean_title(changes.title)
    if "summary" in given:
        summary = check_text(changes.summary or "", "summary").strip()
        if len(summary) > SUMMARY_MAX_LENGTH:
            raise InvalidInputError(
                f"summary must be at most {SUMMARY_MAX_LENGTH} characters", "summary"
            )
        values["summary"] = summary or None
    if "metadata" in given:
        values["meta"] = check_metadata(changes.metadata)
    if not values:
        return await get_conversation(session, user_id, conversation_id)
    statement = (
        update(Conversation)
        .where(col(Conversation.id) == conversation_id, col(Conversation.user_id) == user_id)
        .values(values)
        .returning(Conversation)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    conversation: Conversation | None = (await session.exec(statement)).scalar_one_or_none()
    if conversation is None:
        raise NotFoundError("conversation not found")
    return conversation


async def delete_conversation(
    session: AsyncSession, user_id: str, conversation_id: uuid.UUID
) -> None:
    """Delete the conversation and, by cascade, its messages."""
    statement = (
        delete(Conversation)
        .where(col(Conversation.id) == conversation_id, col(Conversation.user_id) == user_id)
        .returning(col(Conversation.id))
    )
    if (await session.exec(statement)).scalar_one_or_none() is None:
        raise NotFoundError("conversation not found")


async def check_turn_free(
    session: AsyncSession, user_id: str, conversation_id: uuid.UUID, now: datetime
) -> None:
    """Why a chat turn could not hold the conversation: NotFoundError for a missing or
    foreign one, BusyError (with when to retry) while another unexpired turn holds
    it; nothing if that turn is over now (the hold can be tried again)."""
    statement = select(col(Conversation.id), col(Conversation.turn_expires_at)).where(
        col(Conversation.id) == conversation_id, col(Conversation.user_id) == user_id
    )
    row = (await session.exec(statement)).first()
    if row is None:
        raise NotFoundError("conversation not found")
    held_until = row[1]
    if held_until is not None and held_until > now:
        raise busy(math.ceil((held_until - now).total_seconds()))


def busy(retry_after: int) -> BusyError:
    """The error of a turn refused while another turn of its conversation runs."""
    return BusyError(
        "another message of this conversation is being answered, try again shortly",
        max(1, retry_after),
    )
