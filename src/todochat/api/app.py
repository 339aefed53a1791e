"""The app factory: one FastAPI app serving the REST API, chat, MCP and the web page."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.routing import Route

from todochat import __version__, migrate
from todochat.agent.chat import ChatFlow
from todochat.agent.select import build_agent
from todochat.api import auth, chat, conversations, health, pages, tasks
from todochat.api.auth import LoginLimits
from todochat.api.errors import install_error_handlers
from todochat.api.middleware import BodySizeLimitMiddleware, RequestLogMiddleware
from todochat.config import Settings, get_settings
from todochat.db import Database
from todochat.mcp.server import build_mcp_server, mcp_http_app
from todochat.ratelimit import SlidingWindowLimiter
from todochat.security.tokens import TokenService, resolve_jwt_secret

logger = logging.getLogger("todochat")


def create_app(settings: Settings | None = None) -> FastAPI:
    """A ready-to-serve app. Fails fast on a configuration that cannot work."""
    settings = settings or get_settings()
    secret = resolve_jwt_secret(settings)
    if settings.jwt_secret is None:
        logger.warning(
            "TODOCHAT_JWT_SECRET is not set: using a generated secret kept beside the "
            "SQLite database (set it for production)"
        )

    # Creating the engine does not connect: the database is first reached at start-up.
    database = Database(settings)
    tokens = TokenService(settings, secret)
    mcp_server = build_mcp_server(database, settings, tokens)
    mcp_app = mcp_http_app(mcp_server, settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            if settings.auto_migrate:
                await migrate.upgrade(database.engine)
            async with mcp_server.session_manager.run():
                yield
        finally:
            await database.dispose()

    app = FastAPI(
        title="todochat",
        version=__version__,
        summary="Manage your todo list by chatting with an AI assistant.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = database
    app.state.tokens = tokens
    app.state.mcp_server = mcp_server
    app.state.chat = ChatFlow(database, mcp_server, build_agent(settings), settings)
    app.state.chat_limiter = SlidingWindowLimiter(settings.chat_requests_per_minute, 60)
    app.state.login_limits = LoginLimits(
        settings.login_attempts_per_account,
        settings.login_attempts_per_address,
        settings.login_window_seconds,
    )

    install_error_handlers(app)
    routers = (health.router, auth.router, tasks.router, conversations.router, chat.router)
    for router in (*routers, pages.router):
        app.include_router(router)
    app.mount("/static", pages.static_files(), name="static")
    # Exactly /mcp (a mount would answer /mcp with a redirect to /mcp/).
    app.router.routes.append(Route("/mcp", endpoint=mcp_app, include_in_schema=False))

    # Added last = outermost: every response, errors included, gets a request id.
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["ETag", "X-Request-ID", "Retry-After"],
        )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestLogMiddleware)
    return app
