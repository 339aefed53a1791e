"""An accessibility scan with axe-core (pinned in tests/web/axe, injected into the
page): no serious or critical violation on the sign-in page, the chat, the task panel
or the account dialog, in light and dark mode."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.support import Account, register, unique_email

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def axe() -> Path:
    """axe-core's script; without it the scan is skipped, saying why, or fails in CI."""
    if not AXE.exists():
        problem = "axe-core is not installed: run `make install` with npm on the PATH"
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    return AXE


async def serious_violations(page: Any, axe: Path, context: str = "body") -> list[str]:
    # Served to the page from its own origin (the page's Content-Security-Policy
    # rightly refuses inline and foreign scripts), by the test's browser, not the app.
    origin = page.url.split("/", 3)[:3]
    script_url = "/".join(origin) + "/__tests__/axe.min.js"
    await page.route(
        script_url,
        lambda route: route.fulfill(
            body=axe.read_bytes(), content_type="text/javascript; charset=utf-8"
        ),
    )
    await page.add_script_tag(url=script_url)
    found = await page.evaluate(
        """async (context) => {
            const result = await axe.run(context, {resultTypes: ['violations']});
            return result.violations
              .filter((v) => ['serious', 'critical'].includes(v.impact))
              .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        }""",
        context,
    )
    return list(found)


async def signed_in(browser: Any, live_server: str, color_scheme: str) -> Any:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        account: Account = await register(http, unique_email("a11y"), name="Ana")
        await http.post(
            "/api/me/chat",
            json={"message": "add a task to pay the rent tomorrow, urgent"},
            headers=account.headers,
        )
        await http.post(
            "/api/me/tasks",
            json={"title": "Water plants", "priority": "high"},
            headers=account.headers,
        )
    page = await (await browser.new_context(color_scheme=color_scheme)).new_page()
    await page.goto(live_server + "/")
    await page.evaluate("token => localStorage.setItem('todochat.token', token)", account.token)
    await page.reload()
    await page.locator("#task-list .task").first.wait_for()
    return page


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
async def test_the_sign_in_page_has_no_serious_violations(
    browser: Any, live_server: str, axe: Path, color_scheme: str
) -> None:
    page = await (await browser.new_context(color_scheme=color_scheme)).new_page()
    await page.goto(live_server + "/")
    await page.locator("#auth:not([hidden])").wait_for()

    assert await serious_violations(page, axe) == []


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
async def test_the_chat_and_task_panel_have_no_serious_violations(
    browser: Any, live_server: str, axe: Path, color_scheme: str
) -> None:
    page = await signed_in(browser, live_server, color_scheme)

    assert await serious_violations(page, axe) == []


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
async def test_the_account_dialog_has_no_serious_violations(
    browser: Any, live_server: str, axe: Path, color_scheme: str
) -> None:
    page = await signed_in(browser, live_server, color_scheme)
    await page.click("#open-settings")

    assert await serious_violations(page, axe, "#settings") == []


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
async def test_the_task_editor_notices_and_data_section_have_no_serious_violations(
    browser: Any, live_server: str, axe: Path, color_scheme: str
) -> None:
    page = await signed_in(browser, live_server, color_scheme)
    await page.click("#task-views button[data-view=overdue]")
    await page.click("#task-views button[data-view=open]")
    await page.click("button[aria-label^='Edit task 2']")
    await page.click("#your-data summary")
    await page.wait_for_selector("#feed-state:not(:empty)")
    await page.click("button[aria-label='Delete task 1']")
    await page.locator(".toast").wait_for()

    assert await serious_violations(page, axe) == []
