"""The task panel: adding, editing every field inline, views with counts, sorting,
deleting with Undo. The account lives in Tokyo and the browser in New York: every
date the panel shows or saves is the account's."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from tests.support import Account, register, unique_email

pytestmark = pytest.mark.usefixtures("chromium_path")

TOKYO = ZoneInfo("Asia/Tokyo")


async def expect_count(locator: Any, count: int) -> None:
    from playwright.async_api import expect

    await expect(locator).to_have_count(count)


async def account_with_tasks(live_server: str, *tasks: dict[str, Any]) -> Account:
    """A new Tokyo account holding `tasks` (REST bodies), numbered 1, 2, 3 … in order."""
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        account = await register(http, unique_email("kei"), name="Kei", timezone="Asia/Tokyo")
        for body in tasks:
            made = await http.post("/api/me/tasks", json=body, headers=account.headers)
            assert made.status_code == 201, made.text
    return account


async def stored_task(live_server: str, account: Account, number: int) -> httpx.Response:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        return await http.get(f"/api/me/tasks/{number}", headers=account.headers)


async def eventually_status(
    live_server: str, account: Account, number: int, wanted: int, tries: int = 50
) -> int:
    """The task's status code once it is `wanted` (a request sent as a page closes
    arrives a moment later), or the last one seen."""
    for _ in range(tries):
        status = (await stored_task(live_server, account, number)).status_code
        if status == wanted:
            break
        await asyncio.sleep(0.2)
    return status


async def panel_for(browser: Any, live_server: str, account: Account) -> Any:
    """The page signed in as `account`, in a browser whose zone is not the account's."""
    context = await browser.new_context(
        viewport={"width": 1280, "height": 900}, timezone_id="America/New_York"
    )
    page = await context.new_page()
    await page.goto(live_server + "/")
    await page.evaluate("token => localStorage.setItem('todochat.token', token)", account.token)
    await page.reload()
    await page.wait_for_selector("#task-views button .count:not(:empty)")
    return page


def tokyo_day(days_from_today: int) -> str:
    return (datetime.now(TOKYO) + timedelta(days=days_from_today)).date().isoformat()


async def shown_numbers(page: Any) -> list[int]:
    ids = await page.locator("#task-list .task").evaluate_all(
        "rows => rows.map(row => Number(row.dataset.taskId))"
    )
    return list(ids)


async def test_a_task_added_in_the_panel_is_saved(browser: Any, live_server: str) -> None:
    account = await account_with_tasks(live_server)
    page = await panel_for(browser, live_server, account)

    await page.fill("#new-task-title", "Water the plants")
    await page.press("#new-task-title", "Enter")

    await page.locator(".task[data-task-id='1'] .title", has_text="Water the plants").wait_for()
    stored = await stored_task(live_server, account, 1)
    assert stored.json()["title"] == "Water the plants"
    assert await page.input_value("#new-task-title") == ""


async def test_a_task_added_in_the_today_view_is_due_today(browser: Any, live_server: str) -> None:
    account = await account_with_tasks(live_server)
    page = await panel_for(browser, live_server, account)

    await page.click("#task-views button[data-view=today]")
    await page.fill("#new-task-title", "Pay the rent")
    await page.press("#new-task-title", "Enter")

    await page.locator(".task[data-task-id='1'] .due", has_text="today").wait_for()
    due = (await stored_task(live_server, account, 1)).json()["due_at"]
    assert datetime.fromisoformat(due).astimezone(TOKYO).date().isoformat() == tokyo_day(0)


async def test_every_field_is_edited_inline(browser: Any, live_server: str) -> None:
    account = await account_with_tasks(live_server, {"title": "Buy milk"})
    page = await panel_for(browser, live_server, account)

    await page.click("button[aria-label='Edit task 1: Buy milk']")
    editor = page.locator("form.task-editor")
    await editor.locator("input[name=title]").fill("Buy oat milk")
    await editor.locator("textarea[name=description]").fill("The barista kind")
    await editor.locator("input[name=due]").fill(f"{tokyo_day(2)}T17:30")
    await editor.locator("select[name=priority]").select_option("high")
    await editor.locator("select[name=status]").select_option("in_progress")
    await editor.locator("button[type=submit]").click()

    row = page.locator(".task[data-task-id='1']")
    await row.locator(".title", has_text="Buy oat milk").wait_for()
    assert await row.locator(".notes").inner_text() == "The barista kind"
    assert await row.locator(".badge.high").inner_text() == "high"
    assert await row.locator(".status").inner_text() == "in progress"
    stored = (await stored_task(live_server, account, 1)).json()
    assert stored["title"] == "Buy oat milk"
    assert stored["description"] == "The barista kind"
    assert stored["priority"] == "high"
    assert stored["status"] == "in_progress"
    # 17:30 in the account's zone, whatever the browser's.
    due = datetime.fromisoformat(stored["due_at"]).astimezone(TOKYO)
    assert (due.date().isoformat(), due.strftime("%H:%M")) == (tokyo_day(2), "17:30")


