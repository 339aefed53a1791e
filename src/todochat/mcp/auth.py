"""Who is calling a tool: a bearer token over HTTP, a fixed user over stdio, and the
caller's word in-process."""

from __future__ import annotations

from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.mcpserver import Context

# The `_meta` key that names the acting user on the in-process server. Only code in
# this process can reach that server; the HTTP and stdio servers never read it.
ACTING_USER_META = "todochat/acting_user"


def token_user(_ctx: Context) -> str | None:
    """Over HTTP: the user of the request's verified bearer token."""
    token = get_access_token()
    return token.subject if token is not None else None


def token_version(_ctx: Context) -> int | None:
    """Over HTTP: the `ver` of the request's own token; None for external tokens."""
    token = get_access_token()
    version = (token.claims or {}).get("ver") if token is not None else None
    return version if isinstance(version, int) else None


def token_scopes(_ctx: Context) -> frozenset[str] | None:
    """Over HTTP: what the request's token may do (every token at /mcp carries its
    scopes; a sign-in token carries them all)."""
    token = get_access_token()
    return frozenset(token.scopes) if token is not None else None


def in_process_user(ctx: Context) -> str | None:
    """In-process: the user the calling agent names in the request's `_meta`."""
    meta = ctx.request_context.meta or {}
    user_id = meta.get(ACTING_USER_META)
    return user_id if isinstance(user_id, str) else None
