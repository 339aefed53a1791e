"""Assistant answers are shown as Markdown in the page, and nothing in them can run,
load from elsewhere or reach the page: parsed by marked, sanitised by DOMPurify."""

from __future__ import annotations

from typing import Any

import httpx
from tests.support import Account, register, unique_email

ANSWER = """## Your day

**Pay the rent** first, then:

- call mum
- book the dentist

| task | due |
|---|---|
| rent | today |

See [the docs](https://example.com/docs).
<script>window.pwned = 1</script>
<img src="https://tracker.example/pixel?c=secret" onerror="window.pwned = 2">
[click](javascript:window.pwned=3)"""


async def a_conversation_with(live_server: str, content: str) -> tuple[Account, str]:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        account = await register(http, unique_email("md"))
        made = await http.post(
            "/api/me/conversations", json={"title": "Plans"}, headers=account.headers
        )
        conversation = made.json()["id"]
        for role, text in (("user", "plan my day"), ("assistant", content)):
            await http.post(
                f"/api/me/conversations/{conversation}/messages",
                json={"role": role, "content": text},
                headers=account.headers,
            )
    return account, conversation


async def open_the_answer(browser: Any, live_server: str, account: Account) -> Any:
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await page.goto(live_server + "/")
    await page.evaluate("token => localStorage.setItem('todochat.token', token)", account.token)
    await page.reload()
    await page.click("#conversation-list li button >> text=Plans")
    bubble = page.locator(".message.assistant .bubble.markdown").first
    await bubble.wait_for()
    return page, bubble


async def test_an_answer_in_markdown_is_shown_formatted(browser: Any, live_server: str) -> None:
    account, _conversation = await a_conversation_with(live_server, ANSWER)
    _page, bubble = await open_the_answer(browser, live_server, account)

    assert await bubble.locator("h2").inner_text() == "Your day"
    assert await bubble.locator("strong").inner_text() == "Pay the rent"
    assert await bubble.locator("li").all_inner_texts() == ["call mum", "book the dentist"]
    assert await bubble.locator("td").all_inner_texts() == ["rent", "today"]
    assert "##" not in await bubble.inner_text()


async def test_links_in_an_answer_open_apart_from_the_page(browser: Any, live_server: str) -> None:
    account, _conversation = await a_conversation_with(live_server, ANSWER)
    _page, bubble = await open_the_answer(browser, live_server, account)

    link = bubble.locator("a", has_text="the docs")

    assert await link.get_attribute("href") == "https://example.com/docs"
    assert await link.get_attribute("target") == "_blank"
    assert "noopener" in (await link.get_attribute("rel") or "")


async def test_nothing_in_an_answer_runs_or_loads_from_elsewhere(
    browser: Any, live_server: str
) -> None:
    account, _conversation = await a_conversation_with(live_server, ANSWER)
    page, bubble = await open_the_answer(browser, live_server, account)

    assert await bubble.locator("script, img, [onerror]").count() == 0
    assert await page.evaluate("() => window.pwned === undefined")
    assert await bubble.locator("[href^='javascript' i]").count() == 0


async def test_the_built_in_agents_lines_stay_lines(browser: Any, live_server: str) -> None:
    account, _conversation = await a_conversation_with(
        live_server, "You have 2 tasks pending:\n#1 Buy milk\n#2 Call mum"
    )
    _page, bubble = await open_the_answer(browser, live_server, account)

    assert (await bubble.inner_text()).splitlines() == [
        "You have 2 tasks pending:",
        "#1 Buy milk",
        "#2 Call mum",
    ]
