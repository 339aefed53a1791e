"""What every route shares: health checks, request ids, body limits, the error shape
for the framework's own failures, the OpenAPI schema, CORS and access logs."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from tests.support import PASSWORD, Account, free_port, make_settings, register
from todochat.config import Settings
from todochat.runtime import create_app

from .support import assert_error, serving

# Health


async def test_healthz_is_200(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_is_200_when_the_database_answers(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


def unreachable_database_url(kind: str, tmp_path: Path) -> str:
    if kind == "postgresql-closed-port":
        return f"postgresql://postgres@127.0.0.1:{free_port()}/todochat"
    return f"sqlite+aiosqlite:///{tmp_path / 'no-such-directory' / 'todochat.db'}"


@pytest.fixture(params=["postgresql-closed-port", "sqlite-missing-directory"])
async def unreachable_client(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    """An app whose database cannot be reached (no migration at start, or it would not
    start at all)."""
    settings = make_settings(unreachable_database_url(request.param, tmp_path), auto_migrate=False)
    async with serving(create_app(settings)) as client:
        yield client


async def test_readyz_is_503_with_retry_after_when_the_database_is_unreachable(
    unreachable_client: httpx.AsyncClient,
) -> None:
    response = await unreachable_client.get("/readyz")
    assert_error(response, 503, "unavailable")
    assert int(response.headers["retry-after"]) >= 1


async def test_healthz_stays_200_when_the_database_is_unreachable(
    unreachable_client: httpx.AsyncClient,
) -> None:
    assert (await unreachable_client.get("/healthz")).status_code == 200


async def test_an_api_route_is_503_with_retry_after_when_the_database_is_unreachable(
    unreachable_client: httpx.AsyncClient,
) -> None:
    response = await unreachable_client.post(
        "/api/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
    )
    assert_error(response, 503, "unavailable")
    assert int(response.headers["retry-after"]) >= 1


# Request ids


async def test_a_request_id_sent_is_echoed(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "trace-abc.123"})
    assert response.headers["x-request-id"] == "trace-abc.123"


async def test_a_request_id_is_generated_when_none_is_sent(client: httpx.AsyncClient) -> None:
    first = await client.get("/healthz")
    second = await client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", first.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


@pytest.mark.parametrize(
    "unsafe",
    ["has spaces", "x" * 65, 'quote"d', "new\\nline"],
    ids=["spaces", "long", "quote", "escape"],
)
async def test_an_unsafe_request_id_is_replaced(client: httpx.AsyncClient, unsafe: str) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": unsafe})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


async def test_error_responses_carry_the_request_id_too(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/auth/me", headers={"X-Request-ID": "req-401"})
    assert_error(response, 401)
    assert response.headers["x-request-id"] == "req-401"


# Body size


async def test_a_body_over_the_limit_with_content_length_is_413(
    client: httpx.AsyncClient, alice_auth: Account, settings: Settings
) -> None:
    body = b'{"title": "' + b"x" * settings.max_body_bytes + b'"}'
    response = await client.post(
        "/api/me/tasks",
        headers={**alice_auth.headers, "Content-Type": "application/json"},
        content=body,
    )
    assert_error(response, 413, "too_large")
    assert response.headers["x-request-id"]


async def chunks(body: bytes, size: int = 4096) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def test_a_chunked_body_over_the_limit_is_413(
    client: httpx.AsyncClient, alice_auth: Account, settings: Settings
) -> None:
    body = b'{"title": "' + b"x" * settings.max_body_bytes + b'"}'
    request = client.build_request(
        "POST",
        "/api/me/tasks",
        headers={**alice_auth.headers, "Content-Type": "application/json"},
        content=chunks(body),
    )
    assert "content-length" not in request.headers
    response = await client.send(request)
    assert_error(response, 413, "too_large")


async def test_a_chunked_body_under_the_limit_reaches_the_route(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    request = client.build_request(
        "POST",
        "/api/me/tasks",
        headers={**alice_auth.headers, "Content-Type": "application/json"},
        content=chunks(b'{"title": "sent in pieces"}', size=5),
    )
    response = await client.send(request)
    assert response.status_code == 201
    assert response.json()["title"] == "sent in pieces"


async def test_nothing_is_stored_from_a_rejected_body(
    client: httpx.AsyncClient, alice_auth: Account, settings: Settings
) -> None:
    body = b'{"title": "' + b"x" * settings.max_body_bytes + b'"}'
    await client.post(
        "/api/me/tasks",
        headers={**alice_auth.headers, "Content-Type": "application/json"},
        content=body,
    )
    listed = await client.get("/api/me/tasks", headers=alice_auth.headers)
    assert listed.json()["items"] == []


# The framework's own failures, in the one error shape


async def test_an_unknown_route_is_404_in_the_error_shape(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/api/nothing/here"), 404, "not_found")


async def test_a_wrong_method_is_405_in_the_error_shape(client: httpx.AsyncClient) -> None:
    response = await client.delete("/api/me/tasks")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["allow"]


async def test_malformed_json_is_400_in_the_error_shape(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.post(
        "/api/me/tasks",
        headers={**alice_auth.headers, "Content-Type": "application/json"},
        content=b'{"title": "unfinished',
    )
    assert_error(response, 400, "bad_request")


async def test_json_of_the_wrong_type_is_422(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.post("/api/me/tasks", headers=alice_auth.headers, json=["a", "list"])
    assert_error(response, 422, "invalid_input")


# OpenAPI


async def test_the_openapi_schema_lists_the_routes(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    expected = {
        "/api/auth/register": {"post"},
        "/api/auth/login": {"post"},
        "/api/auth/token": {"post"},
        "/api/auth/me": {"get", "patch"},
        "/api/{user_id}/tasks": {"get", "post"},
        "/api/{user_id}/tasks/{id}": {"get", "put", "patch", "delete"},
        "/api/{user_id}/tasks/{id}/complete": {"patch"},
        "/api/{user_id}/conversations": {"get", "post"},
        "/api/{user_id}/conversations/{id}": {"get", "patch", "delete"},
        "/api/{user_id}/conversations/{id}/messages": {"get", "post"},
        "/healthz": {"get"},
        "/readyz": {"get"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))


async def test_the_openapi_schema_documents_the_bearer_token(client: httpx.AsyncClient) -> None:
    schemes = (await client.get("/openapi.json")).json()["components"]["securitySchemes"]
    assert any(scheme.get("type") == "oauth2" for scheme in schemes.values())


async def test_the_docs_page_is_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "/openapi.json" in response.text


# CORS

ALLOWED_ORIGIN = "https://todo.example.com"


@pytest.fixture
async def cors_client(make_app: Callable[..., FastAPI]) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(make_app(cors_origins=[ALLOWED_ORIGIN])) as client:
        yield client


def preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }


async def test_a_preflight_from_a_configured_origin_is_allowed(
    cors_client: httpx.AsyncClient,
) -> None:
    response = await cors_client.options("/api/me/tasks", headers=preflight(ALLOWED_ORIGIN))
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "authorization" in response.headers["access-control-allow-headers"].lower()


async def test_a_preflight_from_another_origin_is_refused(cors_client: httpx.AsyncClient) -> None:
    response = await cors_client.options(
        "/api/me/tasks", headers=preflight("https://evil.example.net")
    )
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_a_response_to_a_configured_origin_exposes_the_request_id(
    cors_client: httpx.AsyncClient,
) -> None:
    response = await cors_client.get("/healthz", headers={"Origin": ALLOWED_ORIGIN})
    assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()


async def test_a_response_to_another_origin_has_no_cors_headers(
    cors_client: httpx.AsyncClient,
) -> None:
    response = await cors_client.get("/healthz", headers={"Origin": "https://evil.example.net"})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


async def test_without_configured_origins_no_origin_is_allowed(
    client: httpx.AsyncClient,
) -> None:
    response = await client.options("/api/me/tasks", headers=preflight(ALLOWED_ORIGIN))
    assert "access-control-allow-origin" not in response.headers


# Access log


def access_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "todochat.access"]


async def test_the_access_log_line_has_method_route_status_and_request_id(
    client: httpx.AsyncClient, alice_auth: Account, caplog: pytest.LogCaptureFixture
) -> None:
    await client.post("/api/me/tasks", headers=alice_auth.headers, json={"title": "Log me"})
    caplog.set_level(logging.INFO, logger="todochat.access")
    caplog.clear()
    await client.get(
        f"/api/{alice_auth.id}/tasks/1", headers={**alice_auth.headers, "X-Request-ID": "log-1"}
    )
    [line] = access_lines(caplog)
    assert "method=GET" in line
    assert "route=/api/{user_id}/tasks/{id}" in line
    assert "status=200" in line
    assert "request_id=log-1" in line
    assert alice_auth.id not in line


async def test_the_access_log_records_failures_with_their_status(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="todochat.access")
    caplog.clear()
    response = await client.get("/api/auth/me")
    [line] = access_lines(caplog)
    assert "status=401" in line
    assert f"request_id={response.headers['x-request-id']}" in line


async def test_no_log_line_holds_the_bearer_token_or_the_password(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    caplog.clear()
    password = "hunter2-but-longer-and-unique"
    auth = await register(client, "ada@example.com", password=password)
    token = auth.headers["Authorization"].removeprefix("Bearer ")
    await client.post("/api/auth/login", json={"email": "ada@example.com", "password": password})
    await client.post(
        "/api/auth/token", data={"username": "ada@example.com", "password": "wrong " + password}
    )
    await client.get("/api/auth/me", headers=auth.headers)
    await client.get("/api/me/tasks", headers={"Authorization": "Bearer " + token + "tampered"})
    assert len(access_lines(caplog)) == 5
    assert token not in caplog.text
    assert password not in caplog.text
