"""Security headers on every response: the page, the API and errors. The page has no
inline script, so its Content-Security-Policy needs nothing beyond 'self'."""

from __future__ import annotations

import re
from importlib import resources

import httpx
import pytest

from tests.support import Account

COMMON = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def assert_security_headers(response: httpx.Response, *, csp: bool = True) -> None:
    for name, value in COMMON.items():
        assert response.headers.get(name) == value, (name, dict(response.headers))
    policy = response.headers.get("content-security-policy")
    if csp:
        assert policy is not None
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
    else:
        assert policy is None


async def test_the_page_has_security_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert_security_headers(response)


async def test_a_static_file_has_security_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/static/app.js")
    assert response.status_code == 200
    assert_security_headers(response)


async def test_an_api_response_has_security_headers(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.get("/api/me/tasks", headers=alice_auth.headers)
    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/api/me/tasks", 401), ("GET", "/no/such/page", 404)],
    ids=["unauthorised", "not-found"],
)
async def test_an_error_response_has_security_headers(
    client: httpx.AsyncClient, method: str, path: str, status: int
) -> None:
    response = await client.request(method, path)
    assert response.status_code == status
    assert_security_headers(response)


async def test_a_body_refused_before_routing_has_security_headers(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.post(
        "/api/me/tasks", headers=alice_auth.headers, content=b"x" * (1024 * 1024)
    )
    assert response.status_code == 413
    assert_security_headers(response)


async def test_the_api_docs_work_without_a_content_security_policy(
    client: httpx.AsyncClient,
) -> None:
    # Swagger UI comes from a CDN and starts with an inline script.
    response = await client.get("/docs")
    assert response.status_code == 200
    assert_security_headers(response, csp=False)


def test_the_page_has_no_inline_script_or_style() -> None:
    page = (resources.files("todochat.web") / "static" / "index.html").read_text()
    scripts = re.findall(r"<script\b[^>]*>", page, flags=re.IGNORECASE)
    assert scripts, "the page loads its script"
    assert all("src=" in tag for tag in scripts), scripts
    assert re.search(r"<style\b|\sstyle=|\son[a-z]+=", page, flags=re.IGNORECASE) is None
