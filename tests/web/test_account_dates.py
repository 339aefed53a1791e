"""Dates in the page are the account's, whatever zone the browser is in, and the
account's zone can be seen and changed there (with the name, the password, and
signing out everywhere)."""

from __future__ import annotations

from typing import Any

import httpx
from tests.support import PASSWORD, Account, register, unique_email


async def tokyo_account(live_server: str) -> Account:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        account = await register(http, unique_email("kei"), name="Kei", timezone="Asia/Tokyo")
        said = await http.post(
            "/api/me/chat",
            json={"message": "add a task to pay the rent tomorrow"},
            headers=account.headers,
        )
        assert said.status_code == 200, said.text
    return account


async def page_in_new_york(browser: Any, live_server: str, account: Account) -> Any:
    context = await browser.new_context(
        viewport={"width": 1280, "height": 800}, timezone_id="America/New_York"
    )
    page = await context.new_page()
    await page.goto(live_server + "/")
    await page.evaluate("token => localStorage.setItem('todochat.token', token)", account.token)
    await page.reload()
    await page.locator("#task-list .task").first.wait_for()
    return page


async def test_a_due_date_reads_as_in_the_chat_whatever_the_browsers_zone(
    browser: Any, live_server: str
) -> None:
    account = await tokyo_account(live_server)
    page = await page_in_new_york(browser, live_server, account)

    due = await page.locator("#task-list .task .due").first.inner_text()

    assert due == "tomorrow"


async def test_the_header_shows_the_accounts_time_zone(browser: Any, live_server: str) -> None:
    account = await tokyo_account(live_server)
    page = await page_in_new_york(browser, live_server, account)

    assert await page.inner_text("#account-zone") == "Asia/Tokyo"


async def test_the_time_zone_is_changed_in_the_settings(browser: Any, live_server: str) -> None:
    account = await tokyo_account(live_server)
    page = await page_in_new_york(browser, live_server, account)

    await page.click("#open-settings")
    await page.fill("#profile-form input[name=timezone]", "Europe/Paris")
    await page.click("#profile-form button[type=submit]")
    await page.locator("#settings-message", has_text="Saved").wait_for()

    assert await page.inner_text("#account-zone") == "Europe/Paris"
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        me = (await http.get("/api/auth/me", headers=account.headers)).json()
    assert me["timezone"] == "Europe/Paris"


async def test_a_wrong_current_password_changes_nothing_and_says_so(
    browser: Any, live_server: str
) -> None:
    account = await tokyo_account(live_server)
    page = await page_in_new_york(browser, live_server, account)

    await page.click("#open-settings")
    await page.fill("#password-form input[name=current]", "not my password")
    await page.fill("#password-form input[name=new]", "a brand new password")
    await page.click("#password-form button[type=submit]")
    message = page.locator("#settings-message.error")
    await message.wait_for()

    assert "incorrect" in await message.inner_text()
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        login = await http.post(
            "/api/auth/login", json={"email": account.email, "password": PASSWORD}
        )
    assert login.status_code == 200
