"""`todochat serve` as a user runs it: a real process on a real port, stopped and
started again with nothing lost."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import (
    PASSWORD,
    ServerProcess,
    bearer,
    clean_environment,
    free_port,
    todochat_command,
)


def stopped_gracefully(returncode: int | None, output: str) -> bool:
    # uvicorn shuts down, then re-raises the signal it caught: -SIGTERM is normal.
    return returncode in (0, -signal.SIGTERM) and "Application shutdown complete" in output


@pytest.fixture
def configured_database(backend: str, request: pytest.FixtureRequest) -> str | None:
    """On SQLite no configuration at all (the default file in the working directory,
    a generated secret beside it); on PostgreSQL a fresh database (and a shared secret,
    which ServerProcess sets with it)."""
    if backend == "sqlite":
        return None
    return str(request.getfixturevalue("database_url"))


def everything(http: httpx.Client, headers: dict[str, str]) -> dict[str, Any]:
    """All of the user's data, read over HTTP."""
    conversations = http.get("/api/me/conversations", headers=headers).json()["items"]
    return {
        "me": http.get("/api/auth/me", headers=headers).json(),
        "tasks": http.get("/api/me/tasks", headers=headers).json()["items"],
        "conversations": conversations,
        "messages": [
            http.get(f"/api/me/conversations/{c['id']}/messages", headers=headers).json()
            for c in conversations
        ],
    }


@pytest.mark.both_databases
def test_data_and_tokens_survive_a_restart(
    tmp_path: Path, backend: str, configured_database: str | None
) -> None:
    server = ServerProcess(tmp_path, configured_database)
    with server, httpx.Client(base_url=server.base_url, timeout=10) as http:
        registered = http.post(
            "/api/auth/register",
            json={"email": "ada@example.com", "password": PASSWORD, "timezone": "Europe/Paris"},
        )
        assert registered.status_code == 201, registered.text
        headers = bearer(registered.json()["access_token"])
        for title in ("Buy groceries", "Call mom", "Water the plants"):
            assert http.post("/api/me/tasks", headers=headers, json={"title": title}).is_success
        assert http.patch("/api/me/tasks/2/complete", headers=headers).json()["completed"]
        assert http.delete("/api/me/tasks/3", headers=headers).status_code == 204
        conversation = http.post("/api/me/conversations", headers=headers).json()["id"]
        for role, content in (("user", "what's pending?"), ("assistant", "1. Buy groceries")):
            message = http.post(
                f"/api/me/conversations/{conversation}/messages",
                headers=headers,
                json={"role": role, "content": content},
            )
            assert message.status_code == 201, message.text
        before = everything(http, headers)
        returncode = server.stop()

    assert stopped_gracefully(returncode, server.output()), server.output()[-3000:]
    if backend == "sqlite":
        assert (tmp_path / "todochat.db").exists()

    with server, httpx.Client(base_url=server.base_url, timeout=10) as http:
        after = everything(http, headers)
        next_task = http.post("/api/me/tasks", headers=headers, json={"title": "After restart"})
        login = http.post(
            "/api/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
        )

    assert after == before
    assert [task["id"] for task in after["tasks"]] == [1, 2]
    assert after["conversations"][0]["title"] == "what's pending?"
    assert [m["seq"] for m in after["messages"][0]["items"]] == [1, 2]
    assert next_task.json()["id"] == 4
    assert login.status_code == 200


def test_serve_on_postgresql_without_a_jwt_secret_exits_with_a_clear_message(
    tmp_path: Path,
) -> None:
    env = clean_environment(
        TODOCHAT_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/todochat_unused"
    )
    result = subprocess.run(
        todochat_command("serve", "--port", str(free_port())),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "TODOCHAT_JWT_SECRET" in result.stderr
    assert "Traceback" not in result.stderr
