"""Access tokens: the server's own HS256 JWTs and an external provider's tokens."""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from jwt import PyJWKClient
from pydantic import SecretStr

from todochat.config import Settings

LOCAL_ALGORITHM = "HS256"
# Own tokens already verified, kept until they expire: a client sends the same token
# with every request, and reading one costs more than the rest of a small request.
VERIFIED_CACHE_SIZE = 4096
_ASYMMETRIC = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"}


class InvalidTokenError(Exception):
    """The token cannot be trusted. The message says why, without echoing the token."""


class SecretConfigurationError(RuntimeError):
    """The server has no usable signing secret."""


@dataclass(frozen=True)
class TokenIdentity:
    """Who a verified token speaks for."""

    subject: str
    external: bool
    email: str | None = None
    # The provider vouches that the email belongs to this subject: only a boolean
    # `email_verified: true` claim counts (false, absent or "true" as text do not).
    email_verified: bool = False
    name: str | None = None
    # Own tokens: the user's token_version when the token was issued (`ver`; 0 for a
    # token issued before versions existed). Checked against the user row on every
    # request. None for external tokens, which this server cannot revoke.
    version: int | None = None
    # What the token may do: None for sign-in tokens (own and external), which may do
    # everything; a personal access token's scopes otherwise (see security/scopes.py).
    scopes: tuple[str, ...] | None = None

    @property
    def signed_in(self) -> bool:
        """Whether this is a sign-in token rather than a personal access token: only
        a sign-in may manage the account (tokens, password, signing out everywhere)."""
        return self.scopes is None


def resolve_jwt_secret(configured: SecretStr | None, sqlite_file: str | None) -> str:
    """The HS256 secret: the configured one, or (SQLite only: `sqlite_file` is the
    database file) a generated one kept on disk beside the database.

    Raises SecretConfigurationError on PostgreSQL without TODOCHAT_JWT_SECRET: several
    processes must share one secret, and only the operator can give them one.
    """
    if configured is not None:
        secret = configured.get_secret_value()
        if len(secret) < 32:
            raise SecretConfigurationError("TODOCHAT_JWT_SECRET must be at least 32 characters")
        return secret
    if sqlite_file is None:
        raise SecretConfigurationError(
            "TODOCHAT_JWT_SECRET is required with PostgreSQL: every server process must "
            "sign and verify tokens with the same secret (generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
        )
    return _secret_beside_database(sqlite_file)


def secret_file_for(database: str) -> Path:
    """Where the generated secret of a SQLite database lives."""
    if not database or database == ":memory:":
        return Path("todochat.secret")
    return Path(f"{database}.secret")


def _secret_beside_database(database: str) -> str:
    path = secret_file_for(database)
    try:
        # O_EXCL: when several workers start at once, exactly one writes the secret.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


