"""The authorization server refuses what OAuth 2.1 and the MCP authorization spec say
it must: each test changes one thing in an otherwise good flow."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx

from tests.support import Account, mcp_over_http

from .support import REDIRECT_URI, OAuthClient, pkce_pair, query_of

_JSON_RPC = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
_LIST_TOOLS = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}


async def mcp_status(http: httpx.AsyncClient, token: str) -> int:
    response = await http.post(
        "/mcp", headers={"Authorization": f"Bearer {token}", **_JSON_RPC}, json=_LIST_TOOLS
    )
    return response.status_code


async def test_metadata_advertises_pkce_s256_registration_and_the_two_scopes(
    http: httpx.AsyncClient,
) -> None:
    metadata = (await http.get("/.well-known/oauth-authorization-server")).json()

    assert metadata["issuer"] == str(http.base_url).rstrip("/")
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["registration_endpoint"].endswith("/register")
    assert metadata["revocation_endpoint"].endswith("/revoke")
    assert metadata["scopes_supported"] == ["tasks:read", "tasks:write"]


async def test_protected_resource_metadata_names_mcp_and_its_authorization_server(
    http: httpx.AsyncClient,
) -> None:
    base = str(http.base_url).rstrip("/")
    metadata = (await http.get("/.well-known/oauth-protected-resource/mcp")).json()

    assert metadata["resource"] == f"{base}/mcp"
    assert metadata["authorization_servers"] == [base]


async def test_clients_that_look_for_resource_metadata_at_the_root_find_it_too(
    http: httpx.AsyncClient,
) -> None:
    at_root = await http.get("/.well-known/oauth-protected-resource")
    for_mcp = await http.get("/.well-known/oauth-protected-resource/mcp")

    assert at_root.status_code == 200
    assert at_root.json() == for_mcp.json()


async def test_mcp_without_a_token_is_401_pointing_at_the_resource_metadata(
    http: httpx.AsyncClient,
) -> None:
    response = await http.post("/mcp", headers=_JSON_RPC, json=_LIST_TOOLS)

    assert response.status_code == 401
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer ")
    assert "/.well-known/oauth-protected-resource/mcp" in challenge


async def test_an_unregistered_redirect_uri_is_refused_without_redirecting(
    assistant: OAuthClient,
) -> None:
    _verifier, challenge = pkce_pair()

    response = await assistant.authorize(challenge, redirect_uri="http://evil.example/callback")

    assert response.status_code == 400
    assert "location" not in response.headers


async def test_authorize_without_a_pkce_challenge_is_refused(assistant: OAuthClient) -> None:
    response = await assistant.http.get(
        "/authorize",
        params={
            "response_type": "code",
            "client_id": assistant.client_id,
            "redirect_uri": REDIRECT_URI,
            "state": "s",
        },
    )

    assert response.status_code == 302
    assert query_of(response.headers["location"])["error"] == "invalid_request"


async def test_authorize_with_a_challenge_that_is_not_s256_is_refused(
    assistant: OAuthClient,
) -> None:
    response = await assistant.authorize("too-short")

    assert response.status_code == 302
    assert query_of(response.headers["location"])["error"] == "invalid_request"


async def test_a_refresh_token_is_not_an_access_token(
    http: httpx.AsyncClient, assistant: OAuthClient, amy: Account
) -> None:
    tokens = await assistant.tokens_for(amy.email)

    assert await mcp_status(http, tokens["refresh_token"]) == 401


async def test_a_token_for_another_resource_is_not_issued(assistant: OAuthClient) -> None:
    _verifier, challenge = pkce_pair()

    response = await assistant.authorize(challenge, resource="https://other.example/mcp")

    assert response.status_code == 302
    assert query_of(response.headers["location"])["error"] == "invalid_target"


async def test_a_code_without_its_pkce_verifier_is_refused(
    assistant: OAuthClient, amy: Account
) -> None:
    _verifier, challenge = pkce_pair()
    code = await assistant.code_for(amy.email, challenge)

    response = await assistant.exchange(code, verifier=None)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_a_code_with_the_wrong_pkce_verifier_is_refused(
    assistant: OAuthClient, amy: Account
) -> None:
    _verifier, challenge = pkce_pair()
    code = await assistant.code_for(amy.email, challenge)
    other_verifier, _other_challenge = pkce_pair()

    response = await assistant.exchange(code, other_verifier)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def test_a_code_sent_with_another_redirect_uri_is_refused(
    assistant: OAuthClient, amy: Account
) -> None:
    verifier, challenge = pkce_pair()
    code = await assistant.code_for(amy.email, challenge)

    response = await assistant.exchange(code, verifier, redirect_uri="http://127.0.0.1:9/other")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_a_reused_code_is_refused_and_revokes_what_the_first_use_got(
    http: httpx.AsyncClient, assistant: OAuthClient, amy: Account
) -> None:
    verifier, challenge = pkce_pair()
    code = await assistant.code_for(amy.email, challenge)
    first = await assistant.exchange(code, verifier)
    assert first.status_code == 200

    second = await assistant.exchange(code, verifier)

    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"
    assert await mcp_status(http, first.json()["access_token"]) == 401


async def test_an_expired_code_is_refused(
    assistant: OAuthClient, amy: Account, database_file: Path
) -> None:
    verifier, challenge = pkce_pair()
    code = await assistant.code_for(amy.email, challenge)
    with sqlite3.connect(database_file) as database:
        database.execute(
            "UPDATE oauth_codes SET expires_at = '2000-01-01 00:00:00.000000' WHERE client_id = ?",
            (assistant.client_id,),
        )

    response = await assistant.exchange(code, verifier)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def test_a_code_belongs_to_the_client_it_was_issued_to(
    http: httpx.AsyncClient, assistant: OAuthClient, amy: Account
) -> None:
    verifier, challenge = pkce_pair()
    code = await assistant.code_for(amy.email, challenge)
    intruder = await OAuthClient.register(http)

    response = await intruder.exchange(code, verifier)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def test_a_token_bound_to_another_resource_is_refused_at_mcp(
    http: httpx.AsyncClient, assistant: OAuthClient, amy: Account, database_file: Path
) -> None:
    tokens = await assistant.tokens_for(amy.email)
    assert await mcp_status(http, tokens["access_token"]) == 200
    with sqlite3.connect(database_file) as database:
        database.execute(
            "UPDATE oauth_tokens SET resource = 'https://other.example/mcp' WHERE client_id = ?",
            (assistant.client_id,),
        )

    assert await mcp_status(http, tokens["access_token"]) == 401


async def test_a_refresh_token_works_once_and_its_reuse_revokes_the_grant(
    http: httpx.AsyncClient, assistant: OAuthClient, amy: Account
) -> None:
    tokens = await assistant.tokens_for(amy.email)
    renewed = await assistant.refresh(tokens["refresh_token"])
    assert renewed.status_code == 200
    assert await mcp_status(http, renewed.json()["access_token"]) == 200

    replayed = await assistant.refresh(tokens["refresh_token"])

    assert replayed.status_code == 400
    assert replayed.json()["error"] == "invalid_grant"


async def test_revoking_a_refresh_token_ends_its_access_token_too(
    http: httpx.AsyncClient, assistant: OAuthClient, amy: Account
) -> None:
    tokens = await assistant.tokens_for(amy.email)

    await assistant.revoke(tokens["refresh_token"])

    assert await mcp_status(http, tokens["access_token"]) == 401
    assert (await assistant.refresh(tokens["refresh_token"])).status_code == 400


async def test_denying_consent_sends_access_denied_back_with_the_state(
    assistant: OAuthClient, amy: Account
) -> None:
    _verifier, challenge = pkce_pair()
    redirect = await assistant.authorize(challenge)

    back = await assistant.consent(redirect.headers["location"], amy.email, decision="deny")

    assert back.status_code == 303
    answer = query_of(back.headers["location"])
    assert back.headers["location"].startswith(REDIRECT_URI)
    assert answer == {
        "error": "access_denied",
        "error_description": "the user did not allow access",
        "state": "state-123",
    }


async def test_a_wrong_password_on_the_consent_page_issues_no_code(
    assistant: OAuthClient, amy: Account
) -> None:
    _verifier, challenge = pkce_pair()
    redirect = await assistant.authorize(challenge)

    page = await assistant.consent(redirect.headers["location"], amy.email, password="wrong-one")

    assert page.status_code == 401
    assert "location" not in page.headers
    assert "incorrect" in page.text.lower() or "wrong" in page.text.lower()


async def test_an_altered_consent_request_is_refused(assistant: OAuthClient) -> None:
    _verifier, challenge = pkce_pair()
    redirect = await assistant.authorize(challenge)
    tampered = redirect.headers["location"][:-3] + "abc"

    page = await assistant.http.get(tampered)

    assert page.status_code == 400
    assert "not valid" in page.text


async def test_the_user_can_grant_read_only_access(
    http: httpx.AsyncClient, assistant: OAuthClient, amy: Account
) -> None:
    verifier, challenge = pkce_pair()
    redirect = await assistant.authorize(challenge)
    back = await assistant.consent(redirect.headers["location"], amy.email, scopes=("tasks:read",))
    code = query_of(back.headers["location"])["code"]

    tokens = (await assistant.exchange(code, verifier)).json()

    assert tokens["scope"] == "tasks:read"


async def test_codes_and_tokens_are_stored_only_as_digests(
    assistant: OAuthClient, amy: Account, database_file: Path
) -> None:
    verifier, challenge = pkce_pair()
    code = await assistant.code_for(amy.email, challenge)
    tokens = (await assistant.exchange(code, verifier)).json()

    with sqlite3.connect(database_file) as database:
        stored = " ".join(
            str(row)
            for table in ("oauth_codes", "oauth_tokens", "oauth_clients")
            for row in database.execute(f"SELECT * FROM {table}")
        )

    for secret in (code, tokens["access_token"], tokens["refresh_token"]):
        assert secret not in stored


async def test_an_oauth_token_acts_only_for_the_user_who_granted_it(
    http: httpx.AsyncClient, assistant: OAuthClient, amy: Account, ben: Account
) -> None:
    await http.post("/api/me/tasks", json={"title": "Ben's secret"}, headers=ben.headers)
    tokens = await assistant.tokens_for(amy.email)

    async with mcp_over_http(str(http.base_url).rstrip("/"), tokens["access_token"]) as client:
        listed = await client.call_tool("list_tasks", {})
        refused = await client.call_tool("list_tasks", {"user_id": ben.id})

    assert "Ben's secret" not in str(listed.content)
    assert refused.is_error


async def read_only_token(assistant: OAuthClient, email: str) -> str:
    verifier, challenge = pkce_pair()
    redirect = await assistant.authorize(challenge)
    back = await assistant.consent(redirect.headers["location"], email, scopes=("tasks:read",))
    code = query_of(back.headers["location"])["code"]
    token: str = (await assistant.exchange(code, verifier)).json()["access_token"]
    return token


def tool_call(name: str, arguments: dict[str, object]) -> dict[str, object]:
    return {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": name, "arguments": arguments},
    }


async def test_a_read_only_token_calling_add_task_gets_403_insufficient_scope(
    http: httpx.AsyncClient, assistant: OAuthClient, amy: Account
) -> None:
    token = await read_only_token(assistant, amy.email)

    response = await http.post(
        "/mcp",
        headers={"Authorization": f"Bearer {token}", **_JSON_RPC},
        json=tool_call("add_task", {"title": "Sneaky"}),
    )

    assert response.status_code == 403
    challenge = response.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge
    assert 'scope="tasks:read tasks:write"' in challenge
    assert "resource_metadata=" in challenge
    listed = await http.get("/api/me/tasks", headers=amy.headers)
    assert listed.json()["items"] == []


async def test_a_read_only_token_can_list_tasks(
    http: httpx.AsyncClient, assistant: OAuthClient, amy: Account
) -> None:
    await http.post("/api/me/tasks", json={"title": "Visible"}, headers=amy.headers)
    token = await read_only_token(assistant, amy.email)

    async with mcp_over_http(str(http.base_url).rstrip("/"), token) as client:
        listed = await client.call_tool("list_tasks", {})

    assert not listed.is_error
    assert "Visible" in str(listed.content)
