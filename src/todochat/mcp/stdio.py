"""`todochat mcp`: the same tools over stdio, for desktop MCP clients."""

from __future__ import annotations

from todochat import migrate
from todochat.config import Settings
from todochat.db import Database
from todochat.errors import NotFoundError
from todochat.mcp.auth import acting_as
from todochat.mcp.server import build_mcp_server
from todochat.services import users


async def serve_stdio(settings: Settings, email: str) -> None:
    """Serve the tools on stdin/stdout, acting for the account with this email."""
    database = Database(settings)
    try:
        if settings.auto_migrate:
            await migrate.upgrade(database.engine)
        async with database.session() as session:
            user = await users.find_user_by_email(session, email)
        if user is None:
            raise NotFoundError(f"no account with the email {email!r}: register first")
        server = build_mcp_server(database, settings)
        with acting_as(user.id):
            await server.run_stdio_async()
    finally:
        await database.dispose()
