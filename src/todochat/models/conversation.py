"""Conversations: a thread of messages between a user and the assistant."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, Text, UniqueConstraint
from sqlmodel import Field

from todochat.models.base import Timestamped, UTCDateTime, metadata_field

# A title taken from the first user message is cut to this many characters.
TITLE_FROM_MESSAGE_LENGTH = 100
SUMMARY_MAX_LENGTH = 4000


class Conversation(Timestamped, table=True):
    """`message_seq` is the last message number handed out in this conversation.

    `turn_token` and `turn_expires_at` are the chat turn lock: a turn in progress
    holds it until its reply is stored, or until it expires (a crashed process)."""

    __tablename__ = "conversations"
    __table_args__ = (
        # The target of messages' composite foreign key: a message's user must be
        # its conversation's owner.
        UniqueConstraint("id", "user_id"),
        CheckConstraint("message_seq >= 0", name="message_seq_non_negative"),
        Index(None, "user_id", "updated_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: str = Field(foreign_key="users.id", ondelete="CASCADE", max_length=64)
    title: str | None = Field(default=None, max_length=200)
    summary: str | None = Field(default=None, sa_type=Text)
    message_seq: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    meta: dict[str, Any] = metadata_field()
    turn_token: str | None = Field(default=None, max_length=36)
    turn_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
