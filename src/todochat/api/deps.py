"""Dependencies shared by the routers: the session, the caller, the path user."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.config import Settings
from todochat.db import Database
from todochat.errors import AuthenticationError, ForbiddenError
from todochat.models import User
from todochat.models.user import USER_ID_MAX_LENGTH
from todochat.security.tokens import InvalidTokenError, TokenService
from todochat.services import auth

_bearer = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


def get_database(request: Request) -> Database:
    database: Database = request.app.state.db
    return database


def get_settings_of_app(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_token_service(request: Request) -> TokenService:
    tokens: TokenService = request.app.state.tokens
    return tokens


async def get_session(
    database: Annotated[Database, Depends(get_database)],
) -> AsyncIterator[AsyncSession]:
    """One session per request, closed when the response is sent."""
    async with database.session() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings_of_app)]
TokensDep = Annotated[TokenService, Depends(get_token_service)]


async def get_current_user(
    session: SessionDep,
    tokens: TokensDep,
    token: Annotated[str | None, Depends(_bearer)],
) -> User:
    """The user the bearer token speaks for; 401 without a valid one."""
    if not token:
        raise AuthenticationError("authentication required: send a bearer token")
    try:
        identity = await tokens.verify(token)
    except InvalidTokenError as exc:
        raise AuthenticationError(str(exc)) from exc
    user = await auth.user_for_identity(session, identity)
    # End the read transaction now: on SQLite every transaction holds the write lock,
    # and the route may hand work to code with sessions of its own (chat, tools).
    await session.commit()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_path_user(
    user_id: Annotated[
        str,
        Path(description="The authenticated user's id, or `me`.", max_length=USER_ID_MAX_LENGTH),
    ],
    user: CurrentUser,
) -> User:
    """The authenticated user, once the path's user id is checked to be theirs."""
    if user_id not in ("me", user.id):
        raise ForbiddenError("this path belongs to another user")
    return user


PathUser = Annotated[User, Depends(get_path_user)]
