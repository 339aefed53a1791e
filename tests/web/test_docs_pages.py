"""The API documentation in a real browser cut off from the internet: Swagger UI and
ReDoc render the API from what the app serves."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit


async def offline_page(browser: Any, base_url: str) -> tuple[Any, list[str]]:
    """A page that may reach the app only; what it tried to load elsewhere, as
    `resource type: URL`."""
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    own = urlsplit(base_url).netloc
    elsewhere: list[str] = []

    async def only_the_app(route: Any) -> None:
        if urlsplit(route.request.url).netloc == own:
            await route.continue_()
        else:
            elsewhere.append(f"{route.request.resource_type}: {route.request.url}")
            await route.abort()

    await page.route("**/*", only_the_app)
    return page, elsewhere


async def test_swagger_ui_lists_the_api_with_no_internet(browser: Any, live_server: str) -> None:
    page, elsewhere = await offline_page(browser, live_server)

    await page.goto(f"{live_server}/docs")
    await page.locator(".opblock-summary-path", has_text="/api/{user_id}/tasks").first.wait_for()

    assert elsewhere == []


async def test_redoc_shows_the_api_with_no_internet(browser: Any, live_server: str) -> None:
    page, elsewhere = await offline_page(browser, live_server)

    await page.goto(f"{live_server}/redoc")
    await page.locator("h2", has_text="Create Task").first.wait_for()

    # ReDoc's "powered by" badge is an image on its maker's site: missing it costs
    # nothing. Scripts, styles, fonts and data all come from the app.
    assert [item for item in elsewhere if not item.startswith("image: ")] == []
