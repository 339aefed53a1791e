"""The conversation list: long titles stay on one line with the whole title on hover,
the row's buttons stay in view, a search narrows the list; a delete is sent once its
Undo time is up, and a delete or a rename the server refuses is shown undone.

(Renaming in place, Escape, Undo and leaving the page during the Undo time are in
test_conversation_changes.py.)"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from tests.support import Account, register, unique_email

LONG = "Plan the whole move to the new flat " * 2 + "and call the removal people early"


# Undo offered for this long in these tests (toast.js reads window.todochatUndoSeconds).
SHORT_UNDO_SECONDS = 1


async def with_conversations(browser: Any, live_server: str, titles: list[str]) -> Any:
    page, _, _ = await signed_in_with(browser, live_server, titles)
    return page


async def signed_in_with(
    browser: Any, live_server: str, titles: list[str]
) -> tuple[Any, Account, dict[str, str]]:
    """A page signed in to a new account holding conversations titled `titles`, with
    Undo offered for SHORT_UNDO_SECONDS; also the account and each title's id."""
    ids = {}
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        account = await register(http, unique_email("list"))
        for title in titles:
            made = await http.post(
                "/api/me/conversations", json={"title": title}, headers=account.headers
            )
            ids[title] = made.json()["id"]
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    await context.add_init_script(f"window.todochatUndoSeconds = {SHORT_UNDO_SECONDS}")
    page = await context.new_page()
    await page.goto(live_server + "/")
    await page.evaluate("token => localStorage.setItem('todochat.token', token)", account.token)
    await page.reload()
    await page.locator("#conversation-list li").nth(len(titles) - 1).wait_for()
    return page, account, ids


async def conversation_status(live_server: str, account: Account, conversation: str) -> int:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        response = await http.get(f"/api/me/conversations/{conversation}", headers=account.headers)
        return response.status_code


def refuse(status: int, message: str) -> Any:
    """A route handler answering as the server does when it refuses a change."""
    body = json.dumps({"error": {"code": "refused", "message": message}})

    async def handle(route: Any) -> None:
        await route.fulfill(status=status, content_type="application/json", body=body)

    return handle


def row(page: Any, title: str) -> Any:
    return page.locator("#conversation-list .conversation-title", has_text=title)


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

    from playwright.async_api import expect

    await expect(page.locator("#conversation-list")).to_have_text("No conversation matches.")


async def test_a_delete_without_undo_is_sent_once_the_time_is_up(
    browser: Any, live_server: str
) -> None:
    page, account, ids = await signed_in_with(browser, live_server, ["Groceries", "Dentist"])

    await page.click("button[aria-label='Delete conversation Groceries']")
    assert await conversation_status(live_server, account, ids["Groceries"]) == 200
    await page.locator(".toast", has_text="deleted").wait_for(state="detached")

    status = 200
    for _ in range(50):
        status = await conversation_status(live_server, account, ids["Groceries"])
        if status == 404:
            break
        await asyncio.sleep(0.1)
    assert status == 404
    await page.reload()
    await row(page, "Dentist").wait_for()
    assert await row(page, "Groceries").count() == 0


async def test_a_list_reloaded_during_the_undo_time_keeps_the_deleted_row_off(
    browser: Any, live_server: str
) -> None:
    page, _, _ = await signed_in_with(browser, live_server, ["Groceries", "Dentist"])
    await page.evaluate("window.todochatUndoSeconds = 30")

    await page.click("button[aria-label='Delete conversation Groceries']")
    await page.fill("#message-input", "what's pending?")
    async with page.expect_response(lambda r: "/api/me/conversations?" in r.url) as listed:
        await page.press("#message-input", "Enter")
    await (await listed.value).finished()
    await page.wait_for_timeout(200)

    assert await row(page, "Dentist").count() == 1
    assert await row(page, "Groceries").count() == 0
    await page.click(".toast button:text('Undo')")
    await row(page, "Groceries").wait_for()


async def test_a_delete_the_server_refuses_brings_the_row_back_with_a_notice(
    browser: Any, live_server: str
) -> None:
    page, account, ids = await signed_in_with(browser, live_server, ["Groceries", "Dentist"])
    await page.route(f"**/api/me/conversations/{ids['Groceries']}", refuse(503, "try later"))

    await page.click("button[aria-label='Delete conversation Groceries']")
    notice = page.locator(".toast.error", has_text="Not deleted")
    await notice.wait_for()

    assert "try later" in await notice.inner_text()
    assert await row(page, "Groceries").count() == 1
    assert await conversation_status(live_server, account, ids["Groceries"]) == 200


async def test_a_rename_the_server_refuses_shows_the_old_title_and_a_notice(
    browser: Any, live_server: str
) -> None:
    page, _, ids = await signed_in_with(browser, live_server, ["Groceries"])
    await page.route(f"**/api/me/conversations/{ids['Groceries']}", refuse(422, "too odd"))

    await page.click("button[aria-label='Rename conversation Groceries']")
    await page.fill(".conversation-rename", "Shopping")
    await page.press(".conversation-rename", "Enter")
    await page.locator(".toast.error", has_text="Not renamed").wait_for()

    assert await page.locator("#conversation-list .conversation-title").all_inner_texts() == [
        "Groceries"
    ]


async def test_leaving_the_title_field_saves_it(browser: Any, live_server: str) -> None:
    page, account, ids = await signed_in_with(browser, live_server, ["Groceries"])

    await page.click("button[aria-label='Rename conversation Groceries']")
    await page.fill(".conversation-rename", "Shopping")
    await page.click("#conversation-search")

    await row(page, "Shopping").wait_for()
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        for _ in range(50):
            stored = await http.get(
                f"/api/me/conversations/{ids['Groceries']}", headers=account.headers
            )
            if stored.json()["title"] == "Shopping":
                break
            await asyncio.sleep(0.1)
    assert stored.json()["title"] == "Shopping"


async def test_an_empty_title_is_refused_and_the_field_stays(
    browser: Any, live_server: str
) -> None:
    page, _, _ = await signed_in_with(browser, live_server, ["Groceries"])

    await page.click("button[aria-label='Rename conversation Groceries']")
    await page.fill(".conversation-rename", "  ")
    await page.press(".conversation-rename", "Enter")
    await page.locator(".toast.error", has_text="needs a title").wait_for()

    assert await page.locator(".conversation-rename").get_attribute("aria-invalid") == "true"
    await page.press(".conversation-rename", "Escape")
    assert await page.locator("#conversation-list .conversation-title").all_inner_texts() == [
        "Groceries"
    ]


async def test_a_title_being_typed_survives_the_list_reloading_after_an_answer(
    browser: Any, live_server: str
) -> None:
    page, _, _ = await signed_in_with(browser, live_server, ["Groceries"])

    async def answer_late(route: Any) -> None:
        await asyncio.sleep(1.5)
        await route.continue_()

    await page.route("**/api/me/chat/stream", answer_late)
    await page.fill("#message-input", "what's pending?")
    await page.press("#message-input", "Enter")
    await page.click("button[aria-label='Rename conversation Groceries']")
    await page.fill(".conversation-rename", "Shopp")
    async with page.expect_response(lambda r: "/api/me/conversations?" in r.url) as listed:
        pass
    await (await listed.value).finished()
    await page.wait_for_timeout(200)

    assert await page.input_value(".conversation-rename") == "Shopp"
    assert await page.evaluate("document.activeElement.className") == "conversation-rename"
    await page.keyboard.type("ing")
    await page.keyboard.press("Enter")
    await row(page, "Shopping").wait_for()
