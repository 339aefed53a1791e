"""The page with a keyboard and nothing else: sign in, chat, tick and edit a task, open
and close the account settings. Focus is never lost and moves through the page in the
order it is laid out."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from tests.support import PASSWORD, Account, register, unique_email

pytestmark = pytest.mark.usefixtures("chromium_path")

MAX_TABS = 60
REGIONS = ("header", "#conversations", ".chat", "#tasks")


async def new_account(live_server: str) -> Account:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        return await register(http, unique_email("kim"), name="Kim")


async def focused(page: Any, selector: str) -> bool:
    return bool(await page.evaluate("s => document.activeElement.matches(s)", selector))


async def tab_to(page: Any, selector: str, key: str = "Tab") -> None:
    """Press Tab (or Shift+Tab) until `selector` has the focus."""
    for _ in range(MAX_TABS):
        if await focused(page, selector):
            return
        await page.keyboard.press(key)
    raise AssertionError(f"{selector} never got the focus with {key}")


async def signed_in_by_keyboard(browser: Any, live_server: str) -> Any:
    account = await new_account(live_server)
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await page.goto(live_server + "/")
    await page.wait_for_selector("#auth-form input[name=email]:focus")
    await page.keyboard.type(account.email)
    await page.keyboard.press("Tab")
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#message-input:focus")
    return page


async def say(page: Any, text: str) -> None:
    before = await page.locator(".message.assistant:not(.welcome)").count()
    await page.keyboard.type(text)
    await page.keyboard.press("Enter")
    answer = page.locator(".message.assistant:not(.welcome)").nth(before)
    await answer.locator(".bubble:not(.streaming)").wait_for()
    await page.wait_for_selector(".task[data-task-id='1']")


async def test_signing_in_leaves_the_focus_in_the_message_box(
    browser: Any, live_server: str
) -> None:
    page = await signed_in_by_keyboard(browser, live_server)

    assert await focused(page, "#message-input")


async def test_a_task_is_ticked_and_edited_with_the_keyboard(
    browser: Any, live_server: str
) -> None:
    page = await signed_in_by_keyboard(browser, live_server)
    await say(page, "add a task to buy milk")

    await tab_to(page, ".task[data-task-id='1'] input[type=checkbox]")
    await page.keyboard.press("Space")
    await page.wait_for_selector(".task.done[data-task-id='1']")
    await page.keyboard.press("Tab")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("form.task-editor input[name=title]:focus")
    await page.keyboard.press("ControlOrMeta+a")
    await page.keyboard.type("Buy oat milk")
    await page.keyboard.press("Enter")

    await page.locator(".task[data-task-id='1'] .title", has_text="Buy oat milk").wait_for()
    await page.wait_for_function(
        "() => document.activeElement.matches(\".task[data-task-id='1'] button.title\")"
    )


async def test_the_settings_open_and_close_with_the_keyboard(
    browser: Any, live_server: str
) -> None:
    page = await signed_in_by_keyboard(browser, live_server)

    await tab_to(page, "#open-settings", key="Shift+Tab")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#settings[open]")
    inside = await page.evaluate(
        "document.querySelector('#settings').contains(document.activeElement)"
    )
    await page.keyboard.press("Escape")
    await page.wait_for_selector("#settings:not([open])", state="attached")

    assert inside
    assert await focused(page, "#open-settings")


async def test_tab_goes_through_the_page_in_reading_order_without_losing_focus(
    browser: Any, live_server: str
) -> None:
    page = await signed_in_by_keyboard(browser, live_server)
    await say(page, "add a task to buy milk")
    await page.focus("#open-settings")

    visited = ["header"]
    for _ in range(MAX_TABS):
        await page.keyboard.press("Tab")
        region = await page.evaluate(
            """regions => {
                const active = document.activeElement;
                if (!active || active === document.body) return "nowhere";
                const index = regions.findIndex(r => active.closest(r));
                return index < 0 ? "elsewhere" : regions[index];
            }""",
            list(REGIONS),
        )
        if region in ("nowhere", "elsewhere"):
            break
        if not visited or visited[-1] != region:
            visited.append(region)
        if region == "#tasks" and await focused(page, "#connections summary"):
            break

    assert visited == list(REGIONS)
