"""The page's "Access tokens" section in a real browser against a real server: make a
token, see it once, see it listed, revoke it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.support import PASSWORD, unique_email

pytestmark = pytest.mark.usefixtures("chromium_path")


async def signed_up_page(browser: Any, base_url: str) -> Any:
    """A window on the page, signed up as a fresh account, with the tokens open."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await page.goto(base_url + "/")
    await page.click("#tab-signup")
    await page.fill("input[name=name]", "Ada")
    await page.fill("input[name=email]", unique_email("ada"))
    await page.fill("input[name=password]", PASSWORD)
    await page.click("#auth-submit")
    await page.wait_for_selector("#app:not([hidden])")
    await page.click("#access-tokens summary")
    await page.locator("#token-list .empty").wait_for()
    return page


async def create_token(page: Any, name: str, access: str = "Read and write") -> str:
    """Make a token through the form; the token's text as the page shows it once."""
    await page.fill("#token-name", name)
    await page.locator("#token-form").get_by_label(access).check()
    await page.click("#token-create")
    await page.locator("#new-token:not([hidden])").wait_for()
    return str(await page.input_value("#new-token-value"))


async def test_a_token_made_in_the_page_is_shown_once_and_listed(
    browser: Any, live_server: str, screenshot_dir: Path
) -> None:
    page = await signed_up_page(browser, live_server)
    token = await create_token(page, "Claude Desktop")
    assert token.startswith("todochat_pat_")
    assert "won't be shown again" in await page.inner_text("#new-token")
    row = page.locator("#token-list .token")
    await row.wait_for()
    assert await row.locator(".name").inner_text() == "Claude Desktop"
    assert await row.locator(".scopes").inner_text() == "read and write"
    assert await row.locator(".last-used").inner_text() == "never used"
    assert token not in await page.inner_text("#token-list")
    await page.screenshot(path=screenshot_dir / "20-access-token-made.png")
    await page.click("#dismiss-token")
    assert await page.locator("#new-token").is_hidden()
    assert await page.input_value("#new-token-value") == ""
    assert token not in await page.content()


async def test_the_token_made_in_the_page_works_against_the_api(
    browser: Any, live_server: str
) -> None:
    page = await signed_up_page(browser, live_server)
    token = await create_token(page, "script", access="Read only")
    async with httpx.AsyncClient(base_url=live_server) as http:
        reading = await http.get("/api/me/tasks", headers={"Authorization": f"Bearer {token}"})
        writing = await http.post(
            "/api/me/tasks", json={"title": "x"}, headers={"Authorization": f"Bearer {token}"}
        )
    assert reading.status_code == 200
    assert writing.status_code == 403
    assert await page.locator("#token-list .scopes").inner_text() == "read only"


async def test_copy_puts_the_token_on_the_clipboard(browser: Any, live_server: str) -> None:
    page = await signed_up_page(browser, live_server)
    await page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    token = await create_token(page, "laptop")
    await page.click("#copy-token")
    await page.locator("#copy-token", has_text="Copied").wait_for()
    assert await page.evaluate("() => navigator.clipboard.readText()") == token


async def test_an_empty_name_is_refused_in_the_page(browser: Any, live_server: str) -> None:
    page = await signed_up_page(browser, live_server)
    await page.click("#token-create")
    error = page.locator("#token-error")
    await error.wait_for()
    assert "name" in (await error.inner_text()).lower()
    assert await page.locator("#token-list .token").count() == 0


async def test_revoking_asks_first_then_removes_the_token(browser: Any, live_server: str) -> None:
    page = await signed_up_page(browser, live_server)
    token = await create_token(page, "old script")
    await page.locator("#token-list .token").wait_for()
    page.once("dialog", lambda dialog: dialog.accept())
    await page.get_by_role("button", name="Revoke token old script").click()
    await page.locator("#token-list .empty").wait_for()
    async with httpx.AsyncClient(base_url=live_server) as http:
        response = await http.get("/api/me/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_dismissing_the_revoke_question_keeps_the_token(
    browser: Any, live_server: str
) -> None:
    page = await signed_up_page(browser, live_server)
    await create_token(page, "keep me")
    await page.locator("#token-list .token").wait_for()
    page.once("dialog", lambda dialog: dialog.dismiss())
    await page.get_by_role("button", name="Revoke token keep me").click()
    await page.wait_for_timeout(300)
    assert await page.locator("#token-list .token").count() == 1
