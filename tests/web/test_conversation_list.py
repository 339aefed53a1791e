"""The conversation list: long titles stay on one line with the whole title on hover,
the row's buttons stay in view, and a search narrows the list."""

from __future__ import annotations

from typing import Any

import httpx
from tests.support import register, unique_email

LONG = "Plan the whole move to the new flat " * 2 + "and call the removal people early"


async def with_conversations(browser: Any, live_server: str, titles: list[str]) -> Any:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        account = await register(http, unique_email("list"))
        for title in titles:
            await http.post("/api/me/conversations", json={"title": title}, headers=account.headers)
    page = await (await browser.new_context(viewport={"width": 1280, "height": 800})).new_page()
    await page.goto(live_server + "/")
    await page.evaluate("token => localStorage.setItem('todochat.token', token)", account.token)
    await page.reload()
    await page.locator("#conversation-list li").nth(len(titles) - 1).wait_for()
    return page


async def test_a_long_title_keeps_its_buttons_in_view_and_shows_whole_on_hover(
    browser: Any, live_server: str
) -> None:
    page = await with_conversations(browser, live_server, [LONG.strip(), "Groceries"])
    row = page.locator("#conversation-list li", has=page.locator(f"[title='{LONG.strip()}']"))

    sidebar = await page.locator("#conversations").bounding_box()
    delete = await row.locator("button.danger").bounding_box()

    assert delete["x"] + delete["width"] <= sidebar["x"] + sidebar["width"]
    assert await row.locator(".conversation-title").get_attribute("title") == LONG.strip()


async def test_the_search_narrows_the_list(browser: Any, live_server: str) -> None:
    page = await with_conversations(browser, live_server, ["Groceries", "Dentist", "Grocery run"])

    await page.fill("#conversation-search", "grocer")

    shown = await page.locator("#conversation-list .conversation-title").all_inner_texts()
    assert sorted(shown) == ["Groceries", "Grocery run"]


async def test_a_search_that_matches_nothing_says_so(browser: Any, live_server: str) -> None:
    page = await with_conversations(browser, live_server, ["Groceries"])

    await page.fill("#conversation-search", "holiday")

    assert await page.inner_text("#conversation-list") == "No conversation matches."
