"""Sign-out everywhere and password change: every own token issued before stops
working (a per-user token version, checked against the user row on each request)."""

from __future__ import annotations

import httpx

from tests.api.support import assert_error
from tests.support import PASSWORD, Account, bearer

NEW_PASSWORD = "a brand new passphrase"


async def login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/api/auth/login", json={"email": email, "password": password})


async def test_logout_answers_204_and_the_token_stops_working(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    assert (await client.get("/api/me/tasks", headers=alice_auth.headers)).status_code == 200

    logout = await client.post("/api/auth/logout", headers=alice_auth.headers)

    assert logout.status_code == 204
    assert_error(await client.get("/api/me/tasks", headers=alice_auth.headers), 401)
    assert_error(await client.get("/api/auth/me", headers=alice_auth.headers), 401)


async def test_logout_revokes_every_token_of_the_user_but_not_later_ones(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    other_device = (await login(client, alice_auth.email, PASSWORD)).json()["access_token"]

    await client.post("/api/auth/logout", headers=alice_auth.headers)
    fresh = (await login(client, alice_auth.email, PASSWORD)).json()["access_token"]

    assert_error(await client.get("/api/me/tasks", headers=bearer(other_device)), 401)
    assert (await client.get("/api/me/tasks", headers=bearer(fresh))).status_code == 200


async def test_logout_leaves_other_users_signed_in(
    client: httpx.AsyncClient, alice_auth: Account, bob_auth: Account
) -> None:
    await client.post("/api/auth/logout", headers=alice_auth.headers)

    assert (await client.get("/api/me/tasks", headers=bob_auth.headers)).status_code == 200


async def test_logout_with_a_revoked_token_is_a_401(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await client.post("/api/auth/logout", headers=alice_auth.headers)

    assert_error(await client.post("/api/auth/logout", headers=alice_auth.headers), 401)


async def test_password_change_returns_a_working_token_and_revokes_the_old_one(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    changed = await client.post(
        "/api/auth/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=alice_auth.headers,
    )

    assert changed.status_code == 200, changed.text
    fresh = changed.json()["access_token"]
    assert (await client.get("/api/me/tasks", headers=bearer(fresh))).status_code == 200
    assert_error(await client.get("/api/me/tasks", headers=alice_auth.headers), 401)


async def test_after_a_password_change_only_the_new_password_logs_in(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await client.post(
        "/api/auth/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=alice_auth.headers,
    )

    assert_error(await login(client, alice_auth.email, PASSWORD), 401)
    assert (await login(client, alice_auth.email, NEW_PASSWORD)).status_code == 200


async def test_a_wrong_current_password_is_a_403_and_changes_nothing(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    refused = await client.post(
        "/api/auth/password",
        json={"current_password": "not my password", "new_password": NEW_PASSWORD},
        headers=alice_auth.headers,
    )

    assert_error(refused, 403)
    assert (await client.get("/api/me/tasks", headers=alice_auth.headers)).status_code == 200
    assert (await login(client, alice_auth.email, PASSWORD)).status_code == 200


async def test_a_too_short_new_password_is_a_422_and_changes_nothing(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    refused = await client.post(
        "/api/auth/password",
        json={"current_password": PASSWORD, "new_password": "short"},
        headers=alice_auth.headers,
    )

    assert_error(refused, 422)
    assert (await client.get("/api/me/tasks", headers=alice_auth.headers)).status_code == 200
