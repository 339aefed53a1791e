"""Browser tests: Debian's Chromium driven by Playwright against a real server.

Chromium is launched once per session (per xdist worker) and every test opens windows
(browser contexts) of its own, closed after it. The server is the session's shared
`todochat serve` (tests/conftest.py): each test signs up fresh accounts
(`unique_email`). Every test here runs in the session's event loop, where the browser
lives: this conftest marks each module `pytest.mark.asyncio(loop_scope="session")`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

if TYPE_CHECKING:
    from playwright.async_api import Browser

CHROMIUM = os.environ.get("TODOCHAT_CHROMIUM", "/usr/bin/chromium")
# Screenshots the tests take on the way (artifacts/screenshots/ holds the reviewed ones,
# made by `make screenshots`).
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "test-screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _browser_available() -> str | None:
    """Why browser tests cannot run here, or None if they can."""
    if not Path(CHROMIUM).exists() and shutil.which(CHROMIUM) is None:
        return f"Chromium not found at {CHROMIUM} (install Debian's `chromium` package)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the Python `playwright` package is not installed"
    return None


def pytest_collectstart(collector: pytest.Collector) -> None:
    """Run each test module of this folder in the session's event loop."""
    if isinstance(collector, pytest.Module):
        collector.add_marker(pytest.mark.asyncio(loop_scope="session"))


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Chromium's executable; without it the browser tests are skipped, or fail in CI."""
    problem = _browser_available()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {problem}")
        pytest.skip(f"browser tests skipped: {problem}")
    return CHROMIUM


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def chromium(chromium_path: str) -> AsyncIterator[Browser]:
    """Chromium, launched once for the session."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS
        )
        yield browser
        await browser.close()


@pytest_asyncio.fixture(loop_scope="session")
async def browser(chromium: Browser) -> AsyncIterator[Browser]:
    """The session's Chromium, for one test: the windows (contexts) it opens are closed
    after it, so tests share the browser process and nothing else."""
    already_open = set(chromium.contexts)
    yield chromium
    for context in chromium.contexts:
        if context not in already_open:
            await context.close()


@pytest.fixture
def live_server(shared_server: str) -> str:
    """A running server: in the browser tests, the session's shared one."""
    return shared_server


@pytest.fixture
def screenshot_dir() -> Path:
    """Where the tests leave screenshots (shared by the workers)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
