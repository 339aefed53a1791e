"""`todochat chat`: the terminal chat, local and against a server."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from rich.console import Console

from tests.support import clean_environment, unique_email
from todochat.config import Settings
from todochat.terminal import load_state, run_terminal_chat

EMAIL = "ada@example.com"


@pytest.fixture(autouse=True)
def private_state_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A state file of this test's own. The terminal reads this path (and the password,
    TODOCHAT_PASSWORD) from the environment itself, not from `Settings`: these two are
    the environment variables a test still sets."""
    path = tmp_path / "terminal.json"
    monkeypatch.setenv("TODOCHAT_TERMINAL_STATE", str(path))
    return path


def scripted(lines: list[str]) -> Callable[[str], Awaitable[str | None]]:
    """A read_line that types `lines`, then ends the input."""
    remaining = iter(lines)

    async def read_line(_prompt: str) -> str | None:
        return next(remaining, None)

    return read_line


def recording_console() -> tuple[Console, io.StringIO]:
    output = io.StringIO()
    return Console(file=output, width=120, color_system=None), output


async def chat_locally(settings: Settings, lines: list[str], new: bool = False) -> str:
    console, output = recording_console()
    await run_terminal_chat(
        settings, server=None, email=EMAIL, new=new, console=console, read_line=scripted(lines)
    )
    return output.getvalue()


async def chat_with_server(
    settings: Settings, server: str, lines: list[str], email: str = EMAIL
) -> str:
    console, output = recording_console()
    await run_terminal_chat(
        settings, server=server, email=email, new=False, console=console, read_line=scripted(lines)
    )
    return output.getvalue()


async def test_local_round_adds_lists_and_completes(settings: Settings) -> None:
    output = await chat_locally(
        settings, ["add a task to buy milk", "what's pending?", "mark task 1 as complete", "/tasks"]
    )
    assert "Added task #1: “Buy milk”." in output
    assert "You have 1 task pending:\n#1 Buy milk" in output
    assert "Task #1 “Buy milk” is marked as complete." in output
    assert "complete_task │ #1   │ completed: Buy milk" in output
    assert "│ Buy milk │ completed │" in output


async def test_local_conversation_continues_on_the_next_run(settings: Settings) -> None:
    await chat_locally(settings, ["add buy milk"])
    output = await chat_locally(settings, ["mark it done"])
    assert "Task #1 “Buy milk” is marked as complete." in output


async def test_new_flag_starts_another_conversation(settings: Settings) -> None:
    await chat_locally(settings, ["add buy milk"])
    [first] = [entry["conversation_id"] for entry in _all_states().values()]
    await chat_locally(settings, ["what's pending?"], new=True)
    [second] = [entry["conversation_id"] for entry in _all_states().values()]
    assert first != second


def _all_states() -> dict[str, dict[str, str]]:
    import json

    return dict(json.loads(Path(os.environ["TODOCHAT_TERMINAL_STATE"]).read_text()))


async def test_server_round_signs_in_once_and_remembers_the_token(
    settings: Settings, shared_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = unique_email("ada")
    async with httpx.AsyncClient(base_url=shared_server) as client:
        registered = await client.post(
            "/api/auth/register", json={"email": email, "password": "correct horse"}
        )
    assert registered.status_code == 201
    monkeypatch.setenv("TODOCHAT_PASSWORD", "correct horse")
    output = await chat_with_server(settings, shared_server, ["add a task to buy milk"], email)
    assert "Added task #1: “Buy milk”." in output
    monkeypatch.setenv("TODOCHAT_PASSWORD", "wrong password, not asked for again")
    output = await chat_with_server(settings, shared_server, ["mark it done"], email)
    assert "Task #1 “Buy milk” is marked as complete." in output
    assert load_state(f"{shared_server}|{email}")["token"]


@pytest.fixture
def terminal(
    tmp_path: Path, database_url: str, private_state_file: Path
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`todochat chat` running in a pseudo-terminal."""
    controller, device = pty.openpty()
    env = clean_environment(
        TODOCHAT_DATABASE_URL=database_url,
        TODOCHAT_AGENT="builtin",
        TODOCHAT_TERMINAL_STATE=str(private_state_file),
        TERM="xterm",
        COLUMNS="110",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "todochat.cli", "chat", "--email", EMAIL],
        stdin=device,
        stdout=device,
        stderr=device,
        cwd=tmp_path,
        env=env,
        close_fds=True,
    )
    os.close(device)
    try:
        yield process, controller
    finally:
        process.kill()
        process.wait(timeout=10)
        os.close(controller)


_ANSI_STYLE = re.compile(r"\x1b\[[0-9;]*m")


def read_until(controller: int, marker: str, timeout: float = 60) -> str:
    """Terminal output up to and including `marker`."""
    seen = b""
    deadline = time.monotonic() + timeout
    while marker.encode() not in seen:
        if time.monotonic() > deadline:
            raise AssertionError(f"{marker!r} never appeared in:\n{seen.decode(errors='replace')}")
        ready, _, _ = select.select([controller], [], [], 0.5)
        if ready:
            try:
                seen += os.read(controller, 65536)
            except OSError:
                break
    return _ANSI_STYLE.sub("", seen.decode(errors="replace"))


def test_terminal_chat_in_a_pseudo_terminal(terminal: tuple[subprocess.Popen[bytes], int]) -> None:
    process, controller = terminal
    read_until(controller, "you> ")
    os.write(controller, b"add a task to buy milk\n")
    assert "Added task #1: “Buy milk”." in read_until(controller, "you> ")
    os.write(controller, b"show me all my tasks\n")
    assert "#1 Buy milk" in read_until(controller, "you> ")
    os.write(controller, b"mark task 1 as done\n")
    screen = read_until(controller, "you> ")
    assert "Task #1 “Buy milk” is marked as complete." in screen
    assert "completed" in screen
    os.write(controller, b"/quit\n")
    assert process.wait(timeout=30) == 0
