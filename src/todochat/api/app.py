"""The FastAPI app over a runtime: REST API, chat, MCP and the web page in one app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.routing import Route

from todochat import __version__
from todochat.api import (
    access_tokens,
    auth,
    calendar,
    chat,
    connections,
    conversations,
    docs,
    health,
    labels,
    oauth,
    pages,
    tasks,
    transfer,
)
from todochat.api.errors import install_error_handlers
from todochat.api.middleware import (
    BodySizeLimitMiddleware,
    RequestLogMiddleware,
    SecurityHeadersMiddleware,
)
from todochat.mcp.oauth import oauth_available, oauth_routes
from todochat.mcp.server import mcp_http_app

if TYPE_CHECKING:
    from todochat.runtime import Runtime


def build_app(runtime: Runtime) -> FastAPI:
    """The app serving `runtime`'s parts; its lifespan runs the runtime."""
    settings = runtime.settings

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with runtime.serving():
            yield

    app = FastAPI(
        title="todochat",
        version=__version__,
        summary="Manage your todo list by chatting with an AI assistant.",
        lifespan=lifespan,
        # Served by api/docs.py with their assets from the app (FastAPI's own pages
        # would load them from a CDN).
        docs_url=None,
        redoc_url=None,
    )
    app.state.runtime = runtime

    install_error_handlers(app)
    routers = (
        health.router,
        auth.router,
        tasks.router,
        conversations.router,
        chat.router,
        access_tokens.router,
        connections.router,
        transfer.router,
        labels.router,
        calendar.router,
        calendar.feed_router,
    )
    for router in (*routers, pages.router, oauth.router, docs.router):
        app.include_router(router)
    app.mount("/static", pages.static_files(), name="static")
    app.mount(docs.ASSETS_PATH, docs.docs_assets(), name="docs-assets")
    # Exactly /mcp (a mount would answer /mcp with a redirect to /mcp/).
    mcp_app = mcp_http_app(runtime.mcp_server, settings, runtime.oauth_provider)
    app.router.routes.append(Route("/mcp", endpoint=mcp_app, include_in_schema=False))
    if oauth_available(settings):
        app.router.routes.extend(
            oauth_routes(runtime.oauth_provider, runtime.database, runtime.limiter, settings)
        )

    # Added last = outermost: every response, errors included, gets a request id.
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["ETag", "X-Request-ID", "Retry-After"],
        )
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        larger=[(transfer.IMPORT_PATH, settings.max_import_bytes)],
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestLogMiddleware)
    return app
