"""Settings, read from `TODOCHAT_*` environment variables or a `.env` file.

Only the composition root (`todochat.runtime`) and the command line create a
`Settings`; everything below receives what it needs from there."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./todochat.db"


class Settings(BaseSettings):
    """Everything that can be configured, with defaults that work on a laptop."""

    model_config = SettingsConfigDict(
        env_prefix="TODOCHAT_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        populate_by_name=True,
        extra="ignore",
    )

    # Database. URLs are accepted as providers print them (see db.normalize_database_url).
    database_url: str = DEFAULT_DATABASE_URL
    # Sized for the concurrency of one worker: a pool smaller than the requests in
    # flight makes overflow connections that are opened and closed on every burst.
    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    # Every wait on the database is bounded, so that an unresponsive database host
    # (frozen, not closed) gives a 503 within seconds instead of a hung request:
    # waiting for a pooled connection, opening a new one (a `connect_timeout` in the
    # URL wins), one statement (client side, and server side when no transaction
    # pooler sits in between), and the readiness check as a whole.
    db_pool_timeout: float = Field(default=5.0, gt=0)
    db_connect_timeout_seconds: float = Field(default=5.0, gt=0)
    db_statement_timeout_seconds: float = Field(default=10.0, gt=0)
    db_ready_timeout_seconds: float = Field(default=3.0, gt=0)
    # Serverless PostgreSQL and PgBouncer drop idle connections. A connection that sat
    # unused in the pool longer than this is checked before use (0: check every time);
    # busy connections are not, which spares a round trip per request under load.
    db_pool_ping_after_idle_seconds: float = Field(default=10.0, ge=0)
    db_pool_recycle: int = Field(default=300, ge=-1)
    # None: detect a transaction pooler from the URL (Neon "-pooler" host, port 6432,
    # `pgbouncer=true`); True/False forces it.
    db_transaction_pooler: bool | None = None
    sqlite_busy_timeout_ms: int = Field(default=10_000, ge=0)

    # How much history an agent sees.
    history_max_messages: int = Field(default=20, ge=1)
    history_max_chars: int = Field(default=12_000, ge=1)

    # Serving.
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1)
    auto_migrate: bool = True
    cors_origins: list[str] = Field(default_factory=list)
    # The address clients use to reach this server (advertised to MCP and OAuth
    # clients). Unset: http://HOST:PORT, this server's own address.
    public_url: str | None = None
    # OAuth 2.1 for remote MCP clients (served when public_url is https, or http on
    # localhost): how long an authorization code, an access token and a refresh token
    # stay good. Access tokens are short: a refresh renews them without the user.
    oauth_code_seconds: int = Field(default=300, ge=1, le=600)
    oauth_access_token_seconds: int = Field(default=3600, ge=1)
    oauth_refresh_token_days: int = Field(default=30, ge=1)
    # Host headers and origins accepted at /mcp besides localhost (DNS-rebinding guard).
    mcp_allowed_hosts: list[str] = Field(default_factory=list)
    mcp_allowed_origins: list[str] = Field(default_factory=list)
    # Whether the MCP tools list their optional `user_id` argument in tools/list. It is
    # accepted either way (and must name the authenticated user); hidden by default,
    # since a model fills in every argument it sees and this one only costs tokens.
    mcp_advertise_user_id: bool = False
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    # An import file (POST /api/{user_id}/import): thousands of tasks, not 64 KiB.
    max_import_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)
    # Server limits (per worker; see todochat.serving). A client has this long to send a
    # whole request once its connection opens or the request starts (slow senders are
    # cut off); an idle connection is closed after the keep-alive timeout; beyond
    # max_concurrent_connections open connections or running requests, requests get 503.
    request_timeout_seconds: float = Field(default=10.0, gt=0)
    keep_alive_timeout_seconds: int = Field(default=5, ge=1)
    max_concurrent_connections: int = Field(default=1000, ge=1)
    graceful_shutdown_seconds: int = Field(default=30, ge=1)
    max_header_bytes: int = Field(default=16 * 1024, ge=1024)
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (comma-separated
    # addresses or networks, or "*"). Unset: none, the peer address is the client's
    # (otherwise any local process could pick its address and escape per-address limits).
    forwarded_allow_ips: str | None = None
    log_level: str = "INFO"

    # Tokens this server issues (HS256). Unset on SQLite: a random secret is kept in
    # a file beside the database; unset on PostgreSQL: the server refuses to start.
    jwt_secret: SecretStr | None = None
    jwt_issuer: str = "todochat"
    jwt_audience: str = "todochat"
    access_token_minutes: int = Field(default=24 * 60, ge=1)
    password_min_length: int = Field(default=8, ge=6)

    # Tokens from an external identity provider (Better Auth's JWT plugin, any OIDC
    # issuer): verified against a JWKS URL or a shared secret.
    auth_jwks_url: str | None = None
    auth_shared_secret: SecretStr | None = None
    auth_issuer: str | None = None
    auth_audience: str | None = None
    auth_algorithms: list[str] = Field(default_factory=lambda: ["RS256", "ES256", "EdDSA"])
    auth_jwks_cache_seconds: int = Field(default=300, ge=1)
    auth_leeway_seconds: int = Field(default=30, ge=0)

    # Rate limits, counted in the database: they hold across workers and machines.
    # Sign-in: per (account, address), this many failures are free; after that each
    # further attempt waits login_delay_seconds, doubling up to login_max_delay_seconds.
    # Failures are forgotten login_window_seconds after the last attempt, or at once
    # on the right password. Per address, at most login_attempts_per_address
    # attempts of any kind per window.
    login_attempts_per_account: int = Field(default=10, ge=1)
    login_attempts_per_address: int = Field(default=30, ge=1)
    login_window_seconds: int = Field(default=300, ge=1)
    login_delay_seconds: float = Field(default=2.0, gt=0)
    login_max_delay_seconds: float = Field(default=600.0, gt=0)
    # Sign-ups per client address per window.
    registrations_per_address: int = Field(default=50, ge=1)
    registration_window_seconds: int = Field(default=3600, ge=1)
    # Tool calls per user per minute at /mcp (remote MCP clients).
    mcp_tool_calls_per_minute: int = Field(default=120, ge=1)

    # The agent. "auto": the LLM agent when a model endpoint or key is configured,
    # else the built-in one.
    agent: Literal["auto", "builtin", "llm"] = "auto"
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("TODOCHAT_LLM_API_KEY", "OPENAI_API_KEY")
    )
    llm_model: str = "gpt-4o-mini"
    llm_timeout_seconds: float = Field(default=60.0, gt=0)
    llm_max_retries: int = Field(default=1, ge=0)
    llm_max_turns: int = Field(default=8, ge=1)
    # Sent as `max_tokens`: a bound every server honours, so that a tool call cut off
    # by it is seen as cut off (finish_reason "length") and never executed.
    llm_max_tokens: int = Field(default=1024, ge=16)
    # Stream from the provider when the client streams (/chat/stream), always, or
    # never (llama-cpp-python cannot stream automatic tool calls).
    llm_streaming: Literal["client", "always", "never"] = "client"
    # Sent as `parallel_tool_calls` only when set: not every server accepts it.
    llm_parallel_tool_calls: bool | None = None
    # The wall-clock bound of a whole turn (every model request and tool call);
    # `llm_timeout_seconds` bounds a single read only.
    llm_turn_timeout_seconds: float = Field(default=120.0, gt=0)
    # Tool calls per turn; the turn stops, saying so, when the model wants more.
    llm_max_tool_calls: int = Field(default=10, ge=1)
    # The SDK's tracing sends data to a hosted service: off unless asked for.
    llm_tracing: bool = False

    # Chat.
    chat_requests_per_minute: int = Field(default=30, ge=1)
    # One turn at a time per conversation: a turn holds the conversation until its
    # reply is stored, or at most this long (a crashed process) — longer than a turn.
    chat_turn_lock_seconds: float = Field(default=180.0, gt=0)

    def advertised_url(self) -> str:
        """The address clients use: `public_url`, or this server's own, without a
        trailing slash."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("", "0.0.0.0", "::") else self.host  # noqa: S104
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}"
