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
from todochat.security.tokens import InvalidTokenError, TokenIdentity
from todochat.services import auth

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


async def get_identity(
    request: Request, token: Annotated[str | None, Depends(_bearer)]
) -> TokenIdentity:
    """Who the bearer token speaks for (verified once per request); 401 without one."""
    if not token:
        raise AuthenticationError("authentication required: send a bearer token")
    try:
        return await runtime_of(request).tokens.verify(token)
    except InvalidTokenError as exc:
        raise AuthenticationError(str(exc)) from exc


Identity = Annotated[TokenIdentity, Depends(get_identity)]


async def get_current_user(session: SessionDep, identity: Identity) -> User:
    """The authenticated user, loaded in the request's own transaction."""
    return await auth.user_for_identity(session, identity)


CurrentUser = Annotated[User, Depends(get_current_user)]


PathUserId = Annotated[
    str, Path(description="The authenticated user's id, or `me`.", max_length=USER_ID_MAX_LENGTH)
]


def _check_path(user_id: str, identity: TokenIdentity) -> None:
    if user_id not in ("me", identity.subject):
        raise ForbiddenError("this path belongs to another user")


async def get_path_identity(user_id: PathUserId, identity: Identity) -> TokenIdentity:
    """The caller's identity, once the path's user id is checked to be theirs."""
    _check_path(user_id, identity)
    return identity


PathIdentity = Annotated[TokenIdentity, Depends(get_path_identity)]


async def get_path_user(user_id: PathUserId, identity: Identity, session: SessionDep) -> User:
    """The authenticated user, once the path's user id is checked to be theirs (one
    dependency rather than a chain: every user-scoped request resolves it)."""
    _check_path(user_id, identity)
    return await auth.user_for_identity(session, identity)


PathUser = Annotated[User, Depends(get_path_user)]
