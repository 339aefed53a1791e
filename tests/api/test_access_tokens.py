"""Personal access tokens over HTTP: made with a sign-in, shown once, kept as a digest,
accepted as a bearer token within their scopes, and revoked by deleting them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update
from sqlmodel import col, select

from tests.support import Account, bearer, make_access_token
from todochat.models import PersonalAccessToken
from todochat.security.opaque import PERSONAL_ACCESS_TOKEN_PREFIX, digest
from todochat.services import access_tokens

from .support import assert_error

READ_ONLY = ["tasks:read"]


async def stored_rows(app: FastAPI) -> list[PersonalAccessToken]:
    async with app.state.runtime.database.session() as session:
        return list((await session.exec(select(PersonalAccessToken))).all())


async def set_column(app: FastAPI, token_id: str, **values: Any) -> None:
    async with app.state.runtime.database.session() as session:
        await session.exec(
            update(PersonalAccessToken)
            .where(col(PersonalAccessToken.id) == uuid.UUID(token_id))
            .values(**values)
        )


@pytest.fixture
async def alice_pat(client: httpx.AsyncClient, alice_auth: Account) -> str:
    """The text of a read-write token of Alice's."""
    return str((await make_access_token(client, alice_auth))["token"])


@pytest.fixture
async def alice_read_pat(client: httpx.AsyncClient, alice_auth: Account) -> str:
    """The text of a read-only token of Alice's."""
    return str((await make_access_token(client, alice_auth, scopes=READ_ONLY))["token"])


# Making and listing --------------------------------------------------------------------


async def test_a_new_token_has_the_prefix_and_both_scopes_by_default(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    made = await make_access_token(client, alice_auth, name="  My   laptop ")
    assert made["token"].startswith(PERSONAL_ACCESS_TOKEN_PREFIX)
    assert made["name"] == "My laptop"
    assert made["scopes"] == ["tasks:read", "tasks:write"]
    assert made["hint"] == made["token"][: access_tokens.HINT_LENGTH]
    assert made["expires_at"] is None
    assert made["last_used_at"] is None


async def test_a_created_token_reads_tasks_over_rest(
    client: httpx.AsyncClient, alice_auth: Account, alice_pat: str
) -> None:
    await client.post("/api/me/tasks", json={"title": "Buy milk"}, headers=alice_auth.headers)
    response = await client.get(f"/api/{alice_auth.id}/tasks", headers=bearer(alice_pat))
    assert response.status_code == 200, response.text
    assert [task["title"] for task in response.json()["items"]] == ["Buy milk"]


async def test_the_list_never_contains_the_token(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    made = await make_access_token(client, alice_auth, name="ci")
    response = await client.get("/api/me/tokens", headers=alice_auth.headers)
    assert response.status_code == 200
    listed = response.json()
    assert [row["name"] for row in listed] == ["ci"]
    assert set(listed[0]) == {
        "id",
        "name",
        "scopes",
        "hint",
        "created_at",
        "last_used_at",
        "expires_at",
    }
    assert made["token"] not in response.text


async def test_tokens_are_listed_newest_first(
    client: httpx.AsyncClient, app: FastAPI, alice_auth: Account
) -> None:
    older = await make_access_token(client, alice_auth, name="older")
    await make_access_token(client, alice_auth, name="newer")
    await set_column(app, older["id"], created_at=datetime.now(UTC) - timedelta(days=1))
    listed = (await client.get("/api/me/tokens", headers=alice_auth.headers)).json()
    assert [row["name"] for row in listed] == ["newer", "older"]


async def test_the_database_keeps_a_digest_not_the_token(
    client: httpx.AsyncClient, app: FastAPI, alice_auth: Account
) -> None:
    made = await make_access_token(client, alice_auth)
    (row,) = await stored_rows(app)
    assert row.token_hash == digest(made["token"])
    stored = " ".join(str(value) for value in row.model_dump().values())
    assert made["token"] not in stored


async def test_an_expiry_in_days_sets_expires_at(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    made = await make_access_token(client, alice_auth, expires_in_days=30)
    expires = datetime.fromisoformat(made["expires_at"])
    assert timedelta(days=29, hours=23) < expires - datetime.now(UTC) <= timedelta(days=30)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "ci", "scopes": ["tasks:admin"]}, "scopes"),
        ({"name": "ci", "scopes": []}, "scopes"),
        ({"name": "ci", "expires_in_days": 0}, "expires_in_days"),
        ({"name": "ci", "expires_in_days": 3651}, "expires_in_days"),
    ],
    ids=["empty-name", "long-name", "unknown-scope", "no-scope", "expires-0", "expires-3651"],
)
async def test_bad_input_is_a_422_naming_the_field(
    client: httpx.AsyncClient, alice_auth: Account, body: dict[str, Any], field: str
) -> None:
    response = await client.post("/api/me/tokens", json=body, headers=alice_auth.headers)
    error = assert_error(response, 422, "invalid_input")
    assert error["details"] == {"field": field}


