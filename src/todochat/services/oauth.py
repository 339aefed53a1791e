"""OAuth 2.1 grants for remote MCP clients: registered clients, authorization codes and
the tokens issued from them.

Everything secret is stored as a digest (`security.opaque.digest`). A code is good for
one exchange within minutes; a second exchange of the same code revokes what the first
one got (RFC 6749 §4.1.2). A refresh token is good for one refresh: it is replaced by
a new pair, and presenting a replaced one revokes the whole grant, since only a thief
or a confused client would do that (OAuth 2.1 §4.3.1). Like every service, these
functions add and flush; the caller commits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.errors import NotFoundError
from todochat.models import OAuthClient, OAuthCode, OAuthToken, OAuthTokenKind
from todochat.security.opaque import (
    OAUTH_ACCESS_TOKEN_PREFIX,
    OAUTH_CODE_PREFIX,
    OAUTH_REFRESH_TOKEN_PREFIX,
    digest,
    new_token,
)


@dataclass(frozen=True)
class Lifetimes:
    """How long codes and tokens stay good."""

    code: timedelta
    access: timedelta
    refresh: timedelta


@dataclass(frozen=True)
class IssuedTokens:
    """A fresh access token and the refresh token that renews it."""

    access_token: str
    refresh_token: str
    expires_in: int
    scopes: str


def _now() -> datetime:
    return datetime.now(UTC)


async def register_client(
    session: AsyncSession, client_id: str, info: dict[str, Any], secret: str | None
) -> None:
    """Keep a registered client: its metadata, and its secret's digest if it has one."""
    session.add(
        OAuthClient(
            client_id=client_id,
            secret_hash=digest(secret) if secret is not None else None,
            info=info,
        )
    )
    await session.flush()


async def get_client(session: AsyncSession, client_id: str) -> OAuthClient | None:
    """A registered client, or None."""
    return await session.get(OAuthClient, client_id)


async def create_code(
    session: AsyncSession,
    *,
    user_id: str,
    client_id: str,
    scopes: str,
    code_challenge: str,
    redirect_uri: str,
    redirect_uri_provided_explicitly: bool,
    resource: str | None,
    lifetime: timedelta,
) -> str:
    """A new authorization code for what the user approved; returned once, stored as a
    digest."""
    code = new_token(OAUTH_CODE_PREFIX)
    session.add(
        OAuthCode(
            code_hash=digest(code),
            client_id=client_id,
            user_id=user_id,
            scopes=scopes,
            code_challenge=code_challenge,
            redirect_uri=redirect_uri,
            redirect_uri_provided_explicitly=redirect_uri_provided_explicitly,
            resource=resource,
            expires_at=_now() + lifetime,
        )
    )
    await session.flush()
    return code


async def find_code(session: AsyncSession, client_id: str, code: str) -> OAuthCode | None:
    """The client's code, used or not, expired or not (the caller tells them apart)."""
    found = await session.get(OAuthCode, digest(code))
    return found if found is not None and found.client_id == client_id else None


async def redeem_code(
    session: AsyncSession, code: OAuthCode, lifetimes: Lifetimes
) -> IssuedTokens | None:
    """Exchange a code for its first tokens. None if the code was already redeemed:
    then every token of its grant is revoked too."""
    claimed = await session.exec(
        update(OAuthCode)
        .where(col(OAuthCode.code_hash) == code.code_hash, col(OAuthCode.used_at).is_(None))
        .values(used_at=_now())
        .returning(col(OAuthCode.code_hash))
    )
    if claimed.first() is None:
        await revoke_grant(session, code.grant_id)
        return None
    return await _issue(
        session, code.grant_id, code.client_id, code.user_id, code.scopes, code.resource, lifetimes
    )


async def find_token(session: AsyncSession, token: str, kind: OAuthTokenKind) -> OAuthToken | None:
    """An unexpired token of `kind`, or None."""
    found = await session.exec(
        select(OAuthToken).where(
            col(OAuthToken.token_hash) == digest(token),
            col(OAuthToken.kind) == kind,
            col(OAuthToken.expires_at) > _now(),
        )
    )
    return found.first()


