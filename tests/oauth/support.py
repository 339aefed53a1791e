"""A hand-driven OAuth client for the authorization server's edge cases: each step is
one HTTP request, so a test can change exactly one thing."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.support import PASSWORD

REDIRECT_URI = "http://127.0.0.1:9/callback"
_SEALED_REQUEST = re.compile(r'name="request" value="([^"]+)"')


def pkce_pair() -> tuple[str, str]:
    """A PKCE verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.decode().rstrip("=")


def query_of(url: str) -> dict[str, str]:
    """A URL's query parameters (first value of each)."""
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


@dataclass
class OAuthClient:
    """A registered public client and the HTTP client it talks through."""

    http: httpx.AsyncClient
    client_id: str
    resource: str

    @classmethod
    async def register(cls, http: httpx.AsyncClient, **metadata: Any) -> OAuthClient:
        response = await http.post(
            "/register",
            json={
                "redirect_uris": [REDIRECT_URI],
                "token_endpoint_auth_method": "none",
                "client_name": "Test assistant",
                **metadata,
            },
        )
        assert response.status_code == 201, response.text
        return cls(http, response.json()["client_id"], f"{http.base_url}".rstrip("/") + "/mcp")

    async def authorize(
        self, challenge: str, *, scope: str = "tasks:read tasks:write", **extra: str
    ) -> httpx.Response:
        """GET /authorize, not following its redirect."""
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": REDIRECT_URI,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "state": "state-123",
            "scope": scope,
            "resource": self.resource,
            **extra,
        }
        return await self.http.get("/authorize", params=params)

    async def consent(
        self,
        consent_url: str,
        email: str,
        *,
        password: str = PASSWORD,
        decision: str = "allow",
        scopes: tuple[str, ...] = ("tasks:read", "tasks:write"),
        access_token: str = "",
    ) -> httpx.Response:
        """Open the consent page and answer it, not following the redirect back."""
        page = await self.http.get(consent_url)
        assert page.status_code == 200, page.text
        match = _SEALED_REQUEST.search(page.text)
        assert match is not None
        form: dict[str, Any] = {
            "request": match.group(1).replace("&amp;", "&"),
            "decision": decision,
            "email": email,
            "password": password,
            "scope": list(scopes),
            "access_token": access_token,
        }
        return await self.http.post("/oauth/consent", data=form)

    async def code_for(self, email: str, challenge: str, **authorize: str) -> str:
        """Authorize, consent, and read the code off the redirect back."""
        redirect = await self.authorize(challenge, **authorize)
        assert redirect.status_code == 302, redirect.text
        back = await self.consent(redirect.headers["location"], email)
        assert back.status_code == 303, back.text
        return query_of(back.headers["location"])["code"]

    async def exchange(self, code: str, verifier: str | None, **extra: str) -> httpx.Response:
        """POST /token for a code."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_id": self.client_id,
            "resource": self.resource,
            **extra,
        }
        if verifier is not None:
            form["code_verifier"] = verifier
        return await self.http.post("/token", data=form)

    async def tokens_for(self, email: str, **authorize: str) -> dict[str, Any]:
        """The whole flow: a fresh access and refresh token for `email`."""
        verifier, challenge = pkce_pair()
        response = await self.exchange(await self.code_for(email, challenge, **authorize), verifier)
        assert response.status_code == 200, response.text
        tokens: dict[str, Any] = response.json()
        return tokens

    async def refresh(self, refresh_token: str) -> httpx.Response:
        """POST /token for a refresh."""
        return await self.http.post(
            "/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
                "client_id": self.client_id,
            },
        )

    async def revoke(self, token: str) -> httpx.Response:
        """POST /revoke."""
        return await self.http.post(
            "/revoke", data={"token": token, "client_id": self.client_id, "client_secret": ""}
        )
