"""Browser tests: Debian's Chromium driven by Playwright against a real server."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("TODOCHAT_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
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


@pytest.fixture(scope="session")
def chromium_path() -> str:
    problem = _browser_available()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {problem}")
        pytest.skip(f"browser tests skipped: {problem}")
    return CHROMIUM


@pytest.fixture
async def browser(chromium_path: str) -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS
        )
        yield browser
        await browser.close()


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
