"""Building the MCP server and its HTTP app."""

from __future__ import annotations

import json

from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import ASGIApp, Receive, Scope, Send

from todochat import __version__
from todochat.config import Settings
from todochat.db import Database
from todochat.mcp.auth import token_scopes, token_user, token_version
from todochat.mcp.oauth import TodochatOAuthProvider, oauth_available, resource_metadata_url
from todochat.mcp.outage import DatabaseOutageGuard
from todochat.mcp.resources import register_task_resources
from todochat.mcp.scope_challenge import RequestTokenVerifier, ScopeChallenge
from todochat.mcp.tools import REQUIRED_SCOPE, ActingUser, BeforeCall, register_task_tools

INSTRUCTIONS = (
    "Manage the user's todo list. Tasks are known by their number (task_id). "
    "Use list_tasks (filters: status, query, due_before/due_after, overdue, priority; "
    "page with cursor) to find a task's number before changing it. Add several tasks "
    "in one add_task call with tasks=[...]. Finished work is completed, not deleted; "
    "update_task with status='pending' reopens a task. Dates may be plain words "
    "('friday 5pm'), read in the user's time zone."
)


def build_mcp_server(
    database: Database, acting_user: ActingUser, *, advertise_user_id: bool = False
) -> MCPServer:
    """The five task tools, resources and prompts on an MCP server, acting for whoever
    `acting_user` finds in each call's context (a fixed user over stdio, the agent's
    user in-process); `user_id` is advertised only if `advertise_user_id`."""
    server = MCPServer(
        name="todochat", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING"
    )
    run = register_task_tools(server, database, acting_user, advertise_user_id=advertise_user_id)
    register_task_resources(server, run)
    return server


def build_http_mcp_server(
    database: Database,
    settings: Settings,
    provider: TodochatOAuthProvider,
    before_call: BeforeCall | None = None,
) -> MCPServer:
    """The tools for remote clients: every call carries a bearer token that
    `provider` accepts (an OAuth token for this resource, a personal access token, or
    a token the REST API accepts), acts for that token's user within its scopes, after
    `before_call` (the per-user rate limit) let it through. A request without one is
    answered 401 with `WWW-Authenticate` naming the protected resource metadata."""
    resource = provider.resource_url if oauth_available(settings) else None
    server = MCPServer(
        name="todochat",
        version=__version__,
        instructions=INSTRUCTIONS,
        token_verifier=RequestTokenVerifier(provider),
        auth=AuthSettings(
            issuer_url=settings.advertised_url(),
            resource_server_url=resource,
            validate_token_resource=resource is not None,
            required_scopes=[],
        ),
        log_level="WARNING",
    )
    run = register_task_tools(
        server,
        database,
        token_user,
        token_version,
        before_call,
        granted_scopes=token_scopes,
        advertise_user_id=settings.mcp_advertise_user_id,
    )
    register_task_resources(server, run)
    return server


# JSON-RPC's "invalid request", as the SDK answers other refused requests.
_INVALID_REQUEST = -32600


class PostOnly:
    """Answers every method but POST with 405 and `Allow: POST`.

    A stateless Streamable HTTP server has no session to stream to: the SDK would
    still hold a `GET /mcp` event stream open (nothing ever arrives on it, and each
    one costs a connection and a task until the client leaves), and `DELETE` has no
    session to end."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] == "POST":
            await self.app(scope, receive, send)
            return
        message = "Method Not Allowed: this server is stateless; send requests with POST"
        body = json.dumps(
            {"jsonrpc": "2.0", "id": None, "error": {"code": _INVALID_REQUEST, "message": message}}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 405,
                "headers": [
                    (b"allow", b"POST"),
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def mcp_http_app(server: MCPServer, settings: Settings, provider: TodochatOAuthProvider) -> ASGIApp:
    """The Streamable HTTP app answering at exactly `/mcp` (stateless, JSON replies;
    POST only); 403 for a tool call beyond the token's scopes; 503 with Retry-After
    when the database does not answer."""
    loopback = ("127.0.0.1", "localhost", "[::1]")
    allowed_hosts = [
        *loopback,  # on the scheme's default port
        *(f"{host}:*" for host in loopback),
        *settings.mcp_allowed_hosts,
    ]
    allowed_origins = [
        "http://127.0.0.1:*",
        "http://localhost:*",
        *settings.cors_origins,
        *settings.mcp_allowed_origins,
    ]
    app = server.streamable_http_app(
        streamable_http_path="/mcp",
        stateless_http=True,
        json_response=True,
        transport_security=TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=allowed_hosts,
            allowed_origins=allowed_origins,
        ),
        max_request_body_size=settings.max_body_bytes,
    )
    metadata_url = resource_metadata_url(settings) if oauth_available(settings) else None
    return PostOnly(
        DatabaseOutageGuard(ScopeChallenge(app, provider, REQUIRED_SCOPE, metadata_url))
    )
