"""The MCP SDK's own OAuth client against a real server: discovery, dynamic client
registration, authorization with the user signing in on the consent page, the token
exchange, tool calls, refresh, revocation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.auth import AuthorizationCodeResult, OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import OAuthClientInformationFull, OAuthClientMetadata, OAuthToken
from pydantic import AnyUrl

from tests.support import Account, ServerProcess

from .support import REDIRECT_URI, OAuthClient, query_of


class MemoryStorage:
    """Where the SDK client keeps its registration and tokens (a real client would
    keep them on disk)."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


class BrowserUser:
    """What the person at the browser does: open the URL the client hands over, sign
    in on the consent page, allow, and bring the code back to the client."""

    def __init__(self, http: httpx.AsyncClient, account: Account) -> None:
        self.http = http
        self.account = account
        self.authorization_url: str | None = None
        self.consent_page_status: int | None = None

    async def open(self, url: str) -> None:
        self.authorization_url = url

    async def sign_in_and_allow(self) -> AuthorizationCodeResult:
        assert self.authorization_url is not None
        redirect = await self.http.get(self.authorization_url)
        assert redirect.status_code == 302, redirect.text
        client = OAuthClient(self.http, query_of(self.authorization_url)["client_id"], "")
        back = await client.consent(redirect.headers["location"], self.account.email)
        assert back.status_code == 303, back.text
        answer = query_of(back.headers["location"])
        return AuthorizationCodeResult(code=answer["code"], state=answer.get("state"))


def oauth_provider(
    server: ServerProcess, user: BrowserUser, storage: MemoryStorage
) -> OAuthClientProvider:
    return OAuthClientProvider(
        server_url=f"{server.base_url}/mcp",
        client_metadata=OAuthClientMetadata(
            client_name="SDK test client",
            redirect_uris=[AnyUrl(REDIRECT_URI)],
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
            token_endpoint_auth_method="none",
        ),
        storage=storage,
        redirect_handler=user.open,
        callback_handler=user.sign_in_and_allow,
    )


@asynccontextmanager
async def sdk_client(
    server: ServerProcess,
    user: BrowserUser,
    storage: MemoryStorage,
    auth: OAuthClientProvider | None = None,
) -> AsyncIterator[Client]:
    auth = auth or oauth_provider(server, user, storage)
    async with (
        httpx2.AsyncClient(auth=auth, timeout=30) as http,
        Client(streamable_http_client(f"{server.base_url}/mcp", http_client=http)) as client,
    ):
        yield client


@pytest.fixture
def storage() -> MemoryStorage:
    return MemoryStorage()


async def test_sdk_client_connects_through_the_whole_oauth_flow_and_calls_tools(
    server: ServerProcess, http: httpx.AsyncClient, amy: Account, storage: MemoryStorage
) -> None:
    user = BrowserUser(http, amy)
    async with sdk_client(server, user, storage) as client:
        tools = {tool.name for tool in (await client.list_tools()).tools}
        added = await client.call_tool("add_task", {"title": "Water the plants"})
        listed = await client.call_tool("list_tasks", {})

    assert {"add_task", "list_tasks", "complete_task", "delete_task", "update_task"} <= tools
    assert not added.is_error
    assert "Water the plants" in str(listed.structured_content)
    assert storage.client_info is not None  # registered itself
    assert storage.tokens is not None
    assert storage.tokens.refresh_token is not None
    assert storage.tokens.scope == "tasks:read tasks:write"


async def test_tasks_added_over_oauth_belong_to_the_user_who_signed_in(
    server: ServerProcess, http: httpx.AsyncClient, amy: Account, storage: MemoryStorage
) -> None:
    async with sdk_client(server, BrowserUser(http, amy), storage) as client:
        await client.call_tool("add_task", {"title": "Book the dentist"})

    mine = await http.get("/api/me/tasks", headers=amy.headers)
    assert [task["title"] for task in mine.json()["items"]] == ["Book the dentist"]


async def test_sdk_client_reuses_stored_tokens_without_asking_the_user_again(
    server: ServerProcess, http: httpx.AsyncClient, amy: Account, storage: MemoryStorage
) -> None:
    user = BrowserUser(http, amy)
    async with sdk_client(server, user, storage) as client:
        await client.list_tools()
    user.authorization_url = None

    async with sdk_client(server, user, storage) as client:
        result = await client.call_tool("list_tasks", {})

    assert not result.is_error
    assert user.authorization_url is None  # no second trip through the browser


async def test_sdk_client_refreshes_an_expired_access_token(
    server: ServerProcess, http: httpx.AsyncClient, amy: Account, storage: MemoryStorage
) -> None:
    user = BrowserUser(http, amy)
    auth = oauth_provider(server, user, storage)
    async with sdk_client(server, user, storage, auth) as client:
        await client.list_tools()
        assert storage.tokens is not None
        first = storage.tokens
        user.authorization_url = None
        # The client refreshes once it believes its access token has expired.
        auth.context.token_expiry_time = 1.0
        result = await client.call_tool("list_tasks", {})

    assert not result.is_error
    assert storage.tokens.access_token != first.access_token
    assert storage.tokens.refresh_token != first.refresh_token
    assert user.authorization_url is None  # no trip through the browser
    old = await http.post(
        "/mcp",
        headers={"Authorization": f"Bearer {first.access_token}", **_JSON_RPC},
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
    )
    assert old.status_code == 401  # one live pair per grant


async def test_a_revoked_token_gets_401_at_mcp(
    server: ServerProcess, http: httpx.AsyncClient, amy: Account, storage: MemoryStorage
) -> None:
    async with sdk_client(server, BrowserUser(http, amy), storage) as client:
        await client.list_tools()
    assert storage.tokens is not None
    assert storage.client_info is not None
    client_id = str(storage.client_info.client_id)

    revoked = await http.post(
        "/revoke",
        data={"token": storage.tokens.access_token, "client_id": client_id, "client_secret": ""},
    )
    after = await http.post(
        "/mcp",
        headers={"Authorization": f"Bearer {storage.tokens.access_token}", **_JSON_RPC},
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
    )

    assert revoked.status_code == 200
    assert after.status_code == 401
    assert "resource_metadata=" in after.headers["www-authenticate"]


_JSON_RPC = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
