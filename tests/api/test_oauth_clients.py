"""OAuth client registration: open to anyone but counted per address, and a client
that registers with a secret must present it (checked against its stored digest)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import FastAPI

from tests.oauth.support import OAuthClient, pkce_pair
from tests.support import register, unique_email

from .support import serving


@pytest.fixture
async def client(make_app: Callable[..., FastAPI]) -> AsyncIterator[httpx.AsyncClient]:
    app = make_app(public_url="http://127.0.0.1", registrations_per_address=3)
    async with serving(app) as client:
        yield client


async def confidential_client(http: httpx.AsyncClient) -> tuple[OAuthClient, str]:
    registered = await http.post(
        "/register",
        json={
            "redirect_uris": ["http://127.0.0.1:9/callback"],
            "token_endpoint_auth_method": "client_secret_post",
        },
    )
    assert registered.status_code == 201, registered.text
    body = registered.json()
    return OAuthClient(http, body["client_id"], "http://127.0.0.1/mcp"), body["client_secret"]


async def test_registrations_beyond_the_limit_per_address_get_429(
    client: httpx.AsyncClient,
) -> None:
    for _ in range(3):
        await OAuthClient.register(client)

    refused = await client.post("/register", json={"redirect_uris": ["http://127.0.0.1:9/cb"]})

    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert refused.json()["error"] == "temporarily_unavailable"


async def test_a_confidential_client_must_present_its_secret_at_the_token_endpoint(
    client: httpx.AsyncClient,
) -> None:
    account = await register(client, unique_email("dora"))
    assistant, _secret = await confidential_client(client)
    verifier, challenge = pkce_pair()
    code = await assistant.code_for(account.email, challenge)

    response = await assistant.exchange(code, verifier, client_secret="not-the-secret")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


async def test_a_confidential_client_with_its_secret_gets_tokens(
    client: httpx.AsyncClient,
) -> None:
    account = await register(client, unique_email("dora"))
    assistant, secret = await confidential_client(client)
    verifier, challenge = pkce_pair()
    code = await assistant.code_for(account.email, challenge)

    response = await assistant.exchange(code, verifier, client_secret=secret)

    assert response.status_code == 200, response.text
    assert response.json()["access_token"].startswith("todochat_oat_")


async def test_a_client_secret_in_http_basic_is_accepted(client: httpx.AsyncClient) -> None:
    registered = await client.post(
        "/register",
        json={
            "redirect_uris": ["http://127.0.0.1:9/callback"],
            "token_endpoint_auth_method": "client_secret_basic",
        },
    )
    body = registered.json()
    assistant = OAuthClient(client, body["client_id"], "http://127.0.0.1/mcp")
    account = await register(client, unique_email("dora"))
    verifier, challenge = pkce_pair()
    code = await assistant.code_for(account.email, challenge)
    basic = base64.b64encode(f"{body['client_id']}:{body['client_secret']}".encode()).decode()

    response = await client.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://127.0.0.1:9/callback",
            "client_id": body["client_id"],
            "code_verifier": verifier,
        },
        headers={"Authorization": f"Basic {basic}"},
    )

    assert response.status_code == 200, response.text