async def test_a_user_cannot_make_more_than_the_cap(
    client: httpx.AsyncClient, alice_auth: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(access_tokens, "MAX_TOKENS_PER_USER", 2)
    await make_access_token(client, alice_auth, name="one")
    await make_access_token(client, alice_auth, name="two")
    response = await client.post("/api/me/tokens", json={"name": "3"}, headers=alice_auth.headers)
    error = assert_error(response, 409, "conflict")
    assert "revoke" in error["message"]


# Using a token -----------------------------------------------------------------------------


async def test_last_used_at_is_set_after_use(
    client: httpx.AsyncClient, alice_auth: Account, alice_pat: str
) -> None:
    await client.get("/api/me/tasks", headers=bearer(alice_pat))
    (row,) = (await client.get("/api/me/tokens", headers=alice_auth.headers)).json()
    used = datetime.fromisoformat(row["last_used_at"])
    assert datetime.now(UTC) - used < timedelta(minutes=1)


async def test_last_used_at_is_not_rewritten_within_a_minute(
    client: httpx.AsyncClient, app: FastAPI, alice_pat: str
) -> None:
    await client.get("/api/me/tasks", headers=bearer(alice_pat))
    (first,) = await stored_rows(app)
    await client.get("/api/me/tasks", headers=bearer(alice_pat))
    (second,) = await stored_rows(app)
    assert second.last_used_at == first.last_used_at


async def test_last_used_at_moves_on_once_it_is_a_minute_old(
    client: httpx.AsyncClient, app: FastAPI, alice_pat: str
) -> None:
    (row,) = await stored_rows(app)
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    await set_column(app, str(row.id), last_used_at=long_ago)
    await client.get("/api/me/tasks", headers=bearer(alice_pat))
    (used,) = await stored_rows(app)
    assert used.last_used_at is not None
    assert used.last_used_at > long_ago + timedelta(minutes=59)


async def test_a_write_token_adds_a_task(client: httpx.AsyncClient, alice_pat: str) -> None:
    response = await client.post(
        "/api/me/tasks", json={"title": "Water plants"}, headers=bearer(alice_pat)
    )
    assert response.status_code == 201, response.text


async def test_a_write_token_can_chat(client: httpx.AsyncClient, alice_pat: str) -> None:
    response = await client.post(
        "/api/me/chat", json={"message": "add a task to call mum"}, headers=bearer(alice_pat)
    )
    assert response.status_code == 200, response.text
    assert response.json()["tool_calls"][0]["name"] == "add_task"


async def test_a_token_tells_who_it_acts_for(
    client: httpx.AsyncClient, alice_auth: Account, alice_pat: str
) -> None:
    response = await client.get("/api/auth/me", headers=bearer(alice_pat))
    assert response.status_code == 200
    assert response.json()["id"] == alice_auth.id


async def test_a_revoked_token_gets_401(
    client: httpx.AsyncClient, alice_auth: Account, alice_pat: str
) -> None:
    (row,) = (await client.get("/api/me/tokens", headers=alice_auth.headers)).json()
    revoked = await client.delete(f"/api/me/tokens/{row['id']}", headers=alice_auth.headers)
    assert revoked.status_code == 204
    response = await client.get("/api/me/tasks", headers=bearer(alice_pat))
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def test_an_expired_token_gets_401(
    client: httpx.AsyncClient, app: FastAPI, alice_auth: Account
) -> None:
    made = await make_access_token(client, alice_auth, expires_in_days=1)
    await set_column(app, made["id"], expires_at=datetime.now(UTC) - timedelta(seconds=1))
    response = await client.get("/api/me/tasks", headers=bearer(made["token"]))
    error = assert_error(response, 401, "unauthorized")
    assert "expired" in error["message"]


async def test_an_unknown_token_with_the_prefix_gets_401(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/api/me/tasks", headers=bearer(PERSONAL_ACCESS_TOKEN_PREFIX + "nothing-like-it")
    )
    assert_error(response, 401, "unauthorized")


async def test_a_token_cannot_open_another_users_path(
    client: httpx.AsyncClient, bob_auth: Account, alice_pat: str
) -> None:
    response = await client.get(f"/api/{bob_auth.id}/tasks", headers=bearer(alice_pat))
    assert_error(response, 403, "forbidden")


# Scopes --------------------------------------------------------------------------------------


async def test_a_read_only_token_lists_tasks(
    client: httpx.AsyncClient, alice_read_pat: str
) -> None:
    response = await client.get("/api/me/tasks", headers=bearer(alice_read_pat))
    assert response.status_code == 200, response.text


async def test_a_read_only_token_cannot_add_a_task(
    client: httpx.AsyncClient, alice_read_pat: str
) -> None:
    response = await client.post(
        "/api/me/tasks", json={"title": "Sneaky"}, headers=bearer(alice_read_pat)
    )
    error = assert_error(response, 403, "forbidden")
    assert "insufficient scope" in error["message"]


@pytest.mark.parametrize("path", ["/api/me/chat", "/api/me/chat/stream"])
async def test_a_read_only_token_cannot_chat(
    client: httpx.AsyncClient, alice_read_pat: str, path: str
) -> None:
    response = await client.post(
        path, json={"message": "what's pending?"}, headers=bearer(alice_read_pat)
    )
    error = assert_error(response, 403, "forbidden")
    assert "insufficient scope" in error["message"]


async def test_a_read_only_token_cannot_delete_a_conversation(
    client: httpx.AsyncClient, alice_auth: Account, alice_read_pat: str
) -> None:
    made = await client.post("/api/me/conversations", json={}, headers=alice_auth.headers)
    assert made.status_code == 201, made.text
    conversation = made.json()["id"]
    response = await client.delete(
        f"/api/me/conversations/{conversation}", headers=bearer(alice_read_pat)
    )
    assert_error(response, 403, "forbidden")


# Managing tokens needs a sign-in -------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/me/tokens", None),
        ("POST", "/api/me/tokens", {"name": "another"}),
        ("DELETE", "/api/me/tokens/00000000-0000-0000-0000-000000000000", None),
    ],
    ids=["list", "create", "revoke"],
)
async def test_a_token_cannot_manage_tokens(
    client: httpx.AsyncClient, alice_pat: str, method: str, path: str, body: Any
) -> None:
    response = await client.request(method, path, json=body, headers=bearer(alice_pat))
    error = assert_error(response, 403, "forbidden")
    assert "sign-in" in error["message"]


