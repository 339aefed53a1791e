"""The chat page in a real browser against a real server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.support import PASSWORD, unique_email

pytestmark = pytest.mark.usefixtures("chromium_path")


async def expect_count(locator: Any, count: int) -> None:
    """`locator` matches `count` elements, waiting (within Playwright's timeout) for
    the page to get there: lists refresh after a turn, not at the same instant."""
    from playwright.async_api import expect

    await expect(locator).to_have_count(count)


async def open_page(browser: Any, base_url: str, width: int = 1280) -> Any:
    context = await browser.new_context(viewport={"width": width, "height": 800})
    page = await context.new_page()
    page.on("dialog", lambda dialog: None)  # replaced per test where a dialog is expected
    await page.goto(base_url + "/")
    return page


async def sign_up(page: Any, email: str, name: str = "Ada") -> None:
    await page.click("#tab-signup")
    await page.fill("input[name=name]", name)
    await page.fill("input[name=email]", email)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("#auth-submit")
    await page.wait_for_selector("#app:not([hidden])")
    # The page shows the chat before it has loaded the (empty) conversation list, and
    # then starts a new conversation, which empties the message list: wait for that.
    await page.wait_for_selector(".message.welcome")


async def send(page: Any, text: str) -> str:
    """Type a message, press Enter, wait for the answer; return the answer's text."""
    before = await page.locator(".message.assistant:not(.welcome)").count()
    await page.fill("#message-input", text)
    await page.press("#message-input", "Enter")
    answer = page.locator(".message.assistant:not(.welcome)").nth(before)
    await answer.locator(".bubble:not(.streaming)").wait_for()
    await page.wait_for_function("() => !document.querySelector('#send').disabled")
    return str(await answer.locator(".bubble").inner_text())


async def test_signing_up_opens_the_chat_with_the_users_name(
    browser: Any, live_server: str, screenshot_dir: Path
) -> None:
    page = await open_page(browser, live_server)
    await page.screenshot(path=screenshot_dir / "01-sign-in.png")
    await sign_up(page, unique_email("ada"))
    assert await page.inner_text("#whoami") == "Ada"
    await expect_count(page.locator(".welcome"), 1)
    await page.screenshot(path=screenshot_dir / "02-empty-chat.png")


async def test_wrong_password_shows_a_clear_message(browser: Any, live_server: str) -> None:
    page = await open_page(browser, live_server)
    email = unique_email("ada")
    await sign_up(page, email)
    await page.click("#sign-out")
    await page.fill("input[name=email]", email)
    await page.fill("input[name=password]", "not the password")
    await page.click("#auth-submit")
    error = page.locator("#auth-error")
    await error.wait_for()
    assert await error.inner_text() == "email or password is incorrect"
    assert await page.locator("#app").is_hidden()


async def test_adding_a_task_streams_the_answer_and_shows_the_task(
    browser: Any, live_server: str, screenshot_dir: Path
) -> None:
    page = await open_page(browser, live_server)
    await sign_up(page, unique_email("ada"))
    # Count how often the answer's text changes while it arrives.
    await page.evaluate(
        """() => {
        window.textUpdates = 0;
        new MutationObserver((records) => {
          for (const r of records) {
            const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
            if (node?.closest('.message.assistant .bubble')) window.textUpdates++;
          }
        }).observe(document.querySelector('#messages'),
                   {subtree: true, childList: true, characterData: true});
    }"""
    )
    answer = await send(page, "add a task to buy milk")
    assert answer == "Added task #1: “Buy milk”."
    assert await page.evaluate("window.textUpdates") > 1
    chip = page.locator(".chip summary").first
    assert await chip.inner_text() == "add_task · #1 · created"
    task = page.locator(".task[data-task-id='1']")
    await task.wait_for()
    assert await task.locator(".title").inner_text() == "Buy milk"
    await page.locator(".chip summary").first.click()
    await page.screenshot(path=screenshot_dir / "03-task-added.png")


async def test_completing_in_the_panel_is_what_the_chat_reports(
    browser: Any, live_server: str
) -> None:
    page = await open_page(browser, live_server)
    await sign_up(page, unique_email("ada"))
    await send(page, "add a task to buy milk")
    await page.locator(".task[data-task-id='1'] input[type=checkbox]").check()
    await page.locator(".task.done[data-task-id='1']").wait_for()
    answer = await send(page, "What have I completed?")
    assert "#1 Buy milk" in answer
    # The turn reloads the panel: the completed task leaves the pending view.
    await page.locator(".task[data-task-id='1']").wait_for(state="detached")
    await page.click("#task-views button[data-view=completed]")
    await page.locator(".task.done[data-task-id='1']").wait_for()


@pytest.mark.both_databases
async def test_reloading_keeps_the_conversation_and_the_tasks(
    browser: Any, live_server: str
) -> None:
    page = await open_page(browser, live_server)
    await sign_up(page, unique_email("ada"))
    await send(page, "add a task to buy milk")
    await send(page, "remind me to call mom")
    await page.reload()
    await page.locator(".message.user").nth(1).wait_for()
    texts = await page.locator(".message .bubble").all_inner_texts()
    assert texts == [
        "add a task to buy milk",
        "Added task #1: “Buy milk”.",
        "remind me to call mom",
        "Added task #2: “Call mom”.",
    ]
    await page.locator(".task[data-task-id='2']").wait_for()
    await expect_count(page.locator(".task"), 2)
    await expect_count(page.locator("#conversation-list li"), 1)


@pytest.mark.both_databases
async def test_another_user_sees_none_of_it(browser: Any, live_server: str) -> None:
    first = await open_page(browser, live_server)
    await sign_up(first, unique_email("ada"))
    await send(first, "add a task to buy milk")
    second = await open_page(browser, live_server)
    await sign_up(second, unique_email("bob"), name="Bob")
    await second.locator("#task-list .empty").wait_for()
    await expect_count(second.locator(".task"), 0)
    await expect_count(second.locator("#conversation-list li"), 0)
    answer = await send(second, "show me all my tasks")
    assert "Buy milk" not in answer


async def test_conversations_can_be_started_renamed_and_deleted(
    browser: Any, live_server: str
) -> None:
    page = await open_page(browser, live_server)
    await sign_up(page, unique_email("ada"))
    await send(page, "add a task to buy milk")
    await page.click("#new-conversation")
    await send(page, "what's pending?")
    await expect_count(page.locator("#conversation-list li"), 2)
    await (
        page.locator("#conversation-list li").nth(1).locator("button[aria-label^='Rename']").click()
    )
    await page.fill(".conversation-rename", "Groceries")
    await page.press(".conversation-rename", "Enter")
    await page.locator(".conversation-title", has_text="Groceries").wait_for()
    await page.click("button[aria-label='Delete conversation Groceries']")
    await page.locator(".conversation-title", has_text="Groceries").wait_for(state="detached")
    await expect_count(page.locator("#conversation-list li"), 1)
    # Tasks belong to the user, not to a conversation.
    await expect_count(page.locator(".task"), 1)


async def test_a_failed_turn_is_shown_and_the_typed_text_kept(
    browser: Any, live_server: str, screenshot_dir: Path
) -> None:
    page = await open_page(browser, live_server)
    await sign_up(page, unique_email("ada"))
    failure = {"error": {"code": "provider_timeout", "message": "the model provider timed out"}}
    await page.route(
        "**/api/me/chat/stream",
        lambda route: route.fulfill(
            status=504, content_type="application/json", body=json.dumps(failure)
        ),
    )
    await page.fill("#message-input", "add a task to buy milk")
    await page.press("#message-input", "Enter")
    error = page.locator(".message.error")
    await error.wait_for()
    assert await error.locator(".error-text").inner_text() == "the model provider timed out"
    assert await error.locator("button.retry").is_visible()
    assert await page.input_value("#message-input") == "add a task to buy milk"
    await page.screenshot(path=screenshot_dir / "05-error.png")


async def test_shift_enter_adds_a_line_and_enter_sends(browser: Any, live_server: str) -> None:
    page = await open_page(browser, live_server)
    await sign_up(page, unique_email("ada"))
    await page.click("#message-input")
    await page.keyboard.type("add a task to")
    await page.keyboard.press("Shift+Enter")
    assert await page.input_value("#message-input") == "add a task to\n"
    await page.keyboard.type("buy milk")
    await page.keyboard.press("Enter")
    await page.locator(".task[data-task-id='1']").wait_for()
    assert await page.locator(".task .title").inner_text() == "Buy milk"


async def test_phone_width_shows_the_chat_with_panels_behind_buttons(
    browser: Any, live_server: str, screenshot_dir: Path
) -> None:
    page = await open_page(browser, live_server, width=390)
    await sign_up(page, unique_email("ada"))
    await send(page, "add a task to buy milk")
    assert await page.locator("#tasks").is_hidden()
    await page.screenshot(path=screenshot_dir / "06-phone-chat.png")
    await page.click("button[aria-label='Show tasks']")
    assert await page.locator("#tasks").is_visible()
    assert await page.get_attribute("#toggle-tasks", "aria-expanded") == "true"
    await page.screenshot(path=screenshot_dir / "07-phone-tasks.png")
