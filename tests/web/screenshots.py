"""Screenshots of the page in each state, light and dark, desktop and phone, written
to artifacts/screenshots/ so a reviewer can look without running anything:

    make screenshots        (python -m tests.web.screenshots [OUT_DIR])

It starts a real `todochat serve` on a fresh SQLite file, makes a demo account through
the REST and chat APIs, and drives Debian's Chromium with Playwright. A state is one
line of STATES: a name and what brings a signed-in page there.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from tests.support import PASSWORD, ServerProcess, sqlite_url

CHROMIUM = "/usr/bin/chromium"
OUT_DIR = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
ZONE = "Europe/Paris"
EMAIL = "kei@example.com"
DEVICES = {
    "desktop": {"viewport": {"width": 1440, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
SCHEMES = ("light", "dark")
CHAT = (
    "add milk, eggs and bread",
    "remind me to call the dentist tomorrow at 10am, it's urgent",
    "water the plants every monday",
    "what's pending?",
)

Step = Callable[[Any, str], Awaitable[None]]


@dataclass(frozen=True)
class State:
    name: str
    bring: Step  # (page, device) → the page in this state
    devices: tuple[str, ...] = ("desktop", "phone")


async def _open_tasks(page: Any, device: str) -> None:
    if device == "phone":
        await page.click("#toggle-tasks")
    await page.locator("#task-list .task").first.wait_for()


async def sign_in_page(page: Any, device: str) -> None:
    await page.evaluate("localStorage.clear()")
    await page.reload()
    await page.locator("#auth:not([hidden])").wait_for()


async def chat(page: Any, device: str) -> None:
    await page.locator(".message.assistant .chips").first.wait_for()


async def chip_opened(page: Any, device: str) -> None:
    await page.locator(".message.assistant .chip summary").first.click()


async def task_panel(page: Any, device: str) -> None:
    await _open_tasks(page, device)


async def today_view(page: Any, device: str) -> None:
    await _open_tasks(page, device)
    await page.click("#task-views button[data-view=today]")


async def task_editor(page: Any, device: str) -> None:
    await _open_tasks(page, device)
    await page.click("#task-list .task button.title >> nth=1")
    await page.locator("form.task-editor").wait_for()


async def undo_notice(page: Any, device: str) -> None:
    await _open_tasks(page, device)
    await page.click("#task-list .task button.danger >> nth=0")
    await page.locator(".toast").wait_for()


async def conversations_drawer(page: Any, device: str) -> None:
    await page.click("#toggle-conversations")
    await page.locator("#conversation-list .conversation-title").first.wait_for()


async def account_settings(page: Any, device: str) -> None:
    await page.click("#open-settings")
    await page.locator("#settings[open]").wait_for()


async def data_section(page: Any, device: str) -> None:
    await _open_tasks(page, device)
    await page.click("#your-data summary")
    await page.wait_for_selector("#feed-state:not(:empty)")
    await page.locator("#your-data").scroll_into_view_if_needed()


async def failed_turn(page: Any, device: str) -> None:
    await page.route("**/api/me/chat/stream", lambda route: route.abort())
    await page.fill("#message-input", "what's due tomorrow?")
    await page.press("#message-input", "Enter")
    await page.locator(".message.error button.retry").wait_for()


STATES = (
    State("01-sign-in", sign_in_page),
    State("02-chat", chat),
    State("03-tool-chip-opened", chip_opened),
    State("04-task-panel", task_panel),
    State("05-today-view", today_view),
    State("06-task-editor", task_editor),
    State("07-undo-notice", undo_notice),
    State("08-account-settings", account_settings),
    State("09-export-import-calendar", data_section),
    State("10-failed-turn-with-retry", failed_turn),
    State("11-conversations-drawer", conversations_drawer, devices=("phone",)),
)


async def make_demo_account(base_url: str, email: str = EMAIL) -> str:
    """A demo account with tasks and a conversation; its token."""
    day = lambda n: (datetime.now(ZoneInfo(ZONE)) + timedelta(days=n)).date().isoformat()  # noqa: E731
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        made = await http.post(
            "/api/auth/register",
            json={"email": email, "password": PASSWORD, "name": "Kei", "timezone": ZONE},
        )
        made.raise_for_status()
        headers = {"Authorization": f"Bearer {made.json()['access_token']}"}
        for body in (
            {"title": "Renew passport", "due_at": day(-2), "priority": "high"},
            {"title": "Pay the rent", "due_at": day(0), "repeat": "on the 1st of each month"},
            {
                "title": "Plan the trip to Lisbon",
                "due_at": day(6),
                "description": "Flights, then the hotel near Alfama",
            },
        ):
            (await http.post("/api/me/tasks", json=body, headers=headers)).raise_for_status()
        conversation = None
        for message in CHAT:
            said = await http.post(
                "/api/me/chat",
                json={"message": message, "conversation_id": conversation},
                headers=headers,
            )
            said.raise_for_status()
            conversation = said.json()["conversation_id"]
        return str(made.json()["access_token"])


async def capture(
    base_url: str,
    token: str,
    out_dir: Path,
    states: tuple[State, ...] = STATES,
    schemes: tuple[str, ...] = SCHEMES,
    devices: tuple[str, ...] = tuple(DEVICES),
    chromium: str = CHROMIUM,
) -> list[Path]:
    """Screenshot each state in each scheme and device into `out_dir`; the files."""
    from playwright.async_api import async_playwright

    await asyncio.to_thread(out_dir.mkdir, parents=True, exist_ok=True)
    written = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            for state in states:
                for device in (d for d in devices if d in state.devices):
                    for scheme in schemes:
                        context = await browser.new_context(
                            **DEVICES[device],
                            color_scheme=scheme,
                            reduced_motion="reduce",
                            timezone_id=ZONE,
                            locale="en-GB",
                        )
                        page = await context.new_page()
                        await page.goto(base_url + "/")
                        await page.evaluate(
                            "token => localStorage.setItem('todochat.token', token)", token
                        )
                        await page.reload()
                        await page.locator(".message.assistant .bubble").first.wait_for()
                        await state.bring(page, device)
                        path = out_dir / f"{state.name}-{scheme}-{device}.png"
                        await page.screenshot(path=path)
                        written.append(path)
                        await context.close()
        finally:
            await browser.close()
    return written


def write_index(out_dir: Path, files: list[Path]) -> None:
    """artifacts/screenshots/README.md: what each file shows."""
    lines = [
        "# Screenshots",
        "",
        "Made by `make screenshots` (tests/web/screenshots.py): a demo account on a real",
        "server, Debian's Chromium, each state in light and dark, desktop (1440 x 900) and",
        "phone (390 x 844).",
        "",
        *(f"- [{path.name}]({path.name})" for path in sorted(files)),
        "",
    ]
    (out_dir / "README.md").write_text("\n".join(lines), encoding="utf-8")


def finish(out_dir: Path, files: list[Path]) -> None:
    """Remove screenshots of states that no longer exist; write the index."""
    for old in out_dir.glob("*.png"):
        if old not in files:
            old.unlink()
    write_index(out_dir, files)


async def main(out_dir: Path) -> None:
    with tempfile.TemporaryDirectory() as work:
        server = ServerProcess(Path(work), sqlite_url(Path(work) / "demo.db"))
        await asyncio.to_thread(server.start)
        try:
            token = await make_demo_account(server.base_url)
            files = await capture(server.base_url, token, out_dir)
        finally:
            await asyncio.to_thread(server.stop)
    finish(out_dir, files)
    size = sum(path.stat().st_size for path in files)
    print(f"{len(files)} screenshots in {out_dir} ({size / 1_000_000:.1f} MB)")


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT_DIR))
