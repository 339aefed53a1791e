"""`todochat mcp`: the same tools over stdio, for desktop MCP clients."""

from __future__ import annotations

from todochat.db import Database
from todochat.errors import NotFoundError
from todochat.mcp.server import build_mcp_server
from todochat.services import users


async def serve_stdio(database: Database, email: str, *, advertise_user_id: bool = False) -> None:
    """Serve the tools on stdin/stdout, acting for the account with this email
    (`user_id` advertised only if `advertise_user_id`)."""
    async with database.session() as session:
        user = await users.find_user_by_email(session, email)
    if user is None:
        raise NotFoundError(f"no account with the email {email!r}: register first")
    user_id = user.id
    server = build_mcp_server(database, lambda _ctx: user_id, advertise_user_id=advertise_user_id)
    await server.run_stdio_async()
