"""Helpers for the HTTP API tests: in-process clients, the error shape, hand-made
tokens (the shared helpers are in tests/support.py; fixtures in conftest.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from tests.support import running

BASE_URL = "http://127.0.0.1"


def client_for(app: FastAPI, address: str = "127.0.0.1") -> httpx.AsyncClient:
    """An HTTP client for an app that is already running, seen as coming from `address`."""
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url=BASE_URL)


@asynccontextmanager
async def serving(app: FastAPI, address: str = "127.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to `app` in process, with the app started."""
    async with running(app), client_for(app, address) as client:
        yield client


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is the documented error shape with this status; returns the error."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) <= {"code", "message", "details"}, error
    assert isinstance(error["code"], str), error
    assert error["code"], error
    assert isinstance(error["message"], str), error
    assert error["message"], error
    if code is not None:
        assert error["code"] == code, error
    return dict(error)


def claims(
    *,
    sub: str,
    iss: str,
    aud: str | None,
    lifetime: timedelta = timedelta(minutes=10),
    issued: datetime | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """JWT claims issued at `issued` (default now), valid for `lifetime`."""
    now = issued or datetime.now(UTC)
    values: dict[str, Any] = {"sub": sub, "iss": iss, "iat": now, "exp": now + lifetime}
    if aud is not None:
        values["aud"] = aud
    values.update(extra)
    return values


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(value: dict[str, Any]) -> str:
    plain = {k: int(v.timestamp()) if isinstance(v, datetime) else v for k, v in value.items()}
    return _b64url(json.dumps(plain, separators=(",", ":")).encode())


def unsigned_token(payload: dict[str, Any]) -> str:
    """A token with `alg: none` and an empty signature."""
    return f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{_segment(payload)}."


def hs256_with_raw_key(payload: dict[str, Any], key: bytes, kid: str | None = None) -> str:
    """An HS256 token signed with any bytes as the HMAC key (PyJWT refuses PEM keys)."""
    header: dict[str, Any] = {"alg": "HS256", "typ": "JWT"}
    if kid is not None:
        header["kid"] = kid
    signing_input = f"{_segment(header)}.{_segment(payload)}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64url(signature)}"
