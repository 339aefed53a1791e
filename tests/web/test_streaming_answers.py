"""While an answer comes the page shows it is coming, the Send button stops waiting,
and a failed turn offers Retry. A slow answer is made by an LLM agent whose model
(a local fake speaking the OpenAI protocol) takes its time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.chat.fake_openai import HANG, FakeOpenAI, http_error, reply
from tests.support import ServerProcess, register, sqlite_url, unique_email


@pytest.fixture
def model() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def llm_server(tmp_path: Path, model: FakeOpenAI) -> Iterator[str]:
    with ServerProcess(
        tmp_path,
        sqlite_url(tmp_path / "todochat.db"),
        TODOCHAT_AGENT="llm",
        TODOCHAT_LLM_BASE_URL=model.base_url,
        TODOCHAT_LLM_API_KEY="test-key",
        TODOCHAT_LLM_MAX_RETRIES="0",
    ) as server:
        yield server.base_url


async def chat_page(browser: Any, base_url: str) -> Any:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        account = await register(http, unique_email("stream"))
    page = await (await browser.new_context()).new_page()
    await page.goto(base_url + "/")
    await page.evaluate("token => localStorage.setItem('todochat.token', token)", account.token)
    await page.reload()
    await page.locator(".message.welcome").wait_for()
    return page


async def say(page: Any, text: str) -> None:
    await page.fill("#message-input", text)
    await page.press("#message-input", "Enter")


async def test_a_slow_answer_shows_the_typing_indicator_and_can_be_stopped(
    browser: Any, llm_server: str, model: FakeOpenAI
) -> None:
    model.script(HANG)
    page = await chat_page(browser, llm_server)

    await say(page, "what is pending?")
    thinking = page.locator(".message.assistant .bubble.streaming")
    await thinking.wait_for()
    indicator = await thinking.evaluate("(node) => getComputedStyle(node, '::after').content")
    assert await page.inner_text("#send") == "Stop"

    await page.click("#send")
    await page.locator(".message.assistant .stopped").wait_for()

    assert "•••" in indicator
    assert await page.inner_text("#send") == "Send"


async def test_a_failed_turn_offers_retry_which_sends_it_again(
    browser: Any, llm_server: str, model: FakeOpenAI
) -> None:
    model.script(http_error(500), reply("All done: nothing is pending."))
    page = await chat_page(browser, llm_server)

    await say(page, "what is pending?")
    await page.click(".message.error button.retry")
    answer = page.locator(".message.assistant .bubble.markdown", has_text="All done")
    await answer.wait_for()

    assert await page.locator(".message.error").count() == 0
    assert model.received[-1].messages[-1]["content"] == "what is pending?"
