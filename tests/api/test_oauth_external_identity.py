"""With an external identity provider, the OAuth consent page signs people in the way
the app does: with the provider's token (which the chat page holds)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from tests.oauth.support import OAuthClient, pkce_pair, query_of
from tests.support import bearer

from .support import claims, serving

SECRET = "shared-with-the-identity-provider-0123456789abcdef"
ISSUER = "https://auth.example.test"
AUDIENCE = "todochat-api"


@pytest.fixture
async def client(make_app: Callable[..., FastAPI]) -> AsyncIterator[httpx.AsyncClient]:
    app = make_app(
        auth_shared_secret=SecretStr(SECRET),
        auth_issuer=ISSUER,
        auth_audience=AUDIENCE,
        public_url="http://127.0.0.1",  # where the in-process client reaches it
    )
    async with serving(app) as client:
        yield client


def provider_token(**extra: Any) -> str:
    values = claims(sub="idp|grace", iss=ISSUER, aud=AUDIENCE, email="grace@example.com", **extra)
    return jwt.encode(values, SECRET, algorithm="HS256")


async def test_a_provider_token_signs_in_on_the_consent_page_and_the_grant_acts_for_that_user(
    client: httpx.AsyncClient,
) -> None:
    assistant = await OAuthClient.register(client)
    verifier, challenge = pkce_pair()
    redirect = await assistant.authorize(challenge)
    back = await assistant.consent(
        redirect.headers["location"], "", password="", access_token=provider_token()
    )
    assert back.status_code == 303, back.text
    tokens = (await assistant.exchange(query_of(back.headers["location"])["code"], verifier)).json()

    added = await client.post(
        "/mcp",
        headers={
            **bearer(tokens["access_token"]),
            "Accept": "application/json, text/event-stream",
        },
        json={
            "jsonrpc": "2.0",
            "id": 1,
            "method": "tools/call",
            "params": {"name": "add_task", "arguments": {"title": "Read the paper"}},
        },
    )
    mine = await client.get("/api/me/tasks", headers=bearer(provider_token()))

    assert added.status_code == 200, added.text
    assert [task["title"] for task in mine.json()["items"]] == ["Read the paper"]


async def test_an_expired_provider_token_on_the_consent_page_issues_no_code(
    client: httpx.AsyncClient,
) -> None:
    assistant = await OAuthClient.register(client)
    _verifier, challenge = pkce_pair()
    redirect = await assistant.authorize(challenge)

    page = await assistant.consent(
        redirect.headers["location"], "", password="", access_token=provider_token(exp=1)
    )

    assert page.status_code == 401
    assert "sign in again" in page.text
