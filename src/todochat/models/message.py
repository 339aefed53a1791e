"""Messages: one turn of a conversation, ordered by `seq`."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Text, UniqueConstraint
from sqlmodel import Field

from todochat.models.base import JSONType, Timestamped, metadata_field, string_enum

# What one message may hold: a person types short messages, an assistant may list a lot.
USER_MESSAGE_MAX_LENGTH = 1000
ASSISTANT_MESSAGE_MAX_LENGTH = 32_000


class MessageRole(StrEnum):
    USER = "user"
    ASSISTANT = "assistant"
    SYSTEM = "system"
    TOOL = "tool"


class Message(Timestamped, table=True):
    """A message. `tool_calls` holds `[{name, arguments, result | error}]`."""

    __tablename__ = "messages"
    __table_args__ = (
        # (conversation_id, user_id) must name a conversation of that very user.
        ForeignKeyConstraint(
            ["conversation_id", "user_id"],
            ["conversations.id", "conversations.user_id"],
            ondelete="CASCADE",
        ),
        UniqueConstraint("conversation_id", "seq"),
        CheckConstraint("seq > 0", name="seq_positive"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    conversation_id: uuid.UUID
    user_id: str = Field(max_length=64)
    seq: int
    role: MessageRole = Field(sa_type=string_enum(MessageRole, "message_role"))
    content: str = Field(sa_type=Text)
    tool_calls: list[dict[str, Any]] | None = Field(default=None, sa_type=JSONType)
    meta: dict[str, Any] = metadata_field()