async def test_the_editor_shows_the_due_time_in_the_accounts_zone(
    browser: Any, live_server: str
) -> None:
    account = await account_with_tasks(
        live_server, {"title": "Dentist", "due_at": f"{tokyo_day(1)}T09:15"}
    )
    page = await panel_for(browser, live_server, account)

    await page.click("button[aria-label^='Edit task 1']")

    due = await page.input_value("form.task-editor input[name=due]")
    assert due == f"{tokyo_day(1)}T09:15"


async def test_a_due_date_is_cleared_in_the_editor(browser: Any, live_server: str) -> None:
    account = await account_with_tasks(live_server, {"title": "Dentist", "due_at": tokyo_day(1)})
    page = await panel_for(browser, live_server, account)

    await page.click("button[aria-label^='Edit task 1']")
    await page.click("form.task-editor button:text('No due date')")
    await page.click("form.task-editor button[type=submit]")

    await expect_count(page.locator(".task[data-task-id='1'] .due"), 0)
    assert (await stored_task(live_server, account, 1)).json()["due_at"] is None


async def test_escape_closes_the_editor_and_saves_nothing(browser: Any, live_server: str) -> None:
    account = await account_with_tasks(live_server, {"title": "Buy milk"})
    page = await panel_for(browser, live_server, account)

    await page.click("button[aria-label^='Edit task 1']")
    await page.fill("form.task-editor input[name=title]", "Something else")
    await page.press("form.task-editor input[name=title]", "Escape")

    await expect_count(page.locator("form.task-editor"), 0)
    assert await page.locator(".task[data-task-id='1'] .title").inner_text() == "Buy milk"
    assert (await stored_task(live_server, account, 1)).json()["title"] == "Buy milk"
    focused = await page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "Edit task 1: Buy milk"


async def test_an_empty_title_is_refused_in_the_editor(browser: Any, live_server: str) -> None:
    account = await account_with_tasks(live_server, {"title": "Buy milk"})
    page = await panel_for(browser, live_server, account)

    await page.click("button[aria-label^='Edit task 1']")
    await page.fill("form.task-editor input[name=title]", "   ")
    await page.click("form.task-editor button[type=submit]")

    assert await page.inner_text("form.task-editor .editor-error") == "A task needs a title."
    assert (await stored_task(live_server, account, 1)).json()["title"] == "Buy milk"


async def test_each_view_shows_its_tasks_with_its_count(browser: Any, live_server: str) -> None:
    account = await account_with_tasks(
        live_server,
        {"title": "Overdue", "due_at": tokyo_day(-2)},
        {"title": "Due today", "due_at": tokyo_day(0)},
        {"title": "Due tomorrow", "due_at": tokyo_day(1)},
        {"title": "Next week", "due_at": tokyo_day(7)},
        {"title": "Some day"},
        {"title": "Done already"},
    )
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        done = await http.patch(
            "/api/me/tasks/6/complete", json={"completed": True}, headers=account.headers
        )
        assert done.status_code == 200
    page = await panel_for(browser, live_server, account)

    counts = {}
    shown = {}
    for view in ("open", "today", "overdue", "upcoming", "completed"):
        button = page.locator(f"#task-views button[data-view={view}]")
        await button.click()
        counts[view] = await button.locator(".count").inner_text()
        shown[view] = sorted(await shown_numbers(page))

    assert counts == {"open": "5", "today": "1", "overdue": "1", "upcoming": "2", "completed": "1"}
    assert shown == {
        "open": [1, 2, 3, 4, 5],
        "today": [2],
        "overdue": [1],
        "upcoming": [3, 4],
        "completed": [6],
    }


async def test_the_chosen_view_is_pressed(browser: Any, live_server: str) -> None:
    account = await account_with_tasks(live_server)
    page = await panel_for(browser, live_server, account)

    await page.click("#task-views button[data-view=upcoming]")

    pressed = await page.locator("#task-views button[aria-pressed=true]").all_inner_texts()
    assert [text.split()[0] for text in pressed] == ["Upcoming"]


async def test_tasks_sort_by_due_date_or_priority(browser: Any, live_server: str) -> None:
    account = await account_with_tasks(
        live_server,
        {"title": "Later", "due_at": tokyo_day(5), "priority": "urgent"},
        {"title": "No date", "priority": "high"},
        {"title": "Soon", "due_at": tokyo_day(1), "priority": "low"},
    )
    page = await panel_for(browser, live_server, account)

    await page.select_option("#task-sort", "due")
    by_due = await shown_numbers(page)
    await page.select_option("#task-sort", "priority")
    by_priority = await shown_numbers(page)
    await page.select_option("#task-sort", "newest")
    newest_first = await shown_numbers(page)

    assert by_due == [3, 1, 2]
    assert by_priority == [1, 2, 3]
    assert newest_first == [3, 2, 1]


