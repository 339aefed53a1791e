"""Personal access tokens: long-lived tokens a user makes for scripts and MCP clients."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from todochat.models.base import UTCDateTime, timestamp_field

TOKEN_NAME_MAX_LENGTH = 100
# A SHA-256 digest in hex: the token itself is shown once and never stored.
TOKEN_HASH_LENGTH = 64
SCOPES_MAX_LENGTH = 100


class PersonalAccessToken(SQLModel, table=True):
    """One token a user made: its name, what it may do, and when it was last used.
    Revoking deletes the row."""

    __tablename__ = "personal_access_tokens"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: str = Field(foreign_key="users.id", ondelete="CASCADE", max_length=64, index=True)
    name: str = Field(max_length=TOKEN_NAME_MAX_LENGTH)
    token_hash: str = Field(max_length=TOKEN_HASH_LENGTH, unique=True)
    # The token's first characters, so a user can tell their tokens apart.
    hint: str = Field(max_length=16)
    scopes: str = Field(max_length=SCOPES_MAX_LENGTH)
    created_at: datetime | None = timestamp_field()
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
