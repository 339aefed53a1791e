"""Building the MCP server and its HTTP app."""

from __future__ import annotations

from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette

from todochat import __version__
from todochat.config import Settings
from todochat.db import Database
from todochat.mcp.auth import BearerTokenVerifier, token_user
from todochat.mcp.tools import ActingUser, BeforeCall, register_task_tools
from todochat.security.tokens import TokenService

INSTRUCTIONS = (
    "Manage the user's todo list. Tasks are known by their number (task_id). "
    "Use list_tasks to find a task's number before changing it."
)


def build_mcp_server(database: Database, acting_user: ActingUser) -> MCPServer:
    """The five task tools on an MCP server, acting for whoever `acting_user` finds in
    each call's context (a fixed user over stdio, the agent's user in-process)."""
    server = MCPServer(
        name="todochat", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING"
    )
    register_task_tools(server, database, acting_user)
    return server


def build_http_mcp_server(
    database: Database,
    settings: Settings,
    tokens: TokenService,
    before_call: BeforeCall | None = None,
) -> MCPServer:
    """The tools for remote clients: every call carries a bearer token the REST API
    would accept, and acts for that token's user, after `before_call` (the per-user
    rate limit) let it through."""
    server = MCPServer(
        name="todochat",
        version=__version__,
        instructions=INSTRUCTIONS,
        token_verifier=BearerTokenVerifier(tokens, database),
        auth=AuthSettings(
            issuer_url=settings.public_url, resource_server_url=None, required_scopes=[]
        ),
        log_level="WARNING",
    )
    register_task_tools(server, database, token_user, before_call)
    return server


def mcp_http_app(server: MCPServer, settings: Settings) -> Starlette:
    """The Streamable HTTP app answering at exactly `/mcp` (stateless, JSON replies)."""
    allowed_hosts = ["127.0.0.1:*", "localhost:*", "[::1]:*", *settings.mcp_allowed_hosts]
    allowed_origins = [
        "http://127.0.0.1:*",
        "http://localhost:*",
        *settings.cors_origins,
        *settings.mcp_allowed_origins,
    ]
    return server.streamable_http_app(
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
