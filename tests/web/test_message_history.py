"""A conversation's messages: when each was sent, in the account's zone (a live turn
too), and a message's tool chips as one toolbar that arrow keys, Home and End move
through.

(A stored message's time and Right arrow are in test_conversation_changes.py.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from tests.support import Account, register, unique_email

pytestmark = pytest.mark.usefixtures("chromium_path")

ACCOUNT_ZONE = "Asia/Tokyo"
BROWSER_ZONE = "America/New_York"


async def tokyo_account(live_server: str, *messages: str) -> Account:
    """An account in Tokyo, having chatted `messages` in one conversation."""
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        account = await register(http, unique_email("hist"), timezone=ACCOUNT_ZONE)
        conversation = None
        for message in messages:
            said = await http.post(
                "/api/me/chat",
                json={"message": message, "conversation_id": conversation},
                headers=account.headers,
            )
            assert said.status_code == 200, said.text
            conversation = said.json()["conversation_id"]
    return account


async def signed_in(browser: Any, live_server: str, account: Account) -> Any:
    """A page in a New York browser, signed in to `account`."""
    context = await browser.new_context(
        viewport={"width": 1280, "height": 800}, timezone_id=BROWSER_ZONE
    )
    page = await context.new_page()
    await page.goto(live_server + "/")
    await page.evaluate("token => localStorage.setItem('todochat.token', token)", account.token)
    await page.reload()
    await page.locator("#message-input").wait_for()
    return page


def clock_in_tokyo(around: datetime) -> list[str]:
    """ "HH:MM" in Tokyo for `around` and the minute after (the test may cross one)."""
    zone = ZoneInfo(ACCOUNT_ZONE)
    return [(around + timedelta(minutes=m)).astimezone(zone).strftime("%H:%M") for m in (0, 1)]


async def chips_of_three(browser: Any, live_server: str) -> tuple[Any, Any]:
    """A page showing a message with three tool chips, and that message's chip bar."""
    account = await tokyo_account(live_server, "add milk, eggs and bread")
    page = await signed_in(browser, live_server, account)
    bar = page.locator(".message.assistant .chips").first
    await bar.locator("summary").nth(2).wait_for()
    return page, bar


async def focused_text(page: Any) -> str:
    return await page.evaluate("document.activeElement.textContent")


async def test_a_live_turn_shows_when_each_message_was_sent_in_the_accounts_zone(
    browser: Any, live_server: str
) -> None:
    page = await signed_in(browser, live_server, await tokyo_account(live_server))
    before = datetime.now(UTC)

    await page.fill("#message-input", "add a task to buy milk")
    await page.press("#message-input", "Enter")
    answer_time = page.locator(".message.assistant time.sent").last
    await answer_time.wait_for()
    asked_time = page.locator(".message.user time.sent").last

    for shown in (asked_time, answer_time):
        assert await shown.inner_text() in clock_in_tokyo(before)
        assert (await shown.get_attribute("title") or "").endswith(f"({ACCOUNT_ZONE})")
        moment = datetime.fromisoformat(await shown.get_attribute("datetime") or "")
        assert abs(moment - before) < timedelta(minutes=2)


async def test_a_message_from_the_accounts_yesterday_says_so(
    browser: Any, live_server: str
) -> None:
    page = await signed_in(browser, live_server, await tokyo_account(live_server))

    # 14:30 UTC is 23:30 in Tokyo, the day before the Tokyo noon that is "now"; in the
    # browser's New York both are the same day.
    shown = await page.evaluate(
        """async () => {
            const { DateFormat } = await import("/static/dates.js");
            const tokyo = new DateFormat("Asia/Tokyo");
            const now = new Date("2026-11-23T03:00:00Z");
            return [
                tokyo.sent("2026-11-22T14:30:00Z", now),
                tokyo.sent("2026-11-20T05:05:00Z", now),
                tokyo.sent("2025-11-20T05:05:00Z", now),
            ];
        }"""
    )

    assert shown == ["yesterday 23:30", "Fri 20 Nov, 14:05", "Thu, 20 Nov 2025, 14:05"]


async def test_a_messages_chips_are_a_labelled_toolbar(browser: Any, live_server: str) -> None:
    _, bar = await chips_of_three(browser, live_server)

    assert await bar.get_attribute("role") == "toolbar"
    assert await bar.get_attribute("aria-label") == "Actions taken"


async def test_tab_leaves_a_messages_chips_in_one_press(browser: Any, live_server: str) -> None:
    page, bar = await chips_of_three(browser, live_server)
    await bar.locator("summary[tabindex='0']").focus()

    await page.keyboard.press("Tab")

    left = await page.evaluate(
        "bar => !bar.contains(document.activeElement)", await bar.element_handle()
    )
    assert left


async def test_home_and_end_move_to_the_first_and_last_chip(browser: Any, live_server: str) -> None:
    page, bar = await chips_of_three(browser, live_server)
    summaries = bar.locator("summary")
    await summaries.first.focus()

    await page.keyboard.press("End")
    at_end = await focused_text(page)
    await page.keyboard.press("Home")
    at_home = await focused_text(page)

    assert at_end == await summaries.nth(2).inner_text()
    assert at_home == await summaries.first.inner_text()


async def test_left_from_the_first_chip_wraps_to_the_last_and_is_the_tab_stop(
    browser: Any, live_server: str
) -> None:
    page, bar = await chips_of_three(browser, live_server)
    summaries = bar.locator("summary")
    await summaries.first.focus()

    await page.keyboard.press("ArrowLeft")

    assert await focused_text(page) == await summaries.nth(2).inner_text()
    assert await summaries.nth(2).get_attribute("tabindex") == "0"
    assert await bar.locator("summary[tabindex='0']").count() == 1


async def test_enter_and_space_open_the_focused_chips_details(
    browser: Any, live_server: str
) -> None:
    page, bar = await chips_of_three(browser, live_server)
    chips = bar.locator("details")
    await bar.locator("summary").first.focus()

    await page.keyboard.press("ArrowRight")
    await page.keyboard.press("Enter")
    await page.keyboard.press("ArrowRight")
    await page.keyboard.press("Space")

    opened = [await chip.evaluate("chip => chip.open") for chip in await chips.all()]
    assert opened == [False, True, True]
    assert await chips.nth(1).locator("pre").is_visible()
