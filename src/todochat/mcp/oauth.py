"""The OAuth 2.1 authorization server for remote MCP clients, on the MCP SDK's own parts.

The SDK's handlers serve the protocol (metadata, registration, authorize, token,
revoke); `TodochatOAuthProvider` puts todochat's accounts and database behind them:

* `/authorize` sends the browser to todochat's consent page with the request sealed
  (signed, ten minutes) in the URL, so nothing is stored until the user says yes;
* the consent page (api/oauth.py) signs the user in as the app does, and `approve`
  stores a code (as a digest) and sends the browser back to the client;
* `/token` exchanges a code (PKCE S256, exact redirect URI) or a refresh token for an
  opaque access token bound to the `/mcp` resource, and a single-use refresh token;
* `load_access_token` is the one door of `/mcp`: it accepts these tokens, personal
  access tokens and the tokens the REST API accepts, each with its scopes.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from mcp.server.auth.handlers.authorize import AuthorizationHandler
from mcp.server.auth.handlers.metadata import MetadataHandler, ProtectedResourceMetadataHandler
from mcp.server.auth.handlers.register import RegistrationHandler
from mcp.server.auth.handlers.revoke import RevocationHandler
from mcp.server.auth.handlers.token import TokenHandler
from mcp.server.auth.middleware.client_auth import AuthenticationError, ClientAuthenticator
from mcp.server.auth.provider import (
    AccessToken,
    AuthorizationCode,
    AuthorizationParams,
    AuthorizeError,
    RefreshToken,
    TokenError,
    construct_redirect_uri,
)
from mcp.server.auth.routes import build_metadata, build_resource_metadata_url, cors_middleware
from mcp.server.auth.settings import ClientRegistrationOptions, RevocationOptions
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken, ProtectedResourceMetadata
from pydantic import AnyHttpUrl, AnyUrl, BaseModel, ConfigDict, ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from todochat.config import Settings
from todochat.db import DATABASE_UNAVAILABLE, Database
from todochat.errors import RateLimitedError, TodochatError
from todochat.mcp.outage import note_database_unavailable
from todochat.models import OAuthToken as StoredToken
from todochat.models import OAuthTokenKind, User
from todochat.ratelimit import RateLimiter
from todochat.security import scopes as scope_names
from todochat.security.opaque import (
    OAUTH_ACCESS_TOKEN_PREFIX,
    OAUTH_REFRESH_TOKEN_PREFIX,
    digest,
)
from todochat.security.tokens import InvalidTokenError, TokenService
from todochat.services import access_tokens, auth, oauth
from todochat.services.oauth import IssuedTokens, Lifetimes

SdkToken = TypeVar("SdkToken", AccessToken, RefreshToken)
# Own sign-in tokens and external identity tokens have no client.
SIGN_IN_CLIENT_ID = "todochat"
# The client id of a request authenticated by a personal access token.
PAT_CLIENT_ID = "pat"
CONSENT_PATH = "/oauth/consent"
_CONSENT_PURPOSE = "oauth-consent"
_CONSENT_SECONDS = 600
# base64url of a SHA-256 digest, unpadded (RFC 7636 §4.2).
_S256_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")


def mcp_resource_url(settings: Settings) -> str:
    """The resource every token for `/mcp` is bound to (RFC 8707)."""
    return settings.advertised_url() + "/mcp"


def resource_metadata_url(settings: Settings) -> str:
    """Where clients read the protected resource metadata of /mcp (RFC 9728)."""
    return str(build_resource_metadata_url(AnyHttpUrl(mcp_resource_url(settings))))


def oauth_available(settings: Settings) -> bool:
    """OAuth needs an issuer clients can trust: https, or http on this machine."""
    url = urlsplit(settings.advertised_url())
    return url.scheme == "https" or (
        url.scheme == "http" and url.hostname in ("localhost", "127.0.0.1", "::1")
    )


def same_resource(given: str | None, expected: str) -> bool:
    """Whether `given` names `expected` (case of scheme and host, default port and a
    trailing slash aside)."""
    try:
        normalised = str(AnyHttpUrl(given or ""))
    except ValidationError:
        return False
    return normalised.removesuffix("/") == str(AnyHttpUrl(expected)).removesuffix("/")


@dataclass(frozen=True)
class ConsentRequest:
    """What a client asked for at /authorize, as the consent page shows it."""

    client_id: str
    client_name: str
    redirect_uri: str
    redirect_uri_provided_explicitly: bool
    code_challenge: str
    scopes: tuple[str, ...]
    state: str | None
    resource: str | None


class TodochatOAuthProvider:
    """The SDK's `OAuthAuthorizationServerProvider`, over todochat's database."""

    def __init__(self, database: Database, settings: Settings, tokens: TokenService) -> None:
        self._database = database
        self._settings = settings
        self._tokens = tokens
        self.resource_url = mcp_resource_url(settings)
        self.lifetimes = Lifetimes(
            code=timedelta(seconds=settings.oauth_code_seconds),
            access=timedelta(seconds=settings.oauth_access_token_seconds),
            refresh=timedelta(days=settings.oauth_refresh_token_days),
        )

    # Clients -------------------------------------------------------------------------

    async def get_client(self, client_id: str) -> OAuthClientInformationFull | None:
        """A registered client. Its secret is not returned: only its digest is kept,
        which `DigestClientAuthenticator` checks."""
        async with self._database.session() as session:
            client = await oauth.get_client(session, client_id)
        if client is None:
            return None
        return OAuthClientInformationFull.model_validate({**client.info, "client_id": client_id})

    async def register_client(self, client_info: OAuthClientInformationFull) -> None:
        """Keep a client that registered itself (RFC 7591)."""
        info = client_info.model_dump(mode="json", exclude={"client_id", "client_secret"})
        async with self._database.session() as session:
            await oauth.register_client(
                session, str(client_info.client_id), info, client_info.client_secret
            )

    # Authorization -------------------------------------------------------------------

    async def authorize(
        self, client: OAuthClientInformationFull, params: AuthorizationParams
    ) -> str:
        """Send the browser to the consent page, the request sealed in its URL."""
        if params.resource is not None and not same_resource(params.resource, self.resource_url):
            raise AuthorizeError(
                "invalid_target", f"this server issues tokens for {self.resource_url} only"
            )
        if not _S256_CHALLENGE.fullmatch(params.code_challenge):
            raise AuthorizeError(
                "invalid_request", "code_challenge must be a PKCE S256 challenge (43 characters)"
            )
        asked = scope_names.parse_scopes(" ".join(params.scopes or []) or client.scope)
        sealed = self._tokens.seal(
            {
                "client_id": client.client_id,
                "client_name": client.client_name or "",
                "redirect_uri": str(params.redirect_uri),
                "explicit": params.redirect_uri_provided_explicitly,
                "challenge": params.code_challenge,
                "scopes": list(asked or scope_names.ALL),
                "state": params.state,
                "resource": params.resource,
            },
            _CONSENT_SECONDS,
            _CONSENT_PURPOSE,
        )
        return construct_redirect_uri(
            self._settings.advertised_url() + CONSENT_PATH, request=sealed
        )

    def read_consent_request(self, sealed: str) -> ConsentRequest:
        """The request /authorize sealed; InvalidTokenError if altered or expired."""
        claims = self._tokens.unseal(sealed, _CONSENT_PURPOSE)
        return ConsentRequest(
            client_id=str(claims["client_id"]),
            client_name=str(claims.get("client_name") or ""),
            redirect_uri=str(claims["redirect_uri"]),
            redirect_uri_provided_explicitly=bool(claims["explicit"]),
            code_challenge=str(claims["challenge"]),
            scopes=scope_names.parse_scopes(" ".join(claims.get("scopes") or [])),
            state=claims.get("state"),
            resource=claims.get("resource"),
        )

    async def approve(
        self,
        session: AsyncSession,
        request: ConsentRequest,
        user: User,
        granted: tuple[str, ...],
    ) -> str:
        """The user said yes to `granted` (a subset of what was asked): store a code in
        `session` and return where the browser goes next."""
        code = await oauth.create_code(
            session,
            user_id=user.id,
            client_id=request.client_id,
            scopes=scope_names.format_scopes(granted),
            code_challenge=request.code_challenge,
            redirect_uri=request.redirect_uri,
            redirect_uri_provided_explicitly=request.redirect_uri_provided_explicitly,
            resource=request.resource or self.resource_url,
            lifetime=self.lifetimes.code,
        )
        return construct_redirect_uri(request.redirect_uri, code=code, state=request.state)

    @staticmethod
    def deny(request: ConsentRequest) -> str:
        """The user said no: where the browser goes, carrying `access_denied`."""
        return construct_redirect_uri(
            request.redirect_uri,
            error="access_denied",
            error_description="the user did not allow access",
            state=request.state,
        )

    # Codes and tokens ----------------------------------------------------------------

    async def load_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: str
    ) -> AuthorizationCode | None:
        """The client's code as the SDK checks it (expiry, redirect URI, PKCE)."""
        async with self._database.session() as session:
            code = await oauth.find_code(session, str(client.client_id), authorization_code)
        if code is None:
            return None
        return AuthorizationCode(
            code=authorization_code,
            scopes=code.scopes.split(),
            expires_at=code.expires_at.timestamp(),
            client_id=code.client_id,
            code_challenge=code.code_challenge,
            redirect_uri=AnyUrl(code.redirect_uri),
            redirect_uri_provided_explicitly=code.redirect_uri_provided_explicitly,
            resource=code.resource,
            subject=code.user_id,
        )

    async def exchange_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: AuthorizationCode
    ) -> OAuthToken:
        """A code's first and only exchange."""
        async with self._database.session() as session:
            code = await oauth.find_code(session, str(client.client_id), authorization_code.code)
            issued = (
                None if code is None else await oauth.redeem_code(session, code, self.lifetimes)
            )
        if issued is None:
            raise TokenError("invalid_grant", "authorization code was already used")
        return _oauth_token(issued)

    async def load_refresh_token(
        self, client: OAuthClientInformationFull, refresh_token: str
    ) -> RefreshToken | None:
        """The client's unexpired refresh token."""
        if not refresh_token.startswith(OAUTH_REFRESH_TOKEN_PREFIX):
            return None
        async with self._database.session() as session:
            found = await oauth.find_token(session, refresh_token, OAuthTokenKind.REFRESH)
        if found is None or found.client_id != client.client_id:
            return None
        return _as_sdk(RefreshToken, refresh_token, found)

    async def exchange_refresh_token(
        self, client: OAuthClientInformationFull, refresh_token: RefreshToken, scopes: list[str]
    ) -> OAuthToken:
        """A new pair for a refresh token, which stops working."""
        async with self._database.session() as session:
            found = await oauth.find_token(session, refresh_token.token, OAuthTokenKind.REFRESH)
            issued = (
                None
                if found is None
                else await oauth.refresh(
                    session, found, scope_names.format_scopes(scopes), self.lifetimes
                )
            )
        if issued is None:
            raise TokenError("invalid_grant", "refresh token was already used")
        return _oauth_token(issued)

    async def load_access_token(self, token: str) -> AccessToken | None:
        """Who a bearer token at /mcp acts for, and what it may do; None if nobody."""
        try:
            if token.startswith(OAUTH_ACCESS_TOKEN_PREFIX):
                return await self._oauth_access_token(token)
            if access_tokens.is_personal_access_token(token):
                return await self._personal_access_token(token)
            return await self._sign_in_token(token)
        except DATABASE_UNAVAILABLE as exc:
            # Not a bad token: the request is answered 503 rather than 401.
            note_database_unavailable(exc)
            return None

    async def revoke_token(self, token: AccessToken | RefreshToken) -> None:
        """Revoke the grant a token belongs to: its access and refresh tokens alike."""
        async with self._database.session() as session:
            for kind in OAuthTokenKind:
                found = await oauth.find_token(session, token.token, kind)
                if found is not None:
                    await oauth.revoke_grant(session, found.grant_id)

    async def exchange_identity_assertion(self, client: Any, params: Any) -> OAuthToken:
        """Not offered (no enterprise identity assertions)."""
        raise TokenError("unsupported_grant_type", "this server does not accept assertions")

    async def _oauth_access_token(self, token: str) -> AccessToken | None:
        async with self._database.session() as session:
            found = await oauth.find_token(session, token, OAuthTokenKind.ACCESS)
        return None if found is None else _as_sdk(AccessToken, token, found)

    async def _personal_access_token(self, token: str) -> AccessToken | None:
        """A personal access token: good for /mcp within its scopes (its use noted)."""
        try:
            async with self._database.session() as session:
                grant = await access_tokens.verify(session, token)
        except TodochatError:
            return None
        return AccessToken(
            token=token,
            client_id=PAT_CLIENT_ID,
            scopes=list(grant.scopes),
            subject=grant.user_id,
            resource=self.resource_url,
        )

    async def _sign_in_token(self, token: str) -> AccessToken | None:
        """The tokens the REST API accepts: they may do everything, at /mcp too."""
        try:
            identity = await self._tokens.verify(token)
            if identity.external:
                async with self._database.session() as session:
                    await auth.user_for_identity(session, identity)
        except (InvalidTokenError, TodochatError):
            return None
        # An own token's version goes with it, so that each tool call can compare it
        # with the user row it loads anyway (a signed-out token is refused there).
        claims = {"ver": identity.version} if identity.version is not None else None
        return AccessToken(
            token=token,
            client_id=SIGN_IN_CLIENT_ID,
            scopes=list(scope_names.ALL),
            subject=identity.subject,
            claims=claims,
            resource=self.resource_url,
        )


