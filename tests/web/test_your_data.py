"""Export, import and the calendar feed from the page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.support import Account, register, unique_email

pytestmark = pytest.mark.usefixtures("chromium_path")

TODOIST = (
    "TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE\n"
    "task,Buy stamps,,1,1,,,,en,\n"
    "task,,,1,1,,,,en,\n"
    "task,Call the bank,,4,1,,,,en,\n"
)


async def account_with_a_task(live_server: str) -> Account:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        account = await register(http, unique_email("dee"), name="Dee")
        made = await http.post("/api/me/tasks", json={"title": "Buy milk"}, headers=account.headers)
        assert made.status_code == 201
    return account


async def section(browser: Any, live_server: str, account: Account) -> Any:
    context = await browser.new_context(
        viewport={"width": 1280, "height": 1000}, accept_downloads=True
    )
    page = await context.new_page()
    await page.goto(live_server + "/")
    await page.evaluate("token => localStorage.setItem('todochat.token', token)", account.token)
    await page.reload()
    await page.locator(".task[data-task-id='1']").wait_for()
    await page.click("#your-data summary")
    await page.wait_for_selector("#feed-state:not(:empty)")
    return page


async def test_an_export_is_downloaded_with_every_task(
    browser: Any, live_server: str, tmp_path: Path
) -> None:
    account = await account_with_a_task(live_server)
    page = await section(browser, live_server, account)

    async with page.expect_download() as downloading:
        await page.click("#export-json")
    download = await downloading.value
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)

    assert download.suggested_filename.endswith(".json")
    assert [t["title"] for t in json.loads(saved.read_text())["tasks"]] == ["Buy milk"]


async def test_an_imported_file_is_reported_and_its_tasks_shown(
    browser: Any, live_server: str, tmp_path: Path
) -> None:
    account = await account_with_a_task(live_server)
    page = await section(browser, live_server, account)
    file = tmp_path / "todoist.csv"
    file.write_text(TODOIST, encoding="utf-8")

    await page.set_input_files("#import-file", str(file))

    report = page.locator("#import-report")
    await report.locator("p", has_text="2 added").wait_for()
    assert "Row 3: title must not be empty" in await report.inner_text()
    await page.locator(".task[data-task-id='3']", has_text="Call the bank").wait_for()


async def test_a_calendar_address_is_made_shown_once_and_stopped(
    browser: Any, live_server: str
) -> None:
    account = await account_with_a_task(live_server)
    page = await section(browser, live_server, account)
    assert await page.inner_text("#feed-state") == "No calendar address yet."

    await page.click("#make-feed")
    await page.locator("#feed").wait_for()
    url = await page.input_value("#feed-url")
    async with httpx.AsyncClient(timeout=30) as http:
        before = await http.get(url)
        page.once("dialog", lambda dialog: dialog.accept())
        await page.click("#revoke-feed")
        await page.locator("#feed-state", has_text="No calendar address yet.").wait_for()
        after = await http.get(url)

    assert before.status_code == 200
    assert before.text.startswith("BEGIN:VCALENDAR")
    assert after.status_code == 404
    assert await page.locator("#feed").is_hidden()
