"""Scopes at /mcp, the way the MCP authorization spec asks: a tool call that needs a
scope an OAuth token lacks is answered `403` with `WWW-Authenticate: Bearer
error="insufficient_scope", scope="…"`, so that a client can ask the user for more
(step-up) instead of handing the model an error it cannot fix.

The token is verified once per request, here; the SDK's bearer middleware further in
reads the same verification back (`RequestTokenVerifier`) rather than looking the token
up again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from mcp.server.auth.provider import AccessToken
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from todochat.mcp.oauth import TodochatOAuthProvider
from todochat.security.opaque import OAUTH_ACCESS_TOKEN_PREFIX

# (token, what it proved) for the request being served.
_verified: ContextVar[tuple[str, AccessToken | None] | None] = ContextVar(
    "todochat_verified_token", default=None
)


class RequestTokenVerifier:
    """The SDK's token verifier: the request's verification if `ScopeChallenge` made
    one for this token, else the provider's."""

    def __init__(self, provider: TodochatOAuthProvider) -> None:
        self._provider = provider

    async def verify_token(self, token: str) -> AccessToken | None:
        """Who `token` acts for, and with which scopes."""
        done = _verified.get()
        if done is not None and done[0] == token:
            return done[1]
        return await self._provider.load_access_token(token)


class ScopeChallenge:
    """Refuses a `tools/call` whose tool needs a scope the OAuth token lacks."""

    def __init__(
        self,
        app: ASGIApp,
        provider: TodochatOAuthProvider,
        required_scope: Mapping[str, str],
        resource_metadata_url: str | None,
    ) -> None:
        self.app = app
        self._provider = provider
        self._required_scope = required_scope
        self._resource_metadata_url = resource_metadata_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = _bearer(scope)
        if scope["type"] != "http" or scope["method"] != "POST" or token is None:
            await self.app(scope, receive, send)
            return
        access = await self._provider.load_access_token(token)
        _verified.set((token, access))
        # Only an OAuth client can act on a challenge (by asking the user for more);
        # a personal access token lacking a scope gets the tool's own error instead,
        # which the model can relay.
        if (
            access is None
            or not token.startswith(OAUTH_ACCESS_TOKEN_PREFIX)
            or set(self._required_scope.values()) <= set(access.scopes)
        ):
            await self.app(scope, receive, send)
            return
        body, receive = await _read_body(receive)
        needed = self._required_scope.get(_called_tool(body) or "")
        if needed is not None and needed not in access.scopes:
            await self._refuse(send, needed, access.scopes)
            return
        await self.app(scope, receive, send)

    async def _refuse(self, send: Send, needed: str, granted: list[str]) -> None:
        description = f"this token does not allow {needed}"
        # The scopes to ask for: what the token has plus what this call needs.
        wanted = " ".join(sorted({*granted, needed}))
        challenge = f'Bearer error="insufficient_scope", scope="{wanted}"'
        if self._resource_metadata_url:
            challenge += f', resource_metadata="{self._resource_metadata_url}"'
        challenge += f', error_description="{description}"'
        body = json.dumps({"error": "insufficient_scope", "error_description": description})
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"www-authenticate", challenge.encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body.encode()})


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization" and value[:7].lower() == b"bearer ":
            return str(value[7:].decode("latin-1"))
    return None


async def _read_body(receive: Receive) -> tuple[bytes, Receive]:
    """The whole request body, and a `receive` that hands it on again."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def _called_tool(body: bytes) -> str | None:
    """The tool a JSON-RPC `tools/call` names; None for anything else."""
    try:
        request: Any = json.loads(body)
    except ValueError:
        return None
    if not isinstance(request, dict) or request.get("method") != "tools/call":
        return None
    params = request.get("params")
    name = params.get("name") if isinstance(params, dict) else None
    return name if isinstance(name, str) else None
