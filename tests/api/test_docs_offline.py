"""/docs and /redoc work with no internet: every script, style and icon they load is
served by the app itself."""

from __future__ import annotations

import re

import httpx
import pytest

_ASSET = re.compile(r"""(?:src|href)=["']([^"']+)["']|url:\s*['"]([^'"]+)['"]""")


def referenced(page: str) -> list[str]:
    """Every URL a docs page loads (scripts, styles, icons, the OpenAPI document)."""
    return [first or second for first, second in _ASSET.findall(page)]


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
async def test_a_docs_page_loads_nothing_from_another_origin(
    client: httpx.AsyncClient, path: str
) -> None:
    page = await client.get(path)

    assert page.status_code == 200
    urls = referenced(page.text)
    assert urls, "the page loads its assets"
    assert [url for url in urls if not url.startswith("/")] == []


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
async def test_every_asset_a_docs_page_loads_is_served(
    client: httpx.AsyncClient, path: str
) -> None:
    page = await client.get(path)

    for url in referenced(page.text):
        response = await client.get(url)
        assert response.status_code == 200, url
        assert len(response.content) > 1000, url


async def test_swagger_ui_comes_with_its_script_and_stylesheet(client: httpx.AsyncClient) -> None:
    urls = referenced((await client.get("/docs")).text)

    assert any(url.endswith("swagger-ui-bundle.js") for url in urls)
    assert any(url.endswith("swagger-ui.css") for url in urls)
