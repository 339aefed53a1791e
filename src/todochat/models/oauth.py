"""OAuth 2.1 for remote MCP clients: registered clients, authorization codes, and the
access and refresh tokens issued from them. Codes and tokens are stored as SHA-256
digests only; a client's secret too."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from todochat.models.access_token import SCOPES_MAX_LENGTH, TOKEN_HASH_LENGTH
from todochat.models.base import JSONType, UTCDateTime, string_enum, timestamp_field

CLIENT_ID_MAX_LENGTH = 64
RESOURCE_MAX_LENGTH = 2048


class OAuthClient(SQLModel, table=True):
    """A client that registered itself (RFC 7591): its metadata as it registered it,
    without the secret, whose digest is kept apart."""

    __tablename__ = "oauth_clients"

    client_id: str = Field(primary_key=True, max_length=CLIENT_ID_MAX_LENGTH)
    secret_hash: str | None = Field(default=None, max_length=TOKEN_HASH_LENGTH)
    info: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    created_at: datetime | None = timestamp_field()


class OAuthCode(SQLModel, table=True):
    """An authorization code a user granted, valid for minutes and for one exchange.
    `used_at` is set by the exchange: a second exchange revokes what the first got."""

    __tablename__ = "oauth_codes"

    code_hash: str = Field(primary_key=True, max_length=TOKEN_HASH_LENGTH)
    grant_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    client_id: str = Field(
        foreign_key="oauth_clients.client_id", ondelete="CASCADE", max_length=CLIENT_ID_MAX_LENGTH
    )
    user_id: str = Field(foreign_key="users.id", ondelete="CASCADE", max_length=64, index=True)
    scopes: str = Field(max_length=SCOPES_MAX_LENGTH)
    code_challenge: str = Field(max_length=128)
    redirect_uri: str = Field(sa_type=Text)
    redirect_uri_provided_explicitly: bool
    resource: str | None = Field(default=None, max_length=RESOURCE_MAX_LENGTH)
    expires_at: datetime = Field(sa_type=UTCDateTime())
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    created_at: datetime | None = timestamp_field()


class OAuthTokenKind(StrEnum):
    """An access token (short-lived, sent to /mcp) or a refresh token (single use,
    exchanged for a new pair)."""

    ACCESS = "access"
    REFRESH = "refresh"


class OAuthToken(SQLModel, table=True):
    """An issued token. Every token of one authorization shares its `grant_id`, so
    revoking one revokes them all."""

    __tablename__ = "oauth_tokens"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    token_hash: str = Field(max_length=TOKEN_HASH_LENGTH, unique=True)
    kind: OAuthTokenKind = Field(sa_type=string_enum(OAuthTokenKind, "oauth_token_kind"))
    grant_id: uuid.UUID = Field(index=True)
    client_id: str = Field(
        foreign_key="oauth_clients.client_id", ondelete="CASCADE", max_length=CLIENT_ID_MAX_LENGTH
    )
    user_id: str = Field(foreign_key="users.id", ondelete="CASCADE", max_length=64, index=True)
    scopes: str = Field(max_length=SCOPES_MAX_LENGTH)
    resource: str | None = Field(default=None, max_length=RESOURCE_MAX_LENGTH)
    expires_at: datetime = Field(sa_type=UTCDateTime())
    created_at: datetime | None = timestamp_field()
