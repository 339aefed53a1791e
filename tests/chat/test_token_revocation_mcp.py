"""Sign-out reaches /mcp too: a tool call with a token revoked since is refused (the
verifier checks signatures only; each call compares the token's version with the user
row it loads)."""

from __future__ import annotations

import httpx
from mcp import Client

from tests.mcp.test_mcp_http import error_text
from tests.support import PASSWORD, in_own_task, mcp_over_http, register


async def test_logout_makes_the_old_token_fail_on_mcp(live_url: str) -> None:
    async with httpx.AsyncClient(base_url=live_url, timeout=30) as http:
        account = await register(http, "cy@example.com")
        async with in_own_task(mcp_over_http(live_url, account.token)) as client:
            assert isinstance(client, Client)
            before = await client.call_tool("add_task", {"title": "Before"})
            assert not before.is_error

            logout = await http.post("/api/auth/logout", headers=account.headers)
            assert logout.status_code == 204
            after = await client.call_tool("add_task", {"title": "After"})

        assert "not authenticated" in error_text(after)
        login = await http.post(
            "/api/auth/login", json={"email": account.email, "password": PASSWORD}
        )
        fresh = {"Authorization": f"Bearer {login.json()['access_token']}"}
        titles = [
            t["title"] for t in (await http.get("/api/me/tasks", headers=fresh)).json()["items"]
        ]
        assert titles == ["Before"]


async def test_a_fresh_token_after_logout_works_on_mcp(live_url: str) -> None:
    async with httpx.AsyncClient(base_url=live_url, timeout=30) as http:
        account = await register(http, "dee@example.com")
        await http.post("/api/auth/logout", headers=account.headers)
        login = await http.post(
            "/api/auth/login", json={"email": account.email, "password": PASSWORD}
        )
        token = login.json()["access_token"]
        async with in_own_task(mcp_over_http(live_url, token)) as client:
            result = await client.call_tool("add_task", {"title": "After"})

    assert not result.is_error
