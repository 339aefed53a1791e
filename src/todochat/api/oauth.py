"""The OAuth consent page: where a remote MCP client's user signs in and says yes or no.

`/authorize` (the SDK's handler) sends the browser here with the client's request
sealed in the URL. The user signs in as the app does — email and password, or the
session the chat page already holds in this browser (which also covers an external
identity provider) — picks what the client may do, and is sent back to the client
with a code, or with `access_denied`.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from string import Template
from typing import Annotated
from urllib.parse import SplitResult, urlsplit

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

import todochat.web
from todochat.api.auth import sign_in
from todochat.api.deps import SessionDep, runtime_of
from todochat.api.middleware import CONTENT_SECURITY_POLICY
from todochat.errors import AuthenticationError, RateLimitedError, TodochatError
from todochat.mcp.oauth import CONSENT_PATH, ConsentRequest
from todochat.models import User
from todochat.security.scopes import SCOPE_DESCRIPTIONS
from todochat.security.tokens import InvalidTokenError
from todochat.services import auth

router = APIRouter(include_in_schema=False)
_TEMPLATE = Template(
    (Path(todochat.web.__file__).resolve().parent / "templates" / "consent.html").read_text()
)
# The page is never cached: it carries a one-time request and, after a post, a code.
_NO_STORE = {"Cache-Control": "no-store"}
# What may go into the policy from a redirect URI (it was validated as a URI already;
# this keeps anything that could end a CSP directive out).
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*")
_HOST = re.compile(r"[A-Za-z0-9.\-\[\]:]+")


@router.get(CONSENT_PATH)
async def consent_page(
    request: Request, sealed: Annotated[str, Query(alias="request", max_length=8192)]
) -> Response:
    """The consent page for one authorization request."""
    try:
        consent = runtime_of(request).oauth_provider.read_consent_request(sealed)
    except InvalidTokenError as exc:
        return _problem(str(exc))
    return _page(consent, sealed)


@router.post(CONSENT_PATH)
async def consent_decision(
    request: Request,
    session: SessionDep,
    sealed: Annotated[str, Form(alias="request", max_length=8192)],
    decision: Annotated[str, Form(max_length=10)] = "deny",
    scope: Annotated[list[str] | None, Form()] = None,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    access_token: Annotated[str, Form(max_length=8192)] = "",
) -> Response:
    """Allow (after signing in) or deny; either way the browser goes back to the client."""
    provider = runtime_of(request).oauth_provider
    try:
        consent = provider.read_consent_request(sealed)
    except InvalidTokenError as exc:
        return _problem(str(exc))
    if decision != "allow":
        return RedirectResponse(provider.deny(consent), status_code=303, headers=_NO_STORE)
    granted = tuple(name for name in consent.scopes if name in (scope or []))
    if not granted:
        return _page(consent, sealed, email, "Choose at least one thing it may do.", 400)
    try:
        user = await _signed_in_user(request, session, email, password, access_token)
    except RateLimitedError as exc:
        return _page(consent, sealed, email, exc.message, 429)
    except TodochatError as exc:
        return _page(consent, sealed, email, exc.message, 401)
    target = await provider.approve(session, consent, user, granted)
    return RedirectResponse(target, status_code=303, headers=_NO_STORE)


async def _signed_in_user(
    request: Request, session: SessionDep, email: str, password: str, access_token: str
) -> User:
    if access_token:
        try:
            identity = await runtime_of(request).tokens.verify(access_token)
        except InvalidTokenError as exc:
            raise AuthenticationError("your session has ended: sign in again") from exc
        user = await auth.user_for_identity(session, identity)
        auth.check_token_version(user, identity.version)
        return user
    if not email or not password:
        raise AuthenticationError("enter your email and password")
    return await sign_in(request, session, email, password)


def _page(
    consent: ConsentRequest, sealed: str, email: str = "", error: str = "", status: int = 200
) -> HTMLResponse:
    scopes = "\n".join(
        f'<label><input type="checkbox" name="scope" value="{name}" checked> '
        f"{html.escape(SCOPE_DESCRIPTIONS[name])}</label>"
        for name in consent.scopes
    )
    redirect = urlsplit(consent.redirect_uri)
    body = _TEMPLATE.substitute(
        client=html.escape(consent.client_name or "An application"),
        request=html.escape(sealed),
        scopes=scopes,
        email=html.escape(email),
        error=html.escape(error),
        error_hidden="" if error else " hidden",
        redirect_host=html.escape(redirect.netloc or redirect.scheme),
    )
    return HTMLResponse(
        body, status_code=status, headers={**_NO_STORE, **_form_may_return_to(redirect)}
    )


def _form_may_return_to(redirect: SplitResult) -> dict[str, str]:
    """A Content-Security-Policy whose `form-action` also allows the client's redirect
    URI: browsers apply it to the redirect that follows the form's post."""
    scheme = redirect.scheme if _SCHEME.fullmatch(redirect.scheme) else ""
    host = redirect.netloc if _HOST.fullmatch(redirect.netloc) else ""
    target = f"{scheme}://{host}" if host else f"{scheme}:"
    policy = CONTENT_SECURITY_POLICY.replace("form-action 'self'", f"form-action 'self' {target}")
    return {"Content-Security-Policy": policy}


def _problem(message: str) -> HTMLResponse:
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>todochat</title>'
        '<link rel="stylesheet" href="/static/style.css"></head><body><main class="auth">'
        '<section class="auth-card"><h1>todochat</h1>'
        f'<p class="error" role="alert">{html.escape(message)}</p>'
        "<p>Go back to the application and connect again.</p></section></main></body></html>"
    )
    return HTMLResponse(body, status_code=400, headers=_NO_STORE)
