"""Dependencies shared by the routers: the request's unit of work, the caller, the
path user.

A request uses one session and one transaction: `SessionDep` opens it, the caller's
user is loaded on it, the route's services add and flush on it, and it is committed
once the route returns (before the response is sent, so a client never sees a
success that was not committed).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Path, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.errors import AuthenticationError, ForbiddenError
from todochat.models import User
from todochat.models.user import USER_ID_MAX_LENGTH
from todochat.security.scopes import WRITE
from todochat.security.tokens import InvalidTokenError, TokenIdentity
from todochat.services import access_tokens, auth

if TYPE_CHECKING:
    from todochat.runtime import Runtime

_bearer = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


def runtime_of(request: Request) -> Runtime:
    """The process's parts, as `create_app` put them on the app."""
    runtime: Runtime = request.app.state.runtime
    return runtime


async def request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's unit of work: committed when the route returns, rolled back if it
    raises."""
    async with runtime_of(request).database.session() as session:
        yield session


# scope="function": the commit happens before the response is sent, and its failure
# is the request's failure.
SessionDep = Annotated[AsyncSession, Depends(request_session, scope="function")]


def _required(token: str | None) -> str:
    if not token:
        raise AuthenticationError("authentication required: send a bearer token")
    return token


async def _sign_in_identity(request: Request, token: str) -> TokenIdentity:
    """A sign-in token (the server's own JWT or an external provider's), checked by
    signature alone: no database work."""
    try:
        return await runtime_of(request).tokens.verify(token)
    except InvalidTokenError as exc:
        raise AuthenticationError(str(exc)) from exc


async def _personal_identity(session: AsyncSession, token: str) -> TokenIdentity:
    """A personal access token, looked up (and its use noted) in `session`."""
    grant = await access_tokens.verify(session, token)
    return TokenIdentity(subject=grant.user_id, external=False, scopes=grant.scopes)


async def get_identity(
    request: Request, token: Annotated[str | None, Depends(_bearer)], session: SessionDep
) -> TokenIdentity:
    """Who the bearer token speaks for (verified once per request); 401 without one.

    A personal access token is a database row, so it is verified in the request's own
    unit of work. A sign-in token never touches `session`, which then opens no
    connection and begins no transaction: JWT requests stay as cheap as before."""
    token = _required(token)
    if access_tokens.is_personal_access_token(token):
        return await _personal_identity(session, token)
    return await _sign_in_identity(request, token)


Identity = Annotated[TokenIdentity, Depends(get_identity)]


def require_sign_in(identity: TokenIdentity) -> None:
    """ForbiddenError unless `identity` comes from a sign-in: a personal access token
    may use tasks and conversations, not manage the account (a leaked one must not
    mint more tokens, change the profile, lock its owner out with a new password, or
    sign them out everywhere)."""
    if not identity.signed_in:
        raise ForbiddenError(
            "managing your account needs a sign-in token, not a personal access token"
        )


async def get_signed_in_identity(identity: Identity) -> TokenIdentity:
    """The caller's identity, if it comes from a sign-in (403 for a personal access
    token), checked before the route does anything."""
    require_sign_in(identity)
    return identity


SignedInIdentity = Annotated[TokenIdentity, Depends(get_signed_in_identity)]


async def get_current_user(session: SessionDep, identity: Identity) -> User:
    """The authenticated user, loaded in the request's own transaction."""
    return await auth.user_for_identity(session, identity)


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_signed_in_user(session: SessionDep, identity: SignedInIdentity) -> User:
    """The authenticated user, if signed in (403 for a personal access token)."""
    return await auth.user_for_identity(session, identity)


SignedInUser = Annotated[User, Depends(get_signed_in_user)]


PathUserId = Annotated[
    str, Path(description="The authenticated user's id, or `me`.", max_length=USER_ID_MAX_LENGTH)
]

# Methods that change nothing: all a read-only personal access token may send.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _check_path(user_id: str, identity: TokenIdentity, method: str) -> None:
    if user_id not in ("me", identity.subject):
        raise ForbiddenError("this path belongs to another user")
    # Every user-scoped route reads or changes tasks and conversations: a token
    # without tasks:write may only read them (and may not chat, which can change them).
    if identity.scopes is not None and WRITE not in identity.scopes and method not in SAFE_METHODS:
        raise ForbiddenError(f"insufficient scope: this access token lacks {WRITE}")


async def get_path_identity(
    request: Request, user_id: PathUserId, identity: Identity
) -> TokenIdentity:
    """The caller's identity, once the path's user id is checked to be theirs (and
    the method allowed by the token's scopes)."""
    _check_path(user_id, identity, request.method)
    return identity


PathIdentity = Annotated[TokenIdentity, Depends(get_path_identity)]


async def get_turn_identity(
    request: Request, user_id: PathUserId, token: Annotated[str | None, Depends(_bearer)]
) -> TokenIdentity:
    """The caller's identity for a chat turn, once the path's user id is checked.

    A turn runs its own units of work (chat/flow), so this request holds no session:
    a personal access token is verified in a short transaction of its own, committed
    before the turn begins (kept open across the turn, it would hold a connection and,
    on SQLite, the write lock the turn itself needs)."""
    token = _required(token)
    if access_tokens.is_personal_access_token(token):
        async with runtime_of(request).database.session() as session:
            identity = await _personal_identity(session, token)
    else:
        identity = await _sign_in_identity(request, token)
    _check_path(user_id, identity, request.method)
    return identity


TurnIdentity = Annotated[TokenIdentity, Depends(get_turn_identity)]


async def get_path_user(
    request: Request, user_id: PathUserId, identity: Identity, session: SessionDep
) -> User:
    """The authenticated user, once the path's user id is checked to be theirs (one
    dependency rather than a chain: every user-scoped request resolves it)."""
    _check_path(user_id, identity, request.method)
    return await auth.user_for_identity(session, identity)


PathUser = Annotated[User, Depends(get_path_user)]


async def get_signed_in_path_user(
    request: Request, user_id: PathUserId, identity: Identity, session: SessionDep
) -> User:
    """As PathUser, for routes that manage the account: 403 for a personal access
    token."""
    _check_path(user_id, identity, request.method)
    require_sign_in(identity)
    return await auth.user_for_identity(session, identity)


SignedInPathUser = Annotated[User, Depends(get_signed_in_path_user)]
