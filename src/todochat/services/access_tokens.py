"""Personal access tokens: long-lived tokens a user makes for scripts and MCP clients.

The token text is shown once, when it is made; the database keeps only its digest and
a short hint. Revoking deletes the row, so a revoked token is simply unknown.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.errors import AuthenticationError, ConflictError, InvalidInputError, NotFoundError
from todochat.models import PersonalAccessToken, User
from todochat.models.access_token import TOKEN_NAME_MAX_LENGTH
from todochat.security import scopes as scope_names
from todochat.security.opaque import PERSONAL_ACCESS_TOKEN_PREFIX, digest, new_token
from todochat.services.limits import check_text
from todochat.services.persistence import insert_row

# Enough for every script and client a person runs; a runaway loop stops here.
MAX_TOKENS_PER_USER = 50
EXPIRY_MIN_DAYS = 1
EXPIRY_MAX_DAYS = 3650
# What the hint column holds: the prefix and the first random characters, enough to
# tell tokens apart and far too little to guess the rest.
HINT_LENGTH = 16
# last_used_at is written at most this often per token: a busy client must not turn
# every read into a write (on SQLite a write takes the database's one write lock).
LAST_USED_RESOLUTION = timedelta(seconds=60)


@dataclass(frozen=True)
class CreatedToken:
    """A new token's row and its text, which is never available again."""

    row: PersonalAccessToken
    token: str


@dataclass(frozen=True)
class TokenGrant:
    """What a verified personal access token allows: acting as `user_id`, within
    `scopes`."""

    user_id: str
    scopes: tuple[str, ...]
    token_id: uuid.UUID


def is_personal_access_token(token: str) -> bool:
    """Whether `token` is one of ours by its prefix (it may still be unknown)."""
    return token.startswith(PERSONAL_ACCESS_TOKEN_PREFIX)


def clean_name(name: str) -> str:
    """The name with its spaces collapsed; 1 to TOKEN_NAME_MAX_LENGTH characters."""
    cleaned = " ".join(check_text(name, "name").split())
    if not cleaned:
        raise InvalidInputError("name must not be empty", "name")
    if len(cleaned) > TOKEN_NAME_MAX_LENGTH:
        raise InvalidInputError(f"name must be at most {TOKEN_NAME_MAX_LENGTH} characters", "name")
    return cleaned


def check_scopes(asked: list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """The scopes asked for, in canonical order (all of them when None). Unlike OAuth,
    where a client gets what exists, an unknown name here is a mistake to report: the
    user typed it."""
    if asked is None:
        return scope_names.ALL
    unknown = sorted(set(asked) - set(scope_names.ALL))
    if unknown:
        raise InvalidInputError(
            f"unknown scope {unknown[0]!r}: use {' or '.join(scope_names.ALL)}", "scopes"
        )
    chosen = tuple(scope for scope in scope_names.ALL if scope in asked)
    if not chosen:
        raise InvalidInputError("a token needs at least one scope", "scopes")
    return chosen


def check_expiry(days: int | None) -> timedelta | None:
    """The lifetime for `days` (None: the token never expires)."""
    if days is None:
        return None
    if not EXPIRY_MIN_DAYS <= days <= EXPIRY_MAX_DAYS:
        raise InvalidInputError(
            f"expires_in_days must be between {EXPIRY_MIN_DAYS} and {EXPIRY_MAX_DAYS}, "
            "or null for a token that does not expire",
            "expires_in_days",
        )
    return timedelta(days=days)


async def create_token(
    session: AsyncSession,
    user_id: str,
    *,
    name: str,
    scopes: list[str] | tuple[str, ...] | None = None,
    expires_in_days: int | None = None,
    now: datetime | None = None,
) -> CreatedToken:
    """A new token for the user. Its text is in the result and nowhere else; the row
    keeps its digest. ConflictError once the user has MAX_TOKENS_PER_USER."""
    cleaned = clean_name(name)
    chosen = check_scopes(scopes)
    lifetime = check_expiry(expires_in_days)
    now = now or datetime.now(UTC)
    # The user row is locked while counting, so two concurrent creations cannot both
    # see room for one more (SQLite serialises writers anyway).
    locked = await session.exec(select(User.id).where(User.id == user_id).with_for_update())
    if locked.first() is None:
        raise NotFoundError("user not found")
    count = await session.exec(
        select(func.count()).where(col(PersonalAccessToken.user_id) == user_id)
    )
    if count.one() >= MAX_TOKENS_PER_USER:
        raise ConflictError(
            f"you have {MAX_TOKENS_PER_USER} access tokens, the most allowed: "
            "revoke one you no longer use first"
        )
    token = new_token(PERSONAL_ACCESS_TOKEN_PREFIX)
    row = PersonalAccessToken(
        user_id=user_id,
        name=cleaned,
        token_hash=digest(token),
        hint=token[:HINT_LENGTH],
        scopes=scope_names.format_scopes(chosen),
        expires_at=now + lifetime if lifetime is not None else None,
    )
    return CreatedToken(await insert_row(session, row), token)


async def list_tokens(session: AsyncSession, user_id: str) -> list[PersonalAccessToken]:
    """The user's tokens, newest first (at most MAX_TOKENS_PER_USER exist)."""
    result = await session.exec(
        select(PersonalAccessToken)
        .where(col(PersonalAccessToken.user_id) == user_id)
        .order_by(col(PersonalAccessToken.created_at).desc(), col(PersonalAccessToken.id))
    )
    return list(result.all())


async def revoke_token(session: AsyncSession, user_id: str, token_id: uuid.UUID) -> None:
    """Delete the user's token: it stops working at once. NotFoundError for an unknown
    id and for another user's token alike."""
    statement = (
        delete(PersonalAccessToken)
        .where(col(PersonalAccessToken.id) == token_id)
        .where(col(PersonalAccessToken.user_id) == user_id)
        .returning(col(PersonalAccessToken.id))
    )
    if (await session.exec(statement)).scalar_one_or_none() is None:
        raise NotFoundError("access token not found")


async def verify(session: AsyncSession, token: str, now: datetime | None = None) -> TokenGrant:
    """The user and scopes a personal access token grants, noting when it was used.
    AuthenticationError for an unknown (or revoked) token and for an expired one."""
    now = now or datetime.now(UTC)
    if not is_personal_access_token(token):
        raise AuthenticationError("not a personal access token")
    result = await session.exec(
        select(PersonalAccessToken).where(col(PersonalAccessToken.token_hash) == digest(token))
    )
    row = result.first()
    if row is None:
        raise AuthenticationError("the access token is unknown or was revoked")
    if row.expires_at is not None and row.expires_at <= now:
        raise AuthenticationError("the access token has expired")
    stale_before = now - LAST_USED_RESOLUTION
    if row.last_used_at is None or row.last_used_at < stale_before:
        # The same condition in the statement: of two requests racing here, the second
        # changes nothing.
        await session.exec(
            update(PersonalAccessToken)
            .where(col(PersonalAccessToken.id) == row.id)
            .where(
                or_(
                    col(PersonalAccessToken.last_used_at).is_(None),
                    col(PersonalAccessToken.last_used_at) < stale_before,
                )
            )
            .values(last_used_at=now)
        )
    return TokenGrant(row.user_id, scope_names.parse_scopes(row.scopes), row.id)