def _as_sdk(kind: type[SdkToken], token: str, found: StoredToken) -> SdkToken:
    """A stored token as the SDK's AccessToken or RefreshToken."""
    return kind(
        token=token,
        client_id=found.client_id,
        scopes=found.scopes.split(),
        expires_at=int(found.expires_at.timestamp()),
        resource=found.resource,
        subject=found.user_id,
    )


def _oauth_token(issued: IssuedTokens) -> OAuthToken:
    return OAuthToken(
        access_token=issued.access_token,
        token_type="Bearer",  # noqa: S106 - the scheme's name
        expires_in=issued.expires_in,
        scope=issued.scopes,
        refresh_token=issued.refresh_token,
    )


class DigestClientAuthenticator(ClientAuthenticator):
    """The SDK's client authentication at /token and /revoke, for client secrets kept
    as digests: the presented secret's digest is compared with the stored one."""

    def __init__(self, provider: TodochatOAuthProvider, database: Database) -> None:
        super().__init__(provider)
        self._database = database

    async def authenticate_request(self, request: Request) -> OAuthClientInformationFull:
        form = await request.form()
        client_id = form.get("client_id")
        if not isinstance(client_id, str) or not client_id:
            raise AuthenticationError("Missing client_id")
        async with self._database.session() as session:
            stored = await oauth.get_client(session, client_id)
        if stored is None:
            raise AuthenticationError("Invalid client_id")
        client = OAuthClientInformationFull.model_validate({**stored.info, "client_id": client_id})
        if stored.secret_hash is None:
            return client  # a public client: PKCE protects its codes
        secret = _presented_secret(request, client_id, form.get("client_secret"))
        if secret is None or not hmac.compare_digest(digest(secret), stored.secret_hash):
            raise AuthenticationError("Invalid client_secret")
        expires = client.client_secret_expires_at
        if expires and expires < int(time.time()):
            raise AuthenticationError("Client secret has expired")
        return client


