"""Who is calling a tool: bearer tokens over HTTP, a fixed user over stdio and
in-process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mcp.server.auth.middleware.auth_context import auth_context_var, get_access_token
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken, TokenVerifier

from todochat.db import Database
from todochat.errors import TodochatError
from todochat.security.tokens import InvalidTokenError, TokenService
from todochat.services import auth

CLIENT_ID = "todochat"


class BearerTokenVerifier(TokenVerifier):
    """Accepts exactly the tokens the REST API accepts; the token's user acts."""

    def __init__(self, tokens: TokenService, database: Database) -> None:
        self._tokens = tokens
        self._database = database

    async def verify_token(self, token: str) -> AccessToken | None:
        try:
            identity = await self._tokens.verify(token)
            async with self._database.session() as session:
                user = await auth.user_for_identity(session, identity)
        except (InvalidTokenError, TodochatError):
            return None
        return AccessToken(token=token, client_id=CLIENT_ID, scopes=[], subject=user.id)


def acting_user_id() -> str | None:
    """The id of the user the current tool call acts for, if any."""
    token = get_access_token()
    return token.subject if token is not None else None


@contextmanager
def acting_as(user_id: str) -> Iterator[None]:
    """Run tool calls made from this context (stdio, in-process) as `user_id`."""
    access = AccessToken(token="", client_id=CLIENT_ID, scopes=[], subject=user_id)
    reset = auth_context_var.set(AuthenticatedUser(access))
    try:
        yield
    finally:
        auth_context_var.reset(reset)