async def test_a_ticked_task_stays_in_view_until_the_list_reloads(
    browser: Any, live_server: str
) -> None:
    account = await account_with_tasks(live_server, {"title": "Buy milk"})
    page = await panel_for(browser, live_server, account)

    await page.check(".task[data-task-id='1'] input[type=checkbox]")

    await page.locator(".task.done[data-task-id='1']").wait_for()
    pending = page.locator("#task-views button[data-view=open] .count")
    from playwright.async_api import expect

    await expect(pending).to_have_text("0")
    assert (await stored_task(live_server, account, 1)).json()["completed"] is True


async def test_a_deleted_task_comes_back_with_undo(browser: Any, live_server: str) -> None:
    account = await account_with_tasks(live_server, {"title": "Buy milk"})
    page = await panel_for(browser, live_server, account)

    await page.click("button[aria-label='Delete task 1']")
    await page.locator(".task[data-task-id='1']").wait_for(state="detached")
    await page.click(".toast button:text('Undo')")

    await page.locator(".task[data-task-id='1']").wait_for()
    assert (await stored_task(live_server, account, 1)).status_code == 200


async def test_a_deletion_is_sent_when_the_page_is_left_before_the_undo_time(
    browser: Any, live_server: str
) -> None:
    account = await account_with_tasks(live_server, {"title": "Buy milk"}, {"title": "Call mom"})
    page = await panel_for(browser, live_server, account)

    await page.click("button[aria-label='Delete task 1']")
    await page.locator(".toast", has_text="deleted").wait_for()
    await page.reload()

    assert await eventually_status(live_server, account, 1, 404) == 404
    await page.reload()
    await page.locator(".task[data-task-id='2']").wait_for()
    await expect_count(page.locator(".task[data-task-id='1']"), 0)


async def test_a_task_made_to_repeat_in_the_editor_says_how_it_repeats(
    browser: Any, live_server: str
) -> None:
    account = await account_with_tasks(live_server, {"title": "Water plants"})
    page = await panel_for(browser, live_server, account)

    await page.click("button[aria-label^='Edit task 1']")
    await page.fill("form.task-editor input[name=repeat]", "every monday")
    await page.click("form.task-editor button[type=submit]")

    await page.locator(".task[data-task-id='1'] .repeats", has_text="every Monday").wait_for()
    stored = (await stored_task(live_server, account, 1)).json()
    assert stored["recurrence"] == "FREQ=WEEKLY;BYDAY=MO"


async def test_ticking_a_repeating_task_moves_it_to_its_next_date(
    browser: Any, live_server: str
) -> None:
    account = await account_with_tasks(
        live_server, {"title": "Water plants", "repeat": "every day", "due_at": tokyo_day(0)}
    )
    page = await panel_for(browser, live_server, account)

    await page.click(".task[data-task-id='1'] input[type=checkbox]")

    await page.locator(".toast", has_text="repeats every day").wait_for()
    row = page.locator(".task[data-task-id='1']")
    await row.locator(".due", has_text="tomorrow").wait_for()
    assert not await row.locator("input[type=checkbox]").is_checked()


async def test_a_hashtag_typed_in_the_panel_is_a_label_and_labels_filter_the_list(
    browser: Any, live_server: str
) -> None:
    account = await account_with_tasks(live_server, {"title": "Report", "labels": ["work"]})
    page = await panel_for(browser, live_server, account)

    await page.fill("#new-task-title", "Buy milk #errands")
    await page.press("#new-task-title", "Enter")
    await page.locator(".task[data-task-id='2'] .label", has_text="#errands").wait_for()
    await page.select_option("#task-label", "work")

    assert await shown_numbers(page) == [1]
    stored = (await stored_task(live_server, account, 2)).json()
    assert (stored["title"], stored["labels"]) == ("Buy milk", ["errands"])


async def test_labels_are_edited_in_the_editor(browser: Any, live_server: str) -> None:
    account = await account_with_tasks(live_server, {"title": "Report", "labels": ["work"]})
    page = await panel_for(browser, live_server, account)

    await page.click("button[aria-label^='Edit task 1']")
    await page.fill("form.task-editor input[name=labels]", "work, #q4")
    await page.click("form.task-editor button[type=submit]")

    await page.locator(".task[data-task-id='1'] .label", has_text="#q4").wait_for()
    assert (await stored_task(live_server, account, 1)).json()["labels"] == ["q4", "work"]
