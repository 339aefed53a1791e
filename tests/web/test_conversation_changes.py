"""Renaming a conversation in place, deleting one with Undo, when each message was
sent (in the account's zone), and a message's tool chips as one Tab stop."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from tests.support import Account, register, unique_email

pytestmark = pytest.mark.usefixtures("chromium_path")


async def account_with_a_conversation(live_server: str, *messages: str) -> tuple[Account, str]:
    """A Tokyo account with one conversation, made by chatting `messages`."""
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        account = await register(http, unique_email("cy"), timezone="Asia/Tokyo")
        conversation = None
        for message in messages or ("add a task to buy milk",):
            said = await http.post(
                "/api/me/chat",
                json={"message": message, "conversation_id": conversation},
                headers=account.headers,
            )
            assert said.status_code == 200, said.text
            conversation = said.json()["conversation_id"]
    assert conversation is not None
    return account, conversation


async def conversation_status(live_server: str, account: Account, conversation: str) -> int:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        response = await http.get(f"/api/me/conversations/{conversation}", headers=account.headers)
        return response.status_code


async def signed_in(browser: Any, live_server: str, account: Account) -> Any:
    context = await browser.new_context(
        viewport={"width": 1280, "height": 800}, timezone_id="America/New_York"
    )
    page = await context.new_page()
    await page.goto(live_server + "/")
    await page.evaluate("token => localStorage.setItem('todochat.token', token)", account.token)
    await page.reload()
    await page.locator("#conversation-list li .conversation-title").first.wait_for()
    await page.locator(".message.assistant .bubble").first.wait_for()
    return page


async def test_a_conversation_is_renamed_in_place(browser: Any, live_server: str) -> None:
    account, conversation = await account_with_a_conversation(live_server)
    page = await signed_in(browser, live_server, account)

    await page.click("#conversation-list button[aria-label^='Rename']")
    await page.fill(".conversation-rename", "Shopping")
    await page.press(".conversation-rename", "Enter")

    await page.locator(".conversation-title", has_text="Shopping").wait_for()
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        stored = await http.get(f"/api/me/conversations/{conversation}", headers=account.headers)
    assert stored.json()["title"] == "Shopping"


async def test_escape_leaves_the_title_as_it_was(browser: Any, live_server: str) -> None:
    account, _ = await account_with_a_conversation(live_server)
    page = await signed_in(browser, live_server, account)
    before = await page.inner_text(".conversation-title")

    await page.click("#conversation-list button[aria-label^='Rename']")
    await page.fill(".conversation-rename", "Something else")
    await page.press(".conversation-rename", "Escape")

    assert await page.inner_text(".conversation-title") == before


async def test_undo_brings_a_deleted_conversation_back_and_nothing_is_deleted(
    browser: Any, live_server: str
) -> None:
    account, conversation = await account_with_a_conversation(live_server)
    page = await signed_in(browser, live_server, account)

    await page.click("#conversation-list button[aria-label^='Delete']")
    await page.locator("#conversation-list .conversation-title").wait_for(state="detached")
    await page.click(".toast button:text('Undo')")

    await page.locator("#conversation-list .conversation-title").wait_for()
    await page.locator(".message.user .bubble", has_text="buy milk").wait_for()
    await page.reload()
    await page.locator("#conversation-list .conversation-title").wait_for()
    assert await conversation_status(live_server, account, conversation) == 200


async def test_leaving_the_page_during_the_undo_time_still_deletes(
    browser: Any, live_server: str
) -> None:
    account, conversation = await account_with_a_conversation(live_server)
    page = await signed_in(browser, live_server, account)

    await page.click("#conversation-list button[aria-label^='Delete']")
    await page.locator(".toast", has_text="deleted").wait_for()
    await page.reload()

    status = 200
    for _ in range(50):
        status = await conversation_status(live_server, account, conversation)
        if status == 404:
            break
        await asyncio.sleep(0.2)
    assert status == 404


async def test_each_message_shows_when_it_was_sent_in_the_accounts_zone(
    browser: Any, live_server: str
) -> None:
    account, _ = await account_with_a_conversation(live_server)
    before = datetime.now(UTC)
    page = await signed_in(browser, live_server, account)

    shown = await page.locator(".message.user time.sent").first.inner_text()
    title = await page.locator(".message.user time.sent").first.get_attribute("title")

    tokyo = [
        (before - timedelta(minutes=m)).astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M")
        for m in (0, 1)
    ]
    assert shown in tokyo
    assert title is not None
    assert title.endswith("(Asia/Tokyo)")


async def test_a_messages_tool_chips_are_one_tab_stop_and_arrows_move_between_them(
    browser: Any, live_server: str
) -> None:
    account, _ = await account_with_a_conversation(live_server, "add milk, eggs and bread")
    page = await signed_in(browser, live_server, account)
    bar = page.locator(".message.assistant .chips").first
    await bar.locator("summary").nth(2).wait_for()

    tab_stops = await bar.locator("summary[tabindex='0']").count()
    await bar.locator("summary[tabindex='0']").focus()
    await page.keyboard.press("ArrowRight")
    focused = await page.evaluate("document.activeElement.textContent")

    assert tab_stops == 1
    assert await bar.locator("summary[tabindex='-1']").count() == 2
    assert focused == await bar.locator("summary").nth(1).inner_text()
