"""/api/auth: sign up, log in (JSON and OAuth2 form), who am I, profile, rate limits."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI

from tests.support import PASSWORD, Account, bearer, register, running

from .support import assert_error, client_for, serving


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    return await client.post("/api/auth/login", json={"email": email, "password": password})


# Register


async def test_register_answers_201_with_the_user_and_a_bearer_token(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/api/auth/register",
        json={"email": "ada@example.com", "password": PASSWORD, "name": "Ada"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] > 0
    assert body["user"]["email"] == "ada@example.com"
    assert body["user"]["name"] == "Ada"
    assert body["user"]["timezone"] == "UTC"
    assert "password" not in response.text


async def test_the_token_from_register_opens_me(client: httpx.AsyncClient) -> None:
    registered = await client.post(
        "/api/auth/register", json={"email": "ada@example.com", "password": PASSWORD}
    )
    token = registered.json()["access_token"]
    me = await client.get("/api/auth/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.json()["id"] == registered.json()["user"]["id"]
    assert me.json()["email"] == "ada@example.com"


async def test_register_lower_cases_the_email(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/register", json={"email": "  Ada.Lovelace@Example.COM ", "password": PASSWORD}
    )
    assert response.status_code == 201
    assert response.json()["user"]["email"] == "ada.lovelace@example.com"


async def test_register_with_a_taken_email_is_409(client: httpx.AsyncClient) -> None:
    await register(client, "ada@example.com")
    response = await client.post(
        "/api/auth/register", json={"email": "ada@example.com", "password": PASSWORD}
    )
    assert_error(response, 409, "conflict")


async def test_register_with_a_taken_email_in_other_case_is_409(client: httpx.AsyncClient) -> None:
    await register(client, "ada@example.com")
    response = await client.post(
        "/api/auth/register", json={"email": "ADA@EXAMPLE.COM", "password": PASSWORD}
    )
    assert_error(response, 409, "conflict")


async def test_register_with_a_short_password_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/register", json={"email": "ada@example.com", "password": "short"}
    )
    error = assert_error(response, 422, "invalid_input")
    assert "password" in error["message"]


async def test_the_apps_own_settings_decide_the_password_length(
    make_app: Callable[..., FastAPI],
) -> None:
    # PASSWORD has 21 characters: enough by default, too short for this app.
    async with serving(make_app(password_min_length=30)) as client:
        response = await client.post(
            "/api/auth/register", json={"email": "ada@example.com", "password": PASSWORD}
        )
    error = assert_error(response, 422, "invalid_input")
    assert "at least 30 characters" in error["message"]


async def test_register_with_an_unknown_timezone_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/register",
        json={"email": "ada@example.com", "password": PASSWORD, "timezone": "Mars/Olympus"},
    )
    error = assert_error(response, 422, "invalid_input")
    assert "time zone" in error["message"]


@pytest.mark.parametrize("email", ["not-an-email", "ada@", "@example.com", "ada @example.com"])
async def test_register_with_a_malformed_email_is_422(
    client: httpx.AsyncClient, email: str
) -> None:
    response = await client.post("/api/auth/register", json={"email": email, "password": PASSWORD})
    error = assert_error(response, 422, "invalid_input")
    assert "email" in error["message"]


async def test_register_without_a_password_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/auth/register", json={"email": "ada@example.com"})
    assert_error(response, 422, "invalid_input")


async def test_a_failed_registration_creates_no_account(client: httpx.AsyncClient) -> None:
    await client.post("/api/auth/register", json={"email": "ada@example.com", "password": "short"})
    assert_error(await login(client, "ada@example.com", "short"), 401, "unauthorized")


# Log in


async def test_login_returns_a_token_for_the_account(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await login(client, "alice@example.com")
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["user"]["id"] == alice_auth.id
    me = await client.get("/api/auth/me", headers=bearer(body["access_token"]))
    assert me.json()["id"] == alice_auth.id


async def test_login_ignores_the_case_of_the_email(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await login(client, "Alice@Example.com")
    assert response.status_code == 200
    assert response.json()["user"]["id"] == alice_auth.id


async def test_login_with_a_wrong_password_is_401(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await login(client, "alice@example.com", "not the password")
    assert_error(response, 401, "unauthorized")
    assert "access_token" not in response.text


async def test_wrong_password_and_unknown_email_look_exactly_the_same(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    wrong_password = await login(client, "alice@example.com", "not the password")
    unknown_email = await login(client, "nobody@example.com", "not the password")
    assert_error(wrong_password, 401)
    assert unknown_email.status_code == wrong_password.status_code
    assert unknown_email.json() == wrong_password.json()
    assert unknown_email.headers["www-authenticate"] == wrong_password.headers["www-authenticate"]


async def test_the_token_endpoint_accepts_the_oauth2_password_form(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.post(
        "/api/auth/token", data={"username": "alice@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    me = await client.get("/api/auth/me", headers=bearer(body["access_token"]))
    assert me.json()["id"] == alice_auth.id


async def test_the_token_endpoint_with_a_wrong_password_is_401(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.post(
        "/api/auth/token", data={"username": "alice@example.com", "password": "nope nope"}
    )
    assert_error(response, 401, "unauthorized")


# Who am I


async def test_me_returns_the_authenticated_user(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.get("/api/auth/me", headers=alice_auth.headers)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "email", "name", "timezone", "created_at"}
    assert body["id"] == alice_auth.id
    assert body["name"] == "Alice"


async def test_me_without_a_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/auth/me")
    assert_error(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"


async def test_patch_me_changes_the_timezone(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.patch(
        "/api/auth/me", headers=alice_auth.headers, json={"timezone": "Europe/Paris"}
    )
    assert response.status_code == 200
    assert response.json()["timezone"] == "Europe/Paris"
    me = await client.get("/api/auth/me", headers=alice_auth.headers)
    assert me.json()["timezone"] == "Europe/Paris"
    assert me.json()["name"] == "Alice"


async def test_patch_me_with_an_unknown_timezone_is_422_and_changes_nothing(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.patch(
        "/api/auth/me", headers=alice_auth.headers, json={"timezone": "Nowhere/Special"}
    )
    assert_error(response, 422, "invalid_input")
    me = await client.get("/api/auth/me", headers=alice_auth.headers)
    assert me.json()["timezone"] == "UTC"


async def test_patch_me_without_a_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.patch("/api/auth/me", json={"timezone": "Europe/Paris"})
    assert_error(response, 401, "unauthorized")


# Rate limits


async def test_too_many_logins_for_one_account_are_429_with_retry_after(
    make_app: Callable[..., FastAPI],
) -> None:
    async with serving(make_app(login_attempts_per_account=3)) as client:
        await register(client, "ada@example.com")
        for _ in range(3):
            assert_error(await login(client, "ada@example.com", "wrong guess"), 401)
        response = await login(client, "ada@example.com", "wrong guess")
    error = assert_error(response, 429, "rate_limited")
    assert int(response.headers["retry-after"]) >= 1
    assert error["details"]["retry_after"] == int(response.headers["retry-after"])


async def test_a_rate_limited_account_is_refused_even_with_the_right_password(
    make_app: Callable[..., FastAPI],
) -> None:
    async with serving(make_app(login_attempts_per_account=3)) as client:
        await register(client, "ada@example.com")
        for _ in range(3):
            await login(client, "ada@example.com", "wrong guess")
        response = await login(client, "ada@example.com")
    assert_error(response, 429, "rate_limited")
    assert "access_token" not in response.text


async def test_the_account_limit_counts_every_spelling_of_the_email(
    make_app: Callable[..., FastAPI],
) -> None:
    async with serving(make_app(login_attempts_per_account=3)) as client:
        for email in ("ada@example.com", "ADA@example.com", " Ada@Example.com"):
            assert_error(await login(client, email, "wrong guess"), 401)
        response = await login(client, "ada@EXAMPLE.com", "wrong guess")
    assert_error(response, 429, "rate_limited")


async def test_the_account_limit_leaves_other_accounts_alone(
    make_app: Callable[..., FastAPI],
) -> None:
    async with serving(make_app(login_attempts_per_account=3)) as client:
        await register(client, "bob@example.com")
        for _ in range(4):
            await login(client, "ada@example.com", "wrong guess")
        response = await login(client, "bob@example.com")
    assert response.status_code == 200


async def test_the_oauth2_form_shares_the_login_limit(make_app: Callable[..., FastAPI]) -> None:
    async with serving(make_app(login_attempts_per_account=3)) as client:
        for _ in range(3):
            await login(client, "ada@example.com", "wrong guess")
        response = await client.post(
            "/api/auth/token", data={"username": "ada@example.com", "password": "wrong guess"}
        )
    assert_error(response, 429, "rate_limited")
    assert int(response.headers["retry-after"]) >= 1


async def test_too_many_logins_from_one_address_are_429_with_retry_after(
    make_app: Callable[..., FastAPI],
) -> None:
    async with serving(make_app(login_attempts_per_address=3)) as client:
        for number in range(3):
            assert_error(await login(client, f"user{number}@example.com", "wrong guess"), 401)
        response = await login(client, "someone.else@example.com", "wrong guess")
    assert_error(response, 429, "rate_limited")
    assert int(response.headers["retry-after"]) >= 1


async def test_the_address_limit_leaves_other_addresses_alone(
    make_app: Callable[..., FastAPI],
) -> None:
    app = make_app(login_attempts_per_address=3)
    async with (
        running(app),
        client_for(app, "192.0.2.10") as noisy,
        client_for(app, "192.0.2.20") as quiet,
    ):
        await register(quiet, "ada@example.com")
        for number in range(4):
            await login(noisy, f"user{number}@example.com", "wrong guess")
        assert_error(await login(noisy, "ada@example.com"), 429, "rate_limited")
        response = await login(quiet, "ada@example.com")
    assert response.status_code == 200
