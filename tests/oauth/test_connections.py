"""A user sees the applications they connected over OAuth, and can disconnect one."""

from __future__ import annotations

import httpx

from tests.support import Account, bearer, make_access_token

from .support import OAuthClient
from .test_authorization_server import mcp_status


async def test_a_connected_application_is_listed_with_its_scopes(
    http: httpx.AsyncClient, assistant: OAuthClient, amy: Account
) -> None:
    await assistant.tokens_for(amy.email)

    listed = (await http.get("/api/me/connections", headers=amy.headers)).json()

    assert [(item["client_name"], item["scopes"]) for item in listed] == [
        ("Test assistant", ["tasks:read", "tasks:write"])
    ]


async def test_disconnecting_an_application_ends_its_tokens(
    http: httpx.AsyncClient, assistant: OAuthClient, amy: Account
) -> None:
    tokens = await assistant.tokens_for(amy.email)
    [connection] = (await http.get("/api/me/connections", headers=amy.headers)).json()

    removed = await http.delete(f"/api/me/connections/{connection['id']}", headers=amy.headers)

    assert removed.status_code == 204
    assert await mcp_status(http, tokens["access_token"]) == 401
    assert (await assistant.refresh(tokens["refresh_token"])).status_code == 400
    assert (await http.get("/api/me/connections", headers=amy.headers)).json() == []


async def test_another_users_connection_is_neither_listed_nor_removable(
    http: httpx.AsyncClient, assistant: OAuthClient, amy: Account, ben: Account
) -> None:
    tokens = await assistant.tokens_for(amy.email)
    [connection] = (await http.get("/api/me/connections", headers=amy.headers)).json()

    seen_by_ben = (await http.get("/api/me/connections", headers=ben.headers)).json()
    removed_by_ben = await http.delete(
        f"/api/me/connections/{connection['id']}", headers=ben.headers
    )

    assert seen_by_ben == []
    assert removed_by_ben.status_code == 404
    assert await mcp_status(http, tokens["access_token"]) == 200


async def test_signing_out_everywhere_disconnects_every_application(
    http: httpx.AsyncClient, assistant: OAuthClient, amy: Account
) -> None:
    tokens = await assistant.tokens_for(amy.email)

    signed_out = await http.post("/api/auth/logout", headers=amy.headers)

    assert signed_out.status_code == 204
    assert await mcp_status(http, tokens["access_token"]) == 401
    assert (await assistant.refresh(tokens["refresh_token"])).status_code == 400


async def test_a_personal_access_token_cannot_manage_connected_applications(
    http: httpx.AsyncClient, amy: Account
) -> None:
    made = await make_access_token(http, amy)

    listed = await http.get("/api/me/connections", headers=bearer(made["token"]))

    assert listed.status_code == 403
