"""`/mcp` is stateless: there is no session to stream server messages on or to end, so
`GET` (which would hold an event stream open) and `DELETE` answer 405 with
`Allow: POST`, over a real socket. POST keeps working. (The database plays no part:
one server on SQLite serves the whole module.)"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support import PASSWORD, ServerProcess, sqlite_url

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"},
    },
}
MCP_ACCEPT = "application/json, text/event-stream"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("mcp-methods")
    with ServerProcess(workdir, sqlite_url(workdir / "todochat.db")) as server:
        yield server.base_url


@pytest.fixture(scope="module")
def http(live_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server, timeout=30) as client:
        registered = client.post(
            "/api/auth/register", json={"email": "mia@example.com", "password": PASSWORD}
        )
        assert registered.status_code == 201, registered.text
        client.headers["Authorization"] = f"Bearer {registered.json()['access_token']}"
        yield client


@pytest.mark.parametrize("method", ["GET", "DELETE", "PUT", "HEAD"])
def test_mcp_answers_405_with_allow_post_to_other_methods(http: httpx.Client, method: str) -> None:
    request = http.build_request(method, "/mcp", headers={"Accept": MCP_ACCEPT})
    # Streamed: an event stream held open must fail the test, not hang it.
    response = http.send(request, stream=True)
    try:
        assert response.status_code == 405
        assert response.headers["allow"] == "POST"
        if method != "HEAD":
            response.read()
            assert response.json()["error"]["message"].startswith("Method Not Allowed")
    finally:
        response.close()


def test_mcp_get_without_a_token_is_also_405(live_server: str) -> None:
    with httpx.Client(base_url=live_server, timeout=30) as client:
        request = client.build_request("GET", "/mcp", headers={"Accept": "text/event-stream"})
        response = client.send(request, stream=True)
        try:
            assert response.status_code == 405
        finally:
            response.close()


def test_mcp_still_answers_post(http: httpx.Client) -> None:
    response = http.post("/mcp", json=INITIALIZE, headers={"Accept": MCP_ACCEPT})

    assert response.status_code == 200, response.text
    assert response.json()["result"]["serverInfo"]["name"] == "todochat"
