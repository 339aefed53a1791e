"""The interactive API documentation at `/docs` (Swagger UI) and `/redoc`, with their
scripts and styles served by the app itself: they work with no internet.

The assets come from the `fastapi-offline` package, which ships Swagger UI's and
ReDoc's distribution files; FastAPI's own pages would load them from a CDN."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_PATH = "/docs-assets"
_ASSETS_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"
_OAUTH2_REDIRECT = "/docs/oauth2-redirect"

router = APIRouter(include_in_schema=False)


def docs_assets() -> StaticFiles:
    """Swagger UI's and ReDoc's files, served from the installed package."""
    return StaticFiles(directory=_ASSETS_DIR)


@router.get("/docs")
async def swagger_ui() -> HTMLResponse:
    """Swagger UI over this app's OpenAPI document."""
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="todochat API",
        swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_PATH}/favicon.png",
        oauth2_redirect_url=_OAUTH2_REDIRECT,
    )


@router.get(_OAUTH2_REDIRECT)
async def swagger_ui_redirect() -> HTMLResponse:
    """Where Swagger UI's "Authorize" (the password form) comes back to."""
    return get_swagger_ui_oauth2_redirect_html()


@router.get("/redoc")
async def redoc() -> HTMLResponse:
    """ReDoc over this app's OpenAPI document."""
    return get_redoc_html(
        openapi_url="/openapi.json",
        title="todochat API",
        redoc_js_url=f"{ASSETS_PATH}/redoc.standalone.js",
        redoc_favicon_url=f"{ASSETS_PATH}/favicon.png",
        with_google_fonts=False,
    )