class TokenService:
    """Issues the server's own tokens and verifies both kinds."""

    def __init__(self, settings: Settings, secret: str) -> None:
        self.settings = settings
        self._secret = secret
        self._verified: dict[str, tuple[TokenIdentity, float]] = {}
        self._jwks_client = (
            PyJWKClient(
                settings.auth_jwks_url,
                cache_jwk_set=True,
                lifespan=settings.auth_jwks_cache_seconds,
                timeout=10,
            )
            if settings.auth_jwks_url
            else None
        )

    @property
    def external_enabled(self) -> bool:
        return self._jwks_client is not None or self.settings.auth_shared_secret is not None

    def issue(self, user_id: str, version: int = 0) -> tuple[str, int]:
        """A signed access token for the user, carrying their current token version
        (`ver`), and its lifetime in seconds."""
        lifetime = self.settings.access_token_minutes * 60
        now = datetime.now(UTC)
        claims = {
            "sub": user_id,
            "iat": now,
            "nbf": now,
            "exp": now + timedelta(seconds=lifetime),
            "iss": self.settings.jwt_issuer,
            "aud": self.settings.jwt_audience,
            "ver": version,
        }
        return jwt.encode(claims, self._secret, algorithm=LOCAL_ALGORITHM), lifetime

    def seal(self, claims: dict[str, Any], lifetime: int, purpose: str) -> str:
        """`claims` signed for one `purpose` (an audience no access token has), good for
        `lifetime` seconds: a way to carry state through the browser without storing it."""
        now = datetime.now(UTC)
        sealed = {
            **claims,
            "iat": now,
            "exp": now + timedelta(seconds=lifetime),
            "iss": self.settings.jwt_issuer,
            "aud": f"{self.settings.jwt_audience}:{purpose}",
        }
        return jwt.encode(sealed, self._secret, algorithm=LOCAL_ALGORITHM)

    def unseal(self, text: str, purpose: str) -> dict[str, Any]:
        """The claims `seal` signed for `purpose`; InvalidTokenError if they were not,
        were altered, or have expired."""
        try:
            claims: dict[str, Any] = jwt.decode(
                text,
                self._secret,
                algorithms=[LOCAL_ALGORITHM],
                audience=f"{self.settings.jwt_audience}:{purpose}",
                issuer=self.settings.jwt_issuer,
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidTokenError("this request has expired: start again") from exc
        except jwt.PyJWTError as exc:
            raise InvalidTokenError("this request is not valid") from exc
        return claims

    async def verify(self, token: str) -> TokenIdentity:
        """The identity a token proves; InvalidTokenError if it proves nothing."""
        local = self._verify_local(token)
        if local is not None:
            return local
        try:
            # One unverified read of header and claims says which key must verify it.
            unverified = jwt.decode_complete(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise InvalidTokenError("malformed token") from exc
        algorithm = unverified["header"].get("alg")
        issuer = unverified["payload"].get("iss")
        if issuer == self.settings.jwt_issuer:
            claims = self._decode(token, self._secret, [LOCAL_ALGORITHM], self.settings)
            return _own_identity(claims)
        if self.external_enabled and issuer == self.settings.auth_issuer:
            claims = await self._verify_external(token, algorithm)
            email = claims.get("email")
            name = claims.get("name")
            return TokenIdentity(
                subject=str(claims["sub"]),
                external=True,
                email=email if isinstance(email, str) else None,
                email_verified=claims.get("email_verified") is True,
                name=name if isinstance(name, str) else None,
            )
        raise InvalidTokenError("token issuer is not trusted")

    def _verify_local(self, token: str) -> TokenIdentity | None:
        """The identity of one of this server's own tokens, read and verified in one
        pass (the common case); None for any other token, which `verify` then reads
        in full to say exactly what is wrong with it."""
        cached = self._verified.get(token)
        if cached is not None:
            identity, expires = cached
            if time.time() < expires:
                return identity
            del self._verified[token]
        try:
            claims = self._decode(token, self._secret, [LOCAL_ALGORITHM], self.settings)
        except InvalidTokenError:
            return None
        identity = _own_identity(claims)
        if len(self._verified) >= VERIFIED_CACHE_SIZE:
            del self._verified[next(iter(self._verified))]  # the oldest entry
        self._verified[token] = (identity, float(claims["exp"]))
        return identity

    async def _verify_external(self, token: str, algorithm: Any) -> dict[str, Any]:
        settings = self.settings
        if self._jwks_client is not None and algorithm in _ASYMMETRIC:
            allowed = [a for a in settings.auth_algorithms if a in _ASYMMETRIC]
            if algorithm not in allowed:
                raise InvalidTokenError("token algorithm is not allowed")
            try:
                signing_key = await asyncio.to_thread(
                    self._jwks_client.get_signing_key_from_jwt, token
                )
            except jwt.PyJWKClientError as exc:
                raise InvalidTokenError("token signing key is unknown") from exc
            return self._decode(token, signing_key, allowed, settings, external=True)
        if settings.auth_shared_secret is not None and algorithm == LOCAL_ALGORITHM:
            secret = settings.auth_shared_secret.get_secret_value()
            return self._decode(token, secret, [LOCAL_ALGORITHM], settings, external=True)
        # Covers `alg: none` and an HS256 token "signed" with a public key.
        raise InvalidTokenError("token algorithm is not allowed")

    @staticmethod
    def _decode(
        token: str, key: Any, algorithms: list[str], settings: Settings, external: bool = False
    ) -> dict[str, Any]:
        issuer = settings.auth_issuer if external else settings.jwt_issuer
        audience = settings.auth_audience if external else settings.jwt_audience
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                issuer=issuer,
                audience=audience,
                leeway=settings.auth_leeway_seconds if external else 0,
                options={"require": ["sub", "exp", "iat", "iss"], "verify_aud": bool(audience)},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidTokenError("token has expired") from exc
        except jwt.ImmatureSignatureError as exc:
            raise InvalidTokenError("token is not valid yet") from exc
        except jwt.InvalidAudienceError as exc:
            raise InvalidTokenError("token audience is wrong") from exc
        except jwt.InvalidIssuerError as exc:
            raise InvalidTokenError("token issuer is wrong") from exc
        except jwt.InvalidSignatureError as exc:
            raise InvalidTokenError("token signature is invalid") from exc
        except jwt.PyJWTError as exc:
            raise InvalidTokenError("token is invalid") from exc
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise InvalidTokenError("token has no subject")
        return claims


def _own_identity(claims: dict[str, Any]) -> TokenIdentity:
    version = claims.get("ver", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise InvalidTokenError("token version is invalid")
    return TokenIdentity(subject=str(claims["sub"]), external=False, version=version)
