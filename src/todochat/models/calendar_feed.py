"""Calendar feeds: a secret address per user where calendar apps read the due tasks."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from todochat.models.base import timestamp_field

# A SHA-256 digest in hex: the feed's address is shown once and never stored.
FEED_HASH_LENGTH = 64


class CalendarFeed(SQLModel, table=True):
    """A user's calendar feed. Calendar apps can't send headers, so the secret is in
    the address; making a new one or revoking deletes this row, and with it the old
    address."""

    __tablename__ = "calendar_feeds"

    user_id: str = Field(
        foreign_key="users.id", ondelete="CASCADE", max_length=64, primary_key=True
    )
    token_hash: str = Field(max_length=FEED_HASH_LENGTH, unique=True)
    created_at: datetime | None = timestamp_field()
