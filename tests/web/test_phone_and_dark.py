"""The page on a phone (390 x 844: one drawer at a time, Escape or a tap outside
closes it, touch targets of 44 px) and in dark mode (following the system)."""

from __future__ import annotations

from typing import Any

import httpx
from tests.support import Account, register, unique_email


async def signed_in(browser: Any, live_server: str, **context: Any) -> Any:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        account: Account = await register(http, unique_email("phone"), name="Pat")
        await http.post("/api/me/tasks", json={"title": "Buy milk"}, headers=account.headers)
    page = await (await browser.new_context(**context)).new_page()
    await page.goto(live_server + "/")
    await page.evaluate("token => localStorage.setItem('todochat.token', token)", account.token)
    await page.reload()
    await page.locator("#app:not([hidden])").wait_for()
    return page


PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}


async def test_opening_one_drawer_closes_the_other(browser: Any, live_server: str) -> None:
    page = await signed_in(browser, live_server, **PHONE)

    await page.click("#toggle-conversations")
    await page.click("#toggle-tasks")

    assert await page.is_hidden("#conversations")
    assert await page.is_visible("#tasks")
    assert await page.get_attribute("#toggle-conversations", "aria-expanded") == "false"


async def test_escape_closes_a_drawer(browser: Any, live_server: str) -> None:
    page = await signed_in(browser, live_server, **PHONE)
    await page.click("#toggle-tasks")

    await page.keyboard.press("Escape")

    assert await page.is_hidden("#tasks")
    assert await page.get_attribute("#toggle-tasks", "aria-expanded") == "false"


async def test_a_tap_outside_closes_a_drawer(browser: Any, live_server: str) -> None:
    page = await signed_in(browser, live_server, **PHONE)
    await page.click("#toggle-conversations")

    await page.click("#messages", position={"x": 370, "y": 300})

    assert await page.is_hidden("#conversations")


async def test_touch_targets_are_at_least_44_px(browser: Any, live_server: str) -> None:
    page = await signed_in(browser, live_server, **PHONE)
    await page.click("#toggle-tasks")
    await page.locator("#task-list .task").first.wait_for()

    small = await page.evaluate(
        """() => [...document.querySelectorAll(
              '.topbar button, #task-list button, #task-list .check')]
            .filter((node) => node.offsetParent !== null)
            .map((node) => [node.getAttribute('aria-label') || node.id,
                            node.getBoundingClientRect()])
            .filter(([, box]) => box.width < 44 || box.height < 44)
            .map(([name]) => name)"""
    )

    assert small == []


async def test_dark_mode_follows_the_system_setting(browser: Any, live_server: str) -> None:
    light = await signed_in(browser, live_server, color_scheme="light")
    dark = await signed_in(browser, live_server, color_scheme="dark")

    background = "() => getComputedStyle(document.documentElement).backgroundColor"
    assert await light.evaluate(background) == "rgb(246, 247, 249)"
    assert await dark.evaluate(background) == "rgb(18, 20, 23)"


async def test_opening_a_tasks_editor_keeps_the_drawer_open(browser: Any, live_server: str) -> None:
    """The title redraws itself into the editor: the tap was still inside the drawer."""
    page = await signed_in(browser, live_server, **PHONE)
    await page.click("#toggle-tasks")
    await page.locator("#task-list .task button.title").first.click()

    await page.locator("form.task-editor input[name=title]").wait_for()
    assert await page.is_visible("#tasks")
