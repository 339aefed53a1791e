"""Bearer tokens: every forgery and mistake is a 401, and external identity providers
(JWKS or shared secret) are trusted exactly as configured."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from fastapi import FastAPI
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm
from pydantic import SecretStr

from tests.data.support import delete_user_row
from tests.support import JWT_SECRET, Account, bearer, register

from .support import assert_error, claims, hs256_with_raw_key, serving, unsigned_token

LOCAL_ISSUER = "todochat"  # the defaults of Settings.jwt_issuer / jwt_audience
LOCAL_AUDIENCE = "todochat"
EXTERNAL_ISSUER = "https://id.example.test"
EXTERNAL_AUDIENCE = "todochat-api"


def assert_unauthorized(response: httpx.Response) -> None:
    assert_error(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"


def local_token(sub: str, *, key: str = JWT_SECRET, **changes: Any) -> str:
    """A token shaped like the server's own, with some claims changed."""
    values = claims(sub=sub, iss=LOCAL_ISSUER, aud=LOCAL_AUDIENCE)
    values.update(changes)
    return jwt.encode(values, key, algorithm="HS256")


async def me(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.get("/api/auth/me", headers=bearer(token))


# The server's own tokens


async def test_a_token_minted_like_the_servers_own_is_accepted(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    """The control for the attacks below: only the attacked part differs."""
    response = await me(client, local_token(alice_auth.id))
    assert response.status_code == 200
    assert response.json()["id"] == alice_auth.id


async def test_no_token_is_401(client: httpx.AsyncClient) -> None:
    assert_unauthorized(await client.get("/api/auth/me"))


async def test_another_authorization_scheme_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/auth/me", headers={"Authorization": "Basic YWRhOnB3"})
    assert_unauthorized(response)


async def test_a_malformed_token_is_401(client: httpx.AsyncClient) -> None:
    assert_unauthorized(await me(client, "not.a.token"))


async def test_a_truncated_token_is_401(client: httpx.AsyncClient, alice_auth: Account) -> None:
    token = local_token(alice_auth.id)
    assert_unauthorized(await me(client, token[:-10]))


async def test_an_expired_token_is_401(client: httpx.AsyncClient, alice_auth: Account) -> None:
    issued = datetime.now(UTC) - timedelta(hours=2)
    token = local_token(alice_auth.id, iat=issued, exp=issued + timedelta(hours=1))
    assert_unauthorized(await me(client, token))


async def test_a_token_not_valid_yet_is_401(client: httpx.AsyncClient, alice_auth: Account) -> None:
    token = local_token(alice_auth.id, nbf=datetime.now(UTC) + timedelta(hours=1))
    assert_unauthorized(await me(client, token))


async def test_a_token_accepted_before_is_refused_once_it_expires(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    # Verified tokens are remembered; what is remembered must expire with the token.
    issued = datetime.now(UTC)
    # exp is in whole seconds: valid for at least one more second, gone after 2.2.
    token = local_token(alice_auth.id, iat=issued, exp=issued + timedelta(seconds=2))
    assert (await me(client, token)).status_code == 200
    await asyncio.sleep(2.2)
    response = await me(client, token)
    assert_unauthorized(response)
    assert "expired" in response.json()["error"]["message"]


async def test_a_token_without_expiry_is_401(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    values = claims(sub=alice_auth.id, iss=LOCAL_ISSUER, aud=LOCAL_AUDIENCE)
    del values["exp"]
    assert_unauthorized(await me(client, jwt.encode(values, JWT_SECRET, algorithm="HS256")))


async def test_a_token_signed_with_another_secret_is_401(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    token = local_token(alice_auth.id, key="another-secret-of-the-same-length-0123456789abc")
    assert_unauthorized(await me(client, token))


async def test_an_unsigned_alg_none_token_is_401(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    token = unsigned_token(claims(sub=alice_auth.id, iss=LOCAL_ISSUER, aud=LOCAL_AUDIENCE))
    assert_unauthorized(await me(client, token))


async def test_a_token_from_another_issuer_is_401(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    assert_unauthorized(await me(client, local_token(alice_auth.id, iss="someone-else")))


async def test_a_token_for_another_audience_is_401(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    assert_unauthorized(await me(client, local_token(alice_auth.id, aud="another-service")))


async def test_a_token_for_an_unknown_user_is_401(client: httpx.AsyncClient) -> None:
    assert_unauthorized(await me(client, local_token("8d6f3a1e-0000-4000-8000-000000000000")))


async def test_a_token_of_a_deleted_user_is_401(
    app: FastAPI, client: httpx.AsyncClient, alice_auth: Account
) -> None:
    async with app.state.runtime.database.session() as session:
        await delete_user_row(session, alice_auth.id)
    response = await client.get("/api/auth/me", headers=alice_auth.headers)
    assert_unauthorized(response)


async def test_a_rejected_token_is_not_echoed_back(client: httpx.AsyncClient) -> None:
    token = local_token("someone", key="another-secret-of-the-same-length-0123456789abc")
    response = await me(client, token)
    assert_unauthorized(response)
    assert token not in response.text


# External identity provider: a JWKS served over real HTTP


@dataclass
class IdentityProvider:
    """Signing keys whose public halves are served as a JWKS."""

    url: str
    rsa_key: rsa.RSAPrivateKey
    ed25519_key: ed25519.Ed25519PrivateKey
    p256_key: ec.EllipticCurvePrivateKey

    def sign(self, payload: dict[str, Any], algorithm: str = "RS256") -> str:
        keys: dict[str, tuple[Any, str]] = {
            "RS256": (self.rsa_key, "rsa-1"),
            "EdDSA": (self.ed25519_key, "ed-1"),
            "ES256": (self.p256_key, "ec-1"),
        }
        key, kid = keys[algorithm]
        return jwt.encode(payload, key, algorithm=algorithm, headers={"kid": kid})

    def rsa_public_pem(self) -> bytes:
        return self.rsa_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def _jwk(public: dict[str, Any], kid: str, alg: str) -> dict[str, Any]:
    return {**public, "kid": kid, "alg": alg, "use": "sig"}


@pytest.fixture(scope="module")
def identity_provider() -> Iterator[IdentityProvider]:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ed25519_key = ed25519.Ed25519PrivateKey.generate()
    p256_key = ec.generate_private_key(ec.SECP256R1())
    jwks = json.dumps(
        {
            "keys": [
                _jwk(RSAAlgorithm.to_jwk(rsa_key.public_key(), as_dict=True), "rsa-1", "RS256"),
                _jwk(OKPAlgorithm.to_jwk(ed25519_key.public_key(), as_dict=True), "ed-1", "EdDSA"),
                _jwk(ECAlgorithm.to_jwk(p256_key.public_key(), as_dict=True), "ec-1", "ES256"),
            ]
        }
    ).encode()

    class JWKSHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/.well-known/jwks.json":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(jwks)))
            self.end_headers()
            self.wfile.write(jwks)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), JWKSHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield IdentityProvider(
            url=f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json",
            rsa_key=rsa_key,
            ed25519_key=ed25519_key,
            p256_key=p256_key,
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
async def external_client(
    make_app: Callable[..., FastAPI], identity_provider: IdentityProvider
) -> AsyncIterator[httpx.AsyncClient]:
    app = make_app(
        auth_jwks_url=identity_provider.url,
        auth_issuer=EXTERNAL_ISSUER,
        auth_audience=EXTERNAL_AUDIENCE,
    )
    async with serving(app) as client:
        yield client


def external_claims(sub: str = "idp|user-42", **changes: Any) -> dict[str, Any]:
    values = claims(
        sub=sub,
        iss=EXTERNAL_ISSUER,
        aud=EXTERNAL_AUDIENCE,
        email="Grace@Example.com",
        email_verified=True,
    )
    values.update(changes)
    return values


async def test_an_rs256_token_from_the_provider_is_accepted_and_provisions_the_user(
    external_client: httpx.AsyncClient, identity_provider: IdentityProvider
) -> None:
    token = identity_provider.sign(external_claims())
    response = await me(external_client, token)
    assert response.status_code == 200
    assert response.json()["id"] == "idp|user-42"
    assert response.json()["email"] == "grace@example.com"


async def test_a_provisioned_external_user_keeps_its_data_across_tokens(
    external_client: httpx.AsyncClient, identity_provider: IdentityProvider
) -> None:
    first = bearer(identity_provider.sign(external_claims()))
    created = await external_client.post("/api/me/tasks", headers=first, json={"title": "Call"})
    assert created.status_code == 201
    second = bearer(identity_provider.sign(external_claims(), algorithm="EdDSA"))
    listed = await external_client.get("/api/idp|user-42/tasks", headers=second)
    assert listed.status_code == 200
    assert [task["title"] for task in listed.json()["items"]] == ["Call"]


@pytest.mark.parametrize("algorithm", ["EdDSA", "ES256"])
async def test_a_token_signed_with_another_key_of_the_jwks_is_accepted(
    external_client: httpx.AsyncClient, identity_provider: IdentityProvider, algorithm: str
) -> None:
    token = identity_provider.sign(external_claims(sub=f"idp|{algorithm}"), algorithm)
    response = await me(external_client, token)
    assert response.status_code == 200
    assert response.json()["id"] == f"idp|{algorithm}"


async def test_a_token_signed_by_a_key_not_in_the_jwks_is_401(
    external_client: httpx.AsyncClient,
) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(external_claims(), stranger, algorithm="RS256", headers={"kid": "rsa-9"})
    assert_unauthorized(await me(external_client, token))


async def test_a_token_signed_by_another_key_under_a_known_kid_is_401(
    external_client: httpx.AsyncClient,
) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(external_claims(), stranger, algorithm="RS256", headers={"kid": "rsa-1"})
    assert_unauthorized(await me(external_client, token))


async def test_an_hs256_token_keyed_with_the_providers_public_key_is_401(
    external_client: httpx.AsyncClient, identity_provider: IdentityProvider
) -> None:
    """The classic algorithm-confusion attack: the public key used as an HMAC secret."""
    token = hs256_with_raw_key(external_claims(), identity_provider.rsa_public_pem(), kid="rsa-1")
    assert_unauthorized(await me(external_client, token))


async def test_an_unsigned_token_claiming_the_provider_is_401(
    external_client: httpx.AsyncClient,
) -> None:
    assert_unauthorized(await me(external_client, unsigned_token(external_claims())))


async def test_a_provider_token_for_another_audience_is_401(
    external_client: httpx.AsyncClient, identity_provider: IdentityProvider
) -> None:
    token = identity_provider.sign(external_claims(aud="another-api"))
    assert_unauthorized(await me(external_client, token))


async def test_a_provider_token_from_another_issuer_is_401(
    external_client: httpx.AsyncClient, identity_provider: IdentityProvider
) -> None:
    token = identity_provider.sign(external_claims(iss="https://evil.example.test"))
    assert_unauthorized(await me(external_client, token))


async def test_an_expired_provider_token_is_401(
    external_client: httpx.AsyncClient, identity_provider: IdentityProvider
) -> None:
    issued = datetime.now(UTC) - timedelta(hours=2)
    token = identity_provider.sign(external_claims(iat=issued, exp=issued + timedelta(hours=1)))
    assert_unauthorized(await me(external_client, token))


async def test_a_provider_token_naming_a_local_account_is_401(
    external_client: httpx.AsyncClient, identity_provider: IdentityProvider
) -> None:
    """An external `sub` must never take over an account that has a password."""
    local = await register(external_client, "ada@example.com")
    token = identity_provider.sign(external_claims(sub=local.id))
    assert_unauthorized(await me(external_client, token))


async def test_the_servers_own_tokens_still_work_beside_a_provider(
    external_client: httpx.AsyncClient,
) -> None:
    local = await register(external_client, "ada@example.com")
    response = await external_client.get("/api/auth/me", headers=local.headers)
    assert response.status_code == 200
    assert response.json()["id"] == local.id


# External identity provider: a shared secret (Better Account style HS256)

SHARED_SECRET = "shared-with-the-identity-provider-0123456789abcdef"
SHARED_ISSUER = "https://auth.example.test"


@pytest.fixture
async def shared_secret_client(
    make_app: Callable[..., FastAPI],
) -> AsyncIterator[httpx.AsyncClient]:
    app = make_app(
        auth_shared_secret=SecretStr(SHARED_SECRET),
        auth_issuer=SHARED_ISSUER,
        auth_audience=EXTERNAL_AUDIENCE,
    )
    async with serving(app) as client:
        yield client


def shared_secret_claims(**changes: Any) -> dict[str, Any]:
    values = claims(sub="ba_user_7", iss=SHARED_ISSUER, aud=EXTERNAL_AUDIENCE, name="Lin")
    values.update(changes)
    return values


async def test_a_token_signed_with_the_shared_secret_is_accepted(
    shared_secret_client: httpx.AsyncClient,
) -> None:
    token = jwt.encode(shared_secret_claims(), SHARED_SECRET, algorithm="HS256")
    response = await me(shared_secret_client, token)
    assert response.status_code == 200
    assert response.json()["id"] == "ba_user_7"
    assert response.json()["name"] == "Lin"


@pytest.mark.both_databases
async def test_a_provider_token_with_a_long_name_is_accepted_with_the_name_shortened(
    shared_secret_client: httpx.AsyncClient,
) -> None:
    token = jwt.encode(shared_secret_claims(name="Lin " * 60), SHARED_SECRET, algorithm="HS256")
    response = await me(shared_secret_client, token)
    assert response.status_code == 200
    assert response.json()["name"].startswith("Lin Lin")


@pytest.mark.both_databases
async def test_a_provider_token_whose_subject_is_too_long_for_an_id_is_401(
    shared_secret_client: httpx.AsyncClient,
) -> None:
    token = jwt.encode(shared_secret_claims(sub="x" * 65), SHARED_SECRET, algorithm="HS256")
    assert_unauthorized(await me(shared_secret_client, token))


async def test_a_provider_token_signed_with_another_secret_is_401(
    shared_secret_client: httpx.AsyncClient,
) -> None:
    token = jwt.encode(shared_secret_claims(), JWT_SECRET, algorithm="HS256")
    assert_unauthorized(await me(shared_secret_client, token))


async def test_a_shared_secret_token_for_another_audience_is_401(
    shared_secret_client: httpx.AsyncClient,
) -> None:
    token = jwt.encode(shared_secret_claims(aud="another-api"), SHARED_SECRET, algorithm="HS256")
    assert_unauthorized(await me(shared_secret_client, token))


async def test_the_shared_secret_does_not_sign_the_servers_own_tokens(
    shared_secret_client: httpx.AsyncClient,
) -> None:
    local = await register(shared_secret_client, "ada@example.com")
    forged = local_token(local.id, key=SHARED_SECRET)
    assert_unauthorized(await me(shared_secret_client, forged))
