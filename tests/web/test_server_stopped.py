"""The server stops while the page is open: nothing that was not saved looks saved,
nothing typed is lost, and Retry works once the server is back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from tests.support import Account, ServerProcess, register, unique_email

pytestmark = pytest.mark.usefixtures("chromium_path")


@pytest_asyncio.fixture(loop_scope="session")
async def server(tmp_path: Path, database_url: str) -> AsyncIterator[ServerProcess]:
    """A server of this test's own, which the test stops and starts again."""
    process = ServerProcess(tmp_path, database_url)
    await asyncio.to_thread(process.start)
    yield process
    await asyncio.to_thread(process.stop)


async def stop(server: ServerProcess) -> None:
    await asyncio.to_thread(server.stop)


async def start(server: ServerProcess) -> None:
    await asyncio.to_thread(server.start)


async def account_with_a_task(server: ServerProcess) -> Account:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        account = await register(http, unique_email("ada"), name="Ada")
        made = await http.post("/api/me/tasks", json={"title": "Buy milk"}, headers=account.headers)
        assert made.status_code == 201, made.text
    return account


async def stored_task(server: ServerProcess, account: Account) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        response = await http.get("/api/me/tasks/1", headers=account.headers)
        assert response.status_code == 200, response.text
        return dict(response.json())


async def signed_in_page(browser: Any, server: ServerProcess, account: Account) -> Any:
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await page.goto(server.base_url + "/")
    await page.evaluate("token => localStorage.setItem('todochat.token', token)", account.token)
    await page.reload()
    await page.locator(".task[data-task-id='1']").wait_for()
    return page


async def test_a_tick_the_server_did_not_take_is_undone_visibly(
    browser: Any, server: ServerProcess
) -> None:
    account = await account_with_a_task(server)
    page = await signed_in_page(browser, server, account)
    await stop(server)

    # A click, not `check`: the tick is taken back at once (check would see it undone).
    await page.click(".task[data-task-id='1'] input[type=checkbox]")

    await page.locator(".task.rolled-back[data-task-id='1']").wait_for()
    assert not await page.is_checked(".task[data-task-id='1'] input[type=checkbox]")
    notice = page.locator(".toast.error")
    assert "Not saved" in await notice.inner_text()


async def test_retry_saves_the_tick_once_the_server_is_back(
    browser: Any, server: ServerProcess
) -> None:
    account = await account_with_a_task(server)
    page = await signed_in_page(browser, server, account)
    await stop(server)
    await page.click(".task[data-task-id='1'] input[type=checkbox]")
    await page.locator(".toast.error").wait_for()
    await start(server)

    await page.click(".toast.error button:text('Retry')")

    await page.locator(".task.done[data-task-id='1']").wait_for()
    assert (await stored_task(server, account))["completed"] is True


async def test_an_edit_the_server_did_not_take_puts_the_task_back(
    browser: Any, server: ServerProcess
) -> None:
    account = await account_with_a_task(server)
    page = await signed_in_page(browser, server, account)
    await page.click("button[aria-label^='Edit task 1']")
    await page.fill("form.task-editor input[name=title]", "Buy oat milk")
    await stop(server)

    await page.click("form.task-editor button[type=submit]")

    await page.locator(".task.rolled-back[data-task-id='1']").wait_for()
    assert await page.inner_text(".task[data-task-id='1'] .title") == "Buy milk"
    await start(server)
    await page.click(".toast.error button:text('Retry')")
    await page.locator(".task[data-task-id='1'] .title", has_text="Buy oat milk").wait_for()
    assert (await stored_task(server, account))["title"] == "Buy oat milk"


async def test_a_task_that_could_not_be_added_keeps_its_text(
    browser: Any, server: ServerProcess
) -> None:
    account = await account_with_a_task(server)
    page = await signed_in_page(browser, server, account)
    await stop(server)

    await page.fill("#new-task-title", "Walk the dog")
    await page.press("#new-task-title", "Enter")

    await page.locator(".toast.error", has_text="Not added").wait_for()
    assert await page.input_value("#new-task-title") == "Walk the dog"
    assert await page.locator(".task").count() == 1


async def test_a_message_sent_while_the_server_is_down_can_be_retried(
    browser: Any, server: ServerProcess
) -> None:
    account = await account_with_a_task(server)
    page = await signed_in_page(browser, server, account)
    await stop(server)

    await page.fill("#message-input", "what's pending?")
    await page.press("#message-input", "Enter")

    failure = page.locator(".message.error")
    await failure.wait_for()
    assert "Could not reach the server" in await failure.inner_text()
    assert await page.input_value("#message-input") == "what's pending?"
    await start(server)
    await page.fill("#message-input", "")
    await failure.locator("button:text('Retry')").click()
    answer = page.locator(".message.assistant:not(.welcome) .bubble:not(.streaming)").last
    await answer.wait_for()
    assert "Buy milk" in await answer.inner_text()
