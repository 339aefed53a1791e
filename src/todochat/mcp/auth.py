"""Who is calling a tool: a bearer token over HTTP, a fixed user over stdio, and the
caller's word in-process."""

from __future__ import annotations

from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken, TokenVerifier
from mcp.server.mcpserver import Context

from todochat.db import DATABASE_UNAVAILABLE, Database
from todochat.errors import TodochatError
from todochat.mcp.outage import note_database_unavailable
from todochat.security.tokens import InvalidTokenError, TokenService
from todochat.services import access_tokens, auth

CLIENT_ID = "todochat"
# The client id of a request authenticated by a personal access token.
PAT_CLIENT_ID = "pat"
# The `_meta` key that names the acting user on the in-process server. Only code in
# this process can reach that server; the HTTP and stdio servers never read it.
ACTING_USER_META = "todochat/acting_user"


class BearerTokenVerifier(TokenVerifier):
    """Accepts exactly the tokens the REST API accepts; the token's user acts.

    The server's own tokens are checked by signature alone: each tool call loads its
    user in its own transaction (and refuses a user who no longer exists, or a token
    older than the user's last sign-out: its version travels in `claims`). A first-seen
    external identity is provisioned here, as the REST API does.
    """

    def __init__(self, tokens: TokenService, database: Database) -> None:
        self._tokens = tokens
        self._database = database

    async def verify_token(self, token: str) -> AccessToken | None:
        if access_tokens.is_personal_access_token(token):
            return await verify_personal_access_token(self._database, token)
        try:
            identity = await self._tokens.verify(token)
            if identity.external:
                async with self._database.session() as session:
                    await auth.user_for_identity(session, identity)
        except (InvalidTokenError, TodochatError):
            return None
        except DATABASE_UNAVAILABLE as exc:
            # Not a bad token: the request is answered 503 rather than 401.
            note_database_unavailable(exc)
            return None
        # An own token's version goes with it, so that each tool call can compare it
        # with the user row it loads anyway (a signed-out token is refused there).
        claims = {"ver": identity.version} if identity.version is not None else None
        return AccessToken(
            token=token, client_id=CLIENT_ID, scopes=[], subject=identity.subject, claims=claims
        )


async def verify_personal_access_token(database: Database, token: str) -> AccessToken | None:
    """A personal access token as the SDK's AccessToken (its scopes, its user as
    subject), verified in a short transaction of its own (which notes its use); None
    for an unknown, revoked or expired token, or when the database does not answer
    (then noted, so that the request is answered 503 rather than 401)."""
    try:
        async with database.session() as session:
            grant = await access_tokens.verify(session, token)
    except TodochatError:
        return None
    except DATABASE_UNAVAILABLE as exc:
        note_database_unavailable(exc)
        return None
    return AccessToken(
        token=token,
        client_id=PAT_CLIENT_ID,
        scopes=list(grant.scopes),
        subject=grant.user_id,
    )


def token_user(_ctx: Context) -> str | None:
    """Over HTTP: the user of the request's verified bearer token."""
    token = get_access_token()
    return token.subject if token is not None else None


def token_version(_ctx: Context) -> int | None:
    """Over HTTP: the `ver` of the request's own token; None for external tokens."""
    token = get_access_token()
    version = (token.claims or {}).get("ver") if token is not None else None
    return version if isinstance(version, int) else None


def token_scopes(_ctx: Context) -> tuple[str, ...] | None:
    """Over HTTP: what a personal access token may do; None (everything) for sign-in
    tokens, whose AccessToken carries no scopes."""
    token = get_access_token()
    if token is None or token.client_id != PAT_CLIENT_ID:
        return None
    return tuple(token.scopes)


def in_process_user(ctx: Context) -> str | None:
    """In-process: the user the calling agent names in the request's `_meta`."""
    meta = ctx.request_context.meta or {}
    user_id = meta.get(ACTING_USER_META)
    return user_id if isinstance(user_id, str) else None