def _presented_secret(request: Request, client_id: str, posted: Any) -> str | None:
    """The secret from HTTP Basic (client_secret_basic) or the form (client_secret_post)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            basic_id, secret = base64.b64decode(header[6:]).decode().split(":", 1)
        except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
            raise AuthenticationError("Invalid Basic authentication header") from exc
        if unquote(basic_id) != client_id:
            raise AuthenticationError("Client ID mismatch in Basic auth")
        return unquote(secret)
    return posted if isinstance(posted, str) else None


class _ExactUrl(BaseModel):
    """A URL kept as written: no trailing slash added to an empty path."""

    model_config = ConfigDict(url_preserve_empty_path=True)
    url: AnyHttpUrl


def _registrations_limited(
    handler: Callable[[Request], Awaitable[Response]],
    limiter: RateLimiter,
    settings: Settings,
) -> Callable[[Request], Awaitable[Response]]:
    """Registration is open to anyone: count it per client address, as sign-ups are."""

    async def limited(request: Request) -> Response:
        address = request.client.host if request.client else "unknown"
        try:
            await limiter.hit(
                f"oauth-register:{address}",
                settings.registrations_per_address,
                settings.registration_window_seconds,
            )
        except RateLimitedError as exc:
            return JSONResponse(
                {"error": "temporarily_unavailable", "error_description": exc.message},
                status_code=429,
                headers={"Retry-After": str(exc.retry_after)},
            )
        return await handler(request)

    return limited


def oauth_routes(
    provider: TodochatOAuthProvider, database: Database, limiter: RateLimiter, settings: Settings
) -> list[Route]:
    """The authorization server's endpoints and both metadata documents, from the SDK's
    handlers: `/.well-known/oauth-authorization-server`, `/authorize`, `/token`,
    `/register` (counted per address), `/revoke`, and
    `/.well-known/oauth-protected-resource/mcp`."""
    # The issuer exactly as configured: clients compare it with the URL they used.
    issuer = _ExactUrl(url=provider.resource_url.removesuffix("/mcp")).url
    registration = ClientRegistrationOptions(
        enabled=True,
        valid_scopes=list(scope_names.ALL),
        default_scopes=list(scope_names.ALL),
    )
    metadata = build_metadata(issuer, None, registration, RevocationOptions(enabled=True))
    authenticator = DigestClientAuthenticator(provider, database)
    sdk_provider: Any = provider
    resource_metadata = ProtectedResourceMetadata(
        resource=_ExactUrl(url=provider.resource_url).url,
        authorization_servers=[issuer],
        scopes_supported=list(scope_names.ALL),
        resource_name="todochat",
    )
    resource_metadata_path = urlsplit(
        str(build_resource_metadata_url(AnyHttpUrl(provider.resource_url)))
    ).path
    cors_post = ["POST", "OPTIONS"]
    return [
        Route(
            "/.well-known/oauth-authorization-server",
            cors_middleware(MetadataHandler(metadata).handle, ["GET", "OPTIONS"]),
            methods=["GET", "OPTIONS"],
        ),
        *(
            # The path RFC 9728 gives for /mcp, and the bare one older clients try.
            Route(
                path,
                cors_middleware(
                    ProtectedResourceMetadataHandler(resource_metadata).handle, ["GET", "OPTIONS"]
                ),
                methods=["GET", "OPTIONS"],
            )
            for path in (resource_metadata_path, "/.well-known/oauth-protected-resource")
        ),
        Route(
            "/authorize",
            AuthorizationHandler(sdk_provider).handle,
            methods=["GET", "POST"],
        ),
        Route(
            "/token",
            cors_middleware(TokenHandler(sdk_provider, authenticator).handle, cors_post),
            methods=cors_post,
        ),
        Route(
            "/register",
            cors_middleware(
                _registrations_limited(
                    RegistrationHandler(sdk_provider, registration).handle, limiter, settings
                ),
                cors_post,
            ),
            methods=cors_post,
        ),
        Route(
            "/revoke",
            cors_middleware(RevocationHandler(sdk_provider, authenticator).handle, cors_post),
            methods=cors_post,
        ),
    ]