async def refresh(
    session: AsyncSession, refresh_token: OAuthToken, scopes: str, lifetimes: Lifetimes
) -> IssuedTokens | None:
    """Replace a refresh token with a new pair (narrowed to `scopes`). None if it was
    replaced already, by a concurrent refresh: then the grant is revoked."""
    removed = await session.exec(
        delete(OAuthToken)
        .where(col(OAuthToken.id) == refresh_token.id)
        .returning(col(OAuthToken.id))
    )
    if removed.first() is None:
        await revoke_grant(session, refresh_token.grant_id)
        return None
    # The access tokens of the replaced pair go too: one live pair per grant.
    await session.exec(
        delete(OAuthToken).where(
            col(OAuthToken.grant_id) == refresh_token.grant_id,
            col(OAuthToken.kind) == OAuthTokenKind.ACCESS,
        )
    )
    return await _issue(
        session,
        refresh_token.grant_id,
        refresh_token.client_id,
        refresh_token.user_id,
        scopes,
        refresh_token.resource,
        lifetimes,
    )


@dataclass(frozen=True)
class Connection:
    """An application the user let in: one live grant."""

    grant_id: uuid.UUID
    client_name: str
    scopes: str
    renewed_at: datetime | None
    expires_at: datetime


async def list_connections(session: AsyncSession, user_id: str) -> list[Connection]:
    """The user's live grants, newest first: one refresh token each."""
    rows = await session.exec(
        select(OAuthToken, OAuthClient)
        .join(OAuthClient, col(OAuthClient.client_id) == col(OAuthToken.client_id))
        .where(
            col(OAuthToken.user_id) == user_id,
            col(OAuthToken.kind) == OAuthTokenKind.REFRESH,
            col(OAuthToken.expires_at) > _now(),
        )
        .order_by(col(OAuthToken.created_at).desc())
    )
    return [
        Connection(
            grant_id=token.grant_id,
            client_name=str(client.info.get("client_name") or "An application"),
            scopes=token.scopes,
            renewed_at=token.created_at,
            expires_at=token.expires_at,
        )
        for token, client in rows
    ]


async def disconnect(session: AsyncSession, user_id: str, grant_id: uuid.UUID) -> None:
    """Revoke one of the user's grants; NotFoundError if they have no such grant."""
    removed = await session.exec(
        delete(OAuthToken)
        .where(col(OAuthToken.user_id) == user_id, col(OAuthToken.grant_id) == grant_id)
        .returning(col(OAuthToken.id))
    )
    if removed.first() is None:
        raise NotFoundError("no such connected application")


async def revoke_grant(session: AsyncSession, grant_id: uuid.UUID) -> None:
    """Revoke every token of one authorization."""
    await session.exec(delete(OAuthToken).where(col(OAuthToken.grant_id) == grant_id))


async def revoke_user_grants(session: AsyncSession, user_id: str) -> None:
    """Revoke every token the user's connected applications hold (sign-out
    everywhere, a new password)."""
    await session.exec(delete(OAuthToken).where(col(OAuthToken.user_id) == user_id))


async def purge_expired(session: AsyncSession) -> None:
    """Forget codes and tokens past their expiry (run now and then, not per request)."""
    now = _now()
    await session.exec(delete(OAuthCode).where(col(OAuthCode.expires_at) < now))
    await session.exec(delete(OAuthToken).where(col(OAuthToken.expires_at) < now))


async def _issue(
    session: AsyncSession,
    grant_id: uuid.UUID,
    client_id: str,
    user_id: str,
    scopes: str,
    resource: str | None,
    lifetimes: Lifetimes,
) -> IssuedTokens:
    access, refresh_token, now = (
        new_token(OAUTH_ACCESS_TOKEN_PREFIX),
        new_token(OAUTH_REFRESH_TOKEN_PREFIX),
        _now(),
    )
    for token, kind, lifetime in (
        (access, OAuthTokenKind.ACCESS, lifetimes.access),
        (refresh_token, OAuthTokenKind.REFRESH, lifetimes.refresh),
    ):
        session.add(
            OAuthToken(
                token_hash=digest(token),
                kind=kind,
                grant_id=grant_id,
                client_id=client_id,
                user_id=user_id,
                scopes=scopes,
                resource=resource,
                expires_at=now + lifetime,
            )
        )
    await session.flush()
    return IssuedTokens(
        access_token=access,
        refresh_token=refresh_token,
        expires_in=int(lifetimes.access.total_seconds()),
        scopes=scopes,
    )
