"""Idempotency keys: the first response to a keyed POST, kept so a retry replays it."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from todochat.models.base import timestamp_field

IDEMPOTENCY_KEY_MAX_LENGTH = 255
FINGERPRINT_MAX_LENGTH = 128


class IdempotencyKey(SQLModel, table=True):
    """One `Idempotency-Key` a user sent: what it was sent with (method, path and a
    hash of the body) and the response it got. `status_code` is null while the request
    that claimed the key is still running (a chat turn spans several transactions)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: str = Field(foreign_key="users.id", ondelete="CASCADE", max_length=64)
    key: str = Field(max_length=IDEMPOTENCY_KEY_MAX_LENGTH)
    fingerprint: str = Field(max_length=FINGERPRINT_MAX_LENGTH)
    status_code: int | None = Field(default=None)
    response_body: str | None = Field(default=None, sa_type=Text)
    created_at: datetime | None = timestamp_field()