async def test_a_token_cannot_revoke_itself_or_others_by_id(
    client: httpx.AsyncClient, app: FastAPI, alice_pat: str
) -> None:
    (row,) = await stored_rows(app)
    response = await client.delete(f"/api/me/tokens/{row.id}", headers=bearer(alice_pat))
    assert_error(response, 403, "forbidden")
    assert len(await stored_rows(app)) == 1


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/auth/logout", None),
        ("POST", "/api/auth/password", {"current_password": "x", "new_password": "y" * 12}),
        ("PATCH", "/api/auth/me", {"name": "Mallory"}),
    ],
    ids=["logout", "password", "profile"],
)
async def test_a_token_cannot_manage_the_account(
    client: httpx.AsyncClient, alice_pat: str, method: str, path: str, body: Any
) -> None:
    response = await client.request(method, path, json=body, headers=bearer(alice_pat))
    assert_error(response, 403, "forbidden")


# Between users -------------------------------------------------------------------------------


async def test_revoking_another_users_token_is_404(
    client: httpx.AsyncClient, app: FastAPI, alice_auth: Account, bob_auth: Account
) -> None:
    bobs = await make_access_token(client, bob_auth)
    response = await client.delete(f"/api/me/tokens/{bobs['id']}", headers=alice_auth.headers)
    assert_error(response, 404, "not_found")
    still = await client.get("/api/me/tasks", headers=bearer(bobs["token"]))
    assert still.status_code == 200


async def test_revoking_an_unknown_token_is_404(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.delete(
        "/api/me/tokens/00000000-0000-0000-0000-000000000000", headers=alice_auth.headers
    )
    assert_error(response, 404, "not_found")


async def test_another_users_tokens_are_never_listed(
    client: httpx.AsyncClient, alice_auth: Account, bob_auth: Account
) -> None:
    await make_access_token(client, bob_auth, name="bob's")
    response = await client.get("/api/me/tokens", headers=alice_auth.headers)
    assert response.json() == []


async def test_a_token_acts_for_its_owner_only(
    client: httpx.AsyncClient, alice_auth: Account, bob_auth: Account
) -> None:
    await client.post("/api/me/tasks", json={"title": "Alice's"}, headers=alice_auth.headers)
    bobs = await make_access_token(client, bob_auth)
    response = await client.get("/api/me/tasks", headers=bearer(bobs["token"]))
    assert response.json()["items"] == []
