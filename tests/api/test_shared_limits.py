"""Sign-in throttling and sign-up limits over HTTP (both backends): counted in the
database, a growing delay per (account, address), 429 with Retry-After."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
from fastapi import FastAPI

from tests.api.support import assert_error, client_for, serving
from tests.support import PASSWORD, register, running


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    return await client.post("/api/auth/login", json={"email": email, "password": password})


async def test_the_owner_gets_in_with_the_right_password_after_the_delay(
    make_app: Callable[..., FastAPI],
) -> None:
    app = make_app(login_attempts_per_account=2, login_delay_seconds=1)
    async with serving(app) as client:
        await register(client, "ada@example.com")
        for _ in range(2):
            assert_error(await login(client, "ada@example.com", "wrong guess"), 401)
        refused = await login(client, "ada@example.com")
        assert_error(refused, 429, "rate_limited")
        await asyncio.sleep(int(refused.headers["retry-after"]))
        response = await login(client, "ada@example.com")
    assert response.status_code == 200, response.text


async def test_each_further_failure_doubles_the_wait(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(login_attempts_per_account=2, login_delay_seconds=1)
    async with serving(app) as client:
        await register(client, "ada@example.com")
        for _ in range(2):
            await login(client, "ada@example.com", "wrong guess")
        first = await login(client, "ada@example.com", "wrong guess")
        await asyncio.sleep(int(first.headers["retry-after"]))
        assert_error(await login(client, "ada@example.com", "wrong guess"), 401)
        second = await login(client, "ada@example.com", "wrong guess")
    assert_error(second, 429, "rate_limited")
    assert int(first.headers["retry-after"]) == 1
    assert int(second.headers["retry-after"]) == 2


async def test_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out(
    make_app: Callable[..., FastAPI],
) -> None:
    app = make_app(login_attempts_per_account=2, login_delay_seconds=600)
    async with (
        running(app),
        client_for(app, "192.0.2.10") as attacker,
        client_for(app, "192.0.2.20") as owner,
    ):
        await register(owner, "ada@example.com")
        for _ in range(3):
            await login(attacker, "ada@example.com", "wrong guess")
        assert_error(await login(attacker, "ada@example.com"), 429, "rate_limited")
        response = await login(owner, "ada@example.com")
    assert response.status_code == 200, response.text


async def test_the_right_password_clears_the_failures(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(login_attempts_per_account=2, login_delay_seconds=600)
    async with serving(app) as client:
        await register(client, "ada@example.com")
        await login(client, "ada@example.com", "wrong guess")
        assert (await login(client, "ada@example.com")).status_code == 200
        await login(client, "ada@example.com", "wrong guess")
        response = await login(client, "ada@example.com")
    assert response.status_code == 200, response.text


async def test_too_many_sign_ups_from_one_address_are_429_with_retry_after(
    make_app: Callable[..., FastAPI],
) -> None:
    async with serving(make_app(registrations_per_address=2)) as client:
        await register(client, "ada@example.com")
        await register(client, "ben@example.com")
        response = await client.post(
            "/api/auth/register", json={"email": "cy@example.com", "password": PASSWORD}
        )
    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response.headers["retry-after"]) <= 3600


async def test_the_sign_up_limit_leaves_other_addresses_alone(
    make_app: Callable[..., FastAPI],
) -> None:
    app = make_app(registrations_per_address=1)
    async with (
        running(app),
        client_for(app, "192.0.2.10") as one,
        client_for(app, "192.0.2.20") as other,
    ):
        await register(one, "ada@example.com")
        await register(other, "ben@example.com")
        response = await one.post(
            "/api/auth/register", json={"email": "cy@example.com", "password": PASSWORD}
        )
    assert_error(response, 429, "rate_limited")


async def test_the_limits_hold_across_two_apps_on_one_database(
    make_app: Callable[..., FastAPI],
) -> None:
    first, second = (
        make_app(login_attempts_per_account=4, login_delay_seconds=600),
        make_app(login_attempts_per_account=4, login_delay_seconds=600),
    )
    async with serving(first) as via_first, serving(second) as via_second:
        await register(via_first, "ada@example.com")
        statuses = [
            (await login(client, "ada@example.com", "wrong guess")).status_code
            for client in [via_first, via_second] * 5
        ]
    assert statuses == [401] * 4 + [429] * 6
