"""An external identity's email is attached to the provisioned account only when the
provider says it verified it (`email_verified: true`); otherwise the account has no
email, and the address stays free for whoever owns it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from tests.support import PASSWORD, bearer

from .support import claims, serving

SECRET = "shared-with-the-identity-provider-0123456789abcdef"
ISSUER = "https://auth.example.test"
AUDIENCE = "todochat-api"
EMAIL = "grace@example.com"


@pytest.fixture
async def client(make_app: Callable[..., FastAPI]) -> AsyncIterator[httpx.AsyncClient]:
    app = make_app(auth_shared_secret=SecretStr(SECRET), auth_issuer=ISSUER, auth_audience=AUDIENCE)
    async with serving(app) as client:
        yield client


def provider_token(sub: str = "idp|grace", **extra: Any) -> str:
    values = claims(sub=sub, iss=ISSUER, aud=AUDIENCE, email=EMAIL, **extra)
    return jwt.encode(values, SECRET, algorithm="HS256")


async def email_of_provisioned_user(client: httpx.AsyncClient, token: str) -> str | None:
    response = await client.get("/api/auth/me", headers=bearer(token))
    assert response.status_code == 200, response.text
    email: str | None = response.json()["email"]
    return email


async def test_a_verified_email_is_attached(client: httpx.AsyncClient) -> None:
    assert await email_of_provisioned_user(client, provider_token(email_verified=True)) == EMAIL


@pytest.mark.parametrize(
    "verified",
    [{"email_verified": False}, {}, {"email_verified": "true"}, {"email_verified": 1}],
    ids=["false", "absent", "text-true", "one"],
)
async def test_an_email_not_verified_as_true_is_not_attached(
    client: httpx.AsyncClient, verified: dict[str, Any]
) -> None:
    assert await email_of_provisioned_user(client, provider_token(**verified)) is None


async def test_an_unverified_claim_leaves_the_address_to_its_owner(
    client: httpx.AsyncClient,
) -> None:
    await email_of_provisioned_user(client, provider_token(email_verified=False))

    registered = await client.post(
        "/api/auth/register", json={"email": EMAIL, "password": PASSWORD}
    )

    assert registered.status_code == 201, registered.text
