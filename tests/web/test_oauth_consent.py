"""The OAuth consent page in a real browser: signing in there, or with the chat page's
session, sends the browser back to the client with a code the client can exchange."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import httpx
from tests.oauth.support import REDIRECT_URI, OAuthClient, pkce_pair, query_of
from tests.support import PASSWORD, register, unique_email


async def open_page(browser: Any, base_url: str) -> Any:
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await page.goto(base_url + "/")
    return page


async def authorization_url(client: OAuthClient, challenge: str) -> str:
    params = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": REDIRECT_URI,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": "from-the-browser",
        "resource": client.resource,
    }
    return str(client.http.base_url).rstrip("/") + f"/authorize?{urlencode(params)}"


async def come_back_to_the_client(page: Any) -> dict[str, str]:
    """Catch the browser's return to the client's redirect URI (nothing listens there)
    and read its query."""
    async with page.expect_request(lambda request: request.url.startswith(REDIRECT_URI)) as caught:
        await page.click("button[value=allow]")
    return query_of((await caught.value).url)


async def test_signing_in_on_the_consent_page_returns_a_code_to_the_client(
    browser: Any, live_server: str
) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        account = await register(http, unique_email("consent"))
        client = await OAuthClient.register(http)
        verifier, challenge = pkce_pair()
        page = await open_page(browser, live_server)
        await page.route(f"{REDIRECT_URI}*", lambda route: route.fulfill(body="back"))

        await page.goto(await authorization_url(client, challenge))
        await page.fill("input[name=email]", account.email)
        await page.fill("input[name=password]", PASSWORD)
        answer = await come_back_to_the_client(page)
        exchanged = await client.exchange(answer["code"], verifier)

    assert answer["state"] == "from-the-browser"
    assert exchanged.status_code == 200
    assert exchanged.json()["scope"] == "tasks:read tasks:write"


async def test_someone_signed_in_to_the_chat_page_allows_without_typing_a_password(
    browser: Any, live_server: str
) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        client = await OAuthClient.register(http)
        verifier, challenge = pkce_pair()
        email = unique_email("session")
        account = await register(http, email)
        page = await open_page(browser, live_server)
        # Signed in to the chat page: its session is the token in localStorage.
        await page.evaluate("token => localStorage.setItem('todochat.token', token)", account.token)
        await page.route(f"{REDIRECT_URI}*", lambda route: route.fulfill(body="back"))

        await page.goto(await authorization_url(client, challenge))
        await page.wait_for_selector("#consent-session:not([hidden])")
        shown = await page.inner_text("#consent-session")
        answer = await come_back_to_the_client(page)
        exchanged = await client.exchange(answer["code"], verifier)

    assert email in shown
    assert exchanged.status_code == 200


async def test_a_connected_app_is_listed_in_the_page_and_disconnected_from_there(
    browser: Any, live_server: str
) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        account = await register(http, unique_email("apps"))
        assistant = await OAuthClient.register(http, client_name="Claude (test)")
        tokens = await assistant.tokens_for(account.email)
        page = await open_page(browser, live_server)
        await page.evaluate("token => localStorage.setItem('todochat.token', token)", account.token)
        await page.reload()
        page.on("dialog", lambda dialog: dialog.accept())

        await page.click("#connections summary")
        row = page.locator("#connection-list li", has_text="Claude (test)")
        await row.wait_for()
        shown = await row.inner_text()
        await page.click("button[aria-label='Disconnect Claude (test)']")
        await page.locator("#connection-list li.empty").wait_for()
        refreshed = await assistant.refresh(tokens["refresh_token"])

    assert "read and write" in shown
    assert refreshed.status_code == 400
