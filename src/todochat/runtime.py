"""The composition root: everything one process needs, built from one `Settings`.

`create_app` (the server), `todochat mcp` (stdio) and `todochat chat` (terminal) all
start here. Nothing below this module reads the environment: each part is given what
it needs when it is built.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cached_property

from fastapi import FastAPI
from mcp.server.mcpserver import MCPServer
from sqlalchemy.exc import DBAPIError
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat import migrate
from todochat.agent.base import Agent
from todochat.agent.chat import ChatFlow
from todochat.agent.select import build_agent
from todochat.agent.toolbox import McpConnection
from todochat.api.app import build_app
from todochat.config import Settings
from todochat.db import Database, normalize_database_url
from todochat.logs import ensure_logging
from todochat.mcp.auth import in_process_user
from todochat.mcp.oauth import TodochatOAuthProvider
from todochat.mcp.server import build_http_mcp_server, build_mcp_server
from todochat.mcp.stdio import serve_stdio
from todochat.ratelimit import LoginLimits, RateLimiter
from todochat.security.tokens import TokenService, resolve_jwt_secret
from todochat.services import oauth, ratelimits, users
from todochat.services.ratelimits import LoginPolicy
from todochat.serving import configure_request_timeout

logger = logging.getLogger("todochat")


class Runtime:
    """The parts of one todochat process. Parts are built on first use, so that a
    command needing only the database (stdio MCP) builds no more than that."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # Creating the engine does not connect: the database is first reached at start.
        self.database = Database(settings)

    @cached_property
    def tokens(self) -> TokenService:
        """Issues and verifies access tokens."""
        if self.settings.jwt_secret is None:
            logger.warning(
                "TODOCHAT_JWT_SECRET is not set: using a generated secret kept beside the "
                "SQLite database (set it for production)"
            )
        return TokenService(self.settings, jwt_secret(self.settings))

    @cached_property
    def mcp_server(self) -> MCPServer:
        """The tools for remote MCP clients, behind bearer tokens (served at /mcp)."""
        return build_http_mcp_server(
            self.database, self.settings, self.oauth_provider, before_call=self._count_mcp_call
        )

    @cached_property
    def oauth_provider(self) -> TodochatOAuthProvider:
        """The OAuth 2.1 authorization server for remote MCP clients, and the one
        verifier of the tokens /mcp accepts."""
        return TodochatOAuthProvider(self.database, self.settings, self.tokens)

    async def _count_mcp_call(self, session: AsyncSession, user_id: str) -> None:
        """Tool calls per user per minute at /mcp, counted across processes in the
        call's own transaction."""
        await ratelimits.count_within_limit(
            session,
            f"mcp:{user_id}",
            self.settings.mcp_tool_calls_per_minute,
            60,
            "too many tool calls, slow down a little",
        )

    @cached_property
    def tool_connection(self) -> McpConnection:
        """The process's one in-process MCP connection, through which the LLM agent
        reaches the tools (connected on first use)."""
        return McpConnection(build_mcp_server(self.database, in_process_user))

    @cached_property
    def agent(self) -> Agent:
        """The built-in agent, or the LLM agent when a model is configured."""
        return build_agent(self.settings)

    @cached_property
    def chat(self) -> ChatFlow:
        """Chat turns."""
        return ChatFlow(
            self.database,
            self.agent,
            self.tool_connection,
            history_max_messages=self.settings.history_max_messages,
            history_max_chars=self.settings.history_max_chars,
            turn_lock_seconds=self.settings.chat_turn_lock_seconds,
            turns_per_minute=self.settings.chat_requests_per_minute,
        )

    @cached_property
    def limiter(self) -> RateLimiter:
        """Counters in the database, shared by every process: chat turns, sign-ups,
        MCP tool calls."""
        return RateLimiter(self.database)

    @cached_property
    def login_limits(self) -> LoginLimits:
        """Sign-in throttling per (account, address) and per address."""
        settings = self.settings
        policy = LoginPolicy(
            free_attempts=settings.login_attempts_per_account,
            base_delay=settings.login_delay_seconds,
            max_delay=settings.login_max_delay_seconds,
            window=settings.login_window_seconds,
        )
        return LoginLimits(
            self.limiter, policy, settings.login_attempts_per_address, settings.login_window_seconds
        )

    @asynccontextmanager
    async def database_ready(self) -> AsyncIterator[Database]:
        """The database, migrated first if the settings ask for it; closed at the end."""
        try:
            if self.settings.auto_migrate:
                await migrate.upgrade(self.database.engine)
                # Expired OAuth codes and tokens are forgotten at start, not per request.
                async with self.database.session() as session:
                    await oauth.purge_expired(session)
            yield self.database
        finally:
            if "tool_connection" in self.__dict__:
                await self.tool_connection.close()
            await self.database.dispose()

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[None]:
        """What the server needs while it runs: the database and the MCP sessions."""
        async with self.database_ready(), self.mcp_server.session_manager.run():
            yield

    def app(self) -> FastAPI:
        """The web app serving this runtime (REST API, chat, /mcp, the page)."""
        self.tokens  # noqa: B018 - a missing or short secret fails here, not on first use
        return build_app(self)

    async def local_token(self, email: str) -> str:
        """A token for the account with this email on this database, which is created
        on first use (whoever can open the database file owns its data anyway)."""
        async with self.database.session() as session:
            user = await users.find_user_by_email(session, email)
            if user is None:
                user = await users.create_user(session, email=email, password_hash=None)
        token, _lifetime = self.tokens.issue(user.id, user.token_version)
        return token

    async def local_accounts(self) -> list[str]:
        """The emails of the accounts on this database (none before its first run)."""
        try:
            async with self.database.session() as session:
                return await users.account_emails(session)
        except DBAPIError:
            return []  # not migrated yet: no accounts

    async def serve_mcp_stdio(self, email: str) -> None:
        """Serve the tools on stdin/stdout for the account with this email."""
        async with self.database_ready():
            await serve_stdio(
                self.database, email, advertise_user_id=self.settings.mcp_advertise_user_id
            )


def jwt_secret(settings: Settings) -> str:
    """The secret that signs this server's tokens (see `resolve_jwt_secret`)."""
    target = normalize_database_url(settings.database_url, settings.db_transaction_pooler)
    return resolve_jwt_secret(settings.jwt_secret, target.sqlite_file)


def create_app(settings: Settings | None = None) -> FastAPI:
    """A ready-to-serve app. Without settings, they are read from the environment.
    Fails fast on a configuration that cannot work."""
    settings = settings or Settings()
    # Before the MCP server is built: its SDK configures logging on an empty root logger.
    ensure_logging(settings.log_level)
    # For the protocol `todochat serve` runs uvicorn with, in this (worker) process.
    configure_request_timeout(settings.request_timeout_seconds)
    return Runtime(settings).app()
