"""Client addresses behind a proxy: by default no proxy is trusted, so a rotating
`X-Forwarded-For` cannot escape the per-address login limit; with
TODOCHAT_FORWARDED_ALLOW_IPS naming the peer, the forwarded address counts."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.support import ServerProcess, sqlite_url

ATTEMPTS_PER_ADDRESS = 3


def wrong_logins_from_rotating_addresses(server: ServerProcess) -> list[int]:
    """Statuses of wrong-password logins, each for another account and claiming to come
    from another address."""
    statuses = []
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        for n in range(ATTEMPTS_PER_ADDRESS + 2):
            response = http.post(
                "/api/auth/login",
                json={"email": f"user{n}@example.com", "password": "wrong password"},
                headers={"X-Forwarded-For": f"203.0.113.{n + 1}"},
            )
            statuses.append(response.status_code)
    return statuses


def limited_server(workdir: Path, **env: str) -> ServerProcess:
    return ServerProcess(
        workdir,
        sqlite_url(workdir / "todochat.db"),
        TODOCHAT_LOGIN_ATTEMPTS_PER_ADDRESS=str(ATTEMPTS_PER_ADDRESS),
        **env,
    )


def test_forwarded_for_is_ignored_by_default(tmp_path: Path) -> None:
    with limited_server(tmp_path) as server:
        statuses = wrong_logins_from_rotating_addresses(server)

    assert statuses[:ATTEMPTS_PER_ADDRESS] == [401] * ATTEMPTS_PER_ADDRESS
    assert statuses[ATTEMPTS_PER_ADDRESS:] == [429, 429]


def test_forwarded_for_from_a_trusted_proxy_is_the_client_address(tmp_path: Path) -> None:
    with limited_server(tmp_path, TODOCHAT_FORWARDED_ALLOW_IPS="127.0.0.1") as server:
        statuses = wrong_logins_from_rotating_addresses(server)

    assert statuses == [401] * (ATTEMPTS_PER_ADDRESS + 2)
