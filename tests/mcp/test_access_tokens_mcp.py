"""Personal access tokens at /mcp, through the official MCP client over Streamable HTTP:
a token acts for its owner within its scopes, and a revoked one is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from mcp import Client, MCPError

from tests.mcp.test_mcp_http import connection_failure, error_text
from tests.support import Account, in_own_task, make_access_token, mcp_over_http, register


@pytest.fixture
async def cleo(http: httpx.AsyncClient) -> Account:
    return await register(http, "cleo@example.com")


@pytest.fixture
async def cleo_pat(http: httpx.AsyncClient, cleo: Account) -> dict[str, str]:
    """A read-write token of Cleo's, as made: `id` and `token`."""
    made = await make_access_token(http, cleo, name="Claude Desktop")
    return {"id": made["id"], "token": made["token"]}


@pytest.fixture
async def cleos_mcp(live_url: str, cleo_pat: dict[str, str]) -> AsyncIterator[Client]:
    async with in_own_task(mcp_over_http(live_url, cleo_pat["token"])) as client:
        yield client


async def test_a_token_adds_a_task_over_mcp(
    cleos_mcp: Client, http: httpx.AsyncClient, cleo: Account
) -> None:
    result = await cleos_mcp.call_tool("add_task", {"title": "Renew passport"})
    assert not result.is_error, result
    tasks = (await http.get("/api/me/tasks", headers=cleo.headers)).json()["items"]
    assert [task["title"] for task in tasks] == ["Renew passport"]


async def test_a_token_lists_tasks_over_mcp(
    cleos_mcp: Client, http: httpx.AsyncClient, cleo: Account
) -> None:
    await http.post("/api/me/tasks", json={"title": "Book dentist"}, headers=cleo.headers)
    result = await cleos_mcp.call_tool("list_tasks", {})
    assert not result.is_error, result
    assert "Book dentist" in str(result.structured_content)


async def test_a_read_only_token_lists_but_cannot_add_over_mcp(
    live_url: str, http: httpx.AsyncClient, cleo: Account
) -> None:
    made = await make_access_token(http, cleo, scopes=["tasks:read"])
    async with in_own_task(mcp_over_http(live_url, made["token"])) as client:
        assert not (await client.call_tool("list_tasks", {})).is_error
        refused = await client.call_tool("add_task", {"title": "Sneaky"})
    assert "insufficient scope" in error_text(refused)
    assert (await http.get("/api/me/tasks", headers=cleo.headers)).json()["items"] == []


async def test_a_revoked_token_cannot_connect_over_mcp(
    live_url: str, http: httpx.AsyncClient, cleo: Account, cleo_pat: dict[str, str]
) -> None:
    revoked = await http.delete(f"/api/me/tokens/{cleo_pat['id']}", headers=cleo.headers)
    assert revoked.status_code == 204
    failures = await connection_failure(live_url, cleo_pat["token"])
    assert any(isinstance(error, MCPError) for error in failures)


async def test_a_revoked_token_gets_401_at_the_endpoint(
    http: httpx.AsyncClient, cleo: Account, cleo_pat: dict[str, str]
) -> None:
    await http.delete(f"/api/me/tokens/{cleo_pat['id']}", headers=cleo.headers)
    response = await http.post(
        "/mcp",
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}},
        headers={
            "Accept": "application/json, text/event-stream",
            "Authorization": f"Bearer {cleo_pat['token']}",
        },
    )
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
