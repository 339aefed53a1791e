"""`todochat chat`: the terminal chat, local and against a server."""

from __future__ import annotations

import asyncio
import fcntl
import io
import json
import os
import pty
import re
import select
import subprocess
import sys
import termios
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from rich.console import Console

from tests.chat.fake_openai import HANG, FakeOpenAI
from tests.support import clean_environment, make_settings, unique_email
from todochat.config import Settings
from todochat.runtime import Runtime
from todochat.terminal import as_markdown, load_state, run_terminal_chat

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
    return without_padding(output.getvalue())


def without_padding(screen: str) -> str:
    """The output without the spaces rich pads rendered Markdown lines with."""
    return "\n".join(line.rstrip() for line in screen.splitlines())


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


class Terminal:
    """`todochat chat` running in a pseudo-terminal: keys in, the screen's text out."""

    def __init__(self, controller: int, process: subprocess.Popen[bytes]) -> None:
        self.controller = controller
        self.process = process
        self._unread = ""

    def type(self, keys: str) -> None:
        os.write(self.controller, keys.encode())

    def read_until(self, marker: str, timeout: float = 60) -> str:
        """The screen's text up to and including `marker` (escape sequences removed);
        what came after it is kept for the next read."""
        seen = self._unread
        deadline = time.monotonic() + timeout
        while marker not in seen:
            if time.monotonic() > deadline:
                raise AssertionError(f"{marker!r} never appeared in:\n{seen}")
            ready, _, _ = select.select([self.controller], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(self.controller, 65536)
                except OSError:
                    break
                seen += _ANSI.sub("", chunk.decode(errors="replace"))
        end = seen.find(marker) + len(marker) if marker in seen else len(seen)
        self._unread = seen[end:]
        return seen[:end]


# Every escape sequence (styles, cursor moves, modes): what is left is the text shown.
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][A-Za-z0-9]|\x1b[=>]")
PROMPT = "you>"
UP, CTRL_C, CTRL_D, ENTER = "\x1b[A", "\x03", "\x04", "\r"


def own_terminal() -> None:
    """In the child: the pseudo-terminal becomes its controlling terminal, as a shell's
    is, so that Ctrl-C there is a SIGINT to it."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def open_terminal(
    tmp_path: Path, database_url: str, state: Path, *arguments: str, **settings: str
) -> Iterator[Terminal]:
    """`todochat chat ARGUMENTS` in a pseudo-terminal (the built-in agent unless
    `settings` say otherwise)."""
    controller, device = pty.openpty()
    env = clean_environment(
        **{
            "TODOCHAT_DATABASE_URL": database_url,
            "TODOCHAT_AGENT": "builtin",
            "TODOCHAT_TERMINAL_STATE": str(state),
            "TERM": "xterm",
            "COLUMNS": "110",
            # The pseudo-terminal does not answer cursor-position requests as a real
            # one does: without this, the line editor waits for the answer, then warns.
            "PROMPT_TOOLKIT_NO_CPR": "1",
            **settings,
        }
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "todochat.cli", "chat", *arguments],
        stdin=device,
        stdout=device,
        stderr=device,
        cwd=tmp_path,
        env=env,
        close_fds=True,
        preexec_fn=own_terminal,
    )
    os.close(device)
    try:
        yield Terminal(controller, process)
    finally:
        process.kill()
        process.wait(timeout=10)
        os.close(controller)


@pytest.fixture
def terminal(tmp_path: Path, database_url: str, private_state_file: Path) -> Iterator[Terminal]:
    """`todochat chat --email ada@example.com` in a pseudo-terminal."""
    yield from open_terminal(tmp_path, database_url, private_state_file, "--email", EMAIL)


def test_terminal_chat_in_a_pseudo_terminal(terminal: Terminal) -> None:
    terminal.read_until(PROMPT)
    terminal.type("add a task to buy milk" + ENTER)
    terminal.read_until("Added task #1: “Buy milk”.")
    terminal.type("show me all my tasks" + ENTER)
    terminal.read_until("#1 Buy milk")
    terminal.type("mark task 1 as done" + ENTER)
    terminal.read_until("Task #1 “Buy milk” is marked as complete.")
    terminal.read_until("completed")
    terminal.type("/quit" + ENTER)
    assert terminal.process.wait(timeout=30) == 0


def test_the_up_arrow_brings_back_the_last_line(terminal: Terminal) -> None:
    terminal.read_until(PROMPT)
    terminal.type("add a task to water the plants" + ENTER)
    terminal.read_until("Added task #1")

    terminal.type(UP + ENTER)

    terminal.read_until("Added task #2: “Water the plants”.")


def test_ctrl_c_drops_the_line_being_typed(terminal: Terminal) -> None:
    terminal.read_until(PROMPT)
    terminal.type("add a task to buy milk" + ENTER)
    terminal.read_until("Added task #1")

    terminal.type("delete task 1" + CTRL_C)
    terminal.type("/tasks" + ENTER)
    screen = terminal.read_until("priority")
    screen += terminal.read_until("Buy milk")

    assert "Deleted" not in screen


def test_ctrl_d_on_an_empty_line_leaves(terminal: Terminal) -> None:
    terminal.read_until(PROMPT)

    terminal.type(CTRL_D)

    assert terminal.process.wait(timeout=30) == 0


def test_lines_typed_are_remembered_for_the_next_run(
    terminal: Terminal, private_state_file: Path
) -> None:
    terminal.read_until(PROMPT)
    terminal.type("add a task to call the bank" + ENTER)
    terminal.read_until(PROMPT)
    terminal.type("/quit" + ENTER)
    terminal.process.wait(timeout=30)

    assert "add a task to call the bank" in (private_state_file.parent / "history").read_text()


def test_without_email_it_asks_which_of_several_local_accounts_is_yours(
    tmp_path: Path, database_url: str, private_state_file: Path
) -> None:
    asyncio.run(make_local_accounts(database_url, ["first@example.com", "second@example.com"]))
    for screen in open_terminal(tmp_path, database_url, private_state_file):
        prompt = screen.read_until("Which one is yours?")
        screen.type("2" + ENTER)
        screen.read_until(PROMPT)
        screen.type("/quit" + ENTER)
        screen.process.wait(timeout=30)

    assert "1. first@example.com" in prompt
    assert "2. second@example.com" in prompt
    remembered = json.loads(private_state_file.read_text())
    assert [key.rsplit("|", 1)[1] for key in remembered] == ["second@example.com"]


def test_without_email_the_only_local_account_is_used(
    tmp_path: Path, database_url: str, private_state_file: Path
) -> None:
    asyncio.run(make_local_accounts(database_url, ["only@example.com"]))
    for screen in open_terminal(tmp_path, database_url, private_state_file):
        screen.read_until(PROMPT)
        screen.type("/quit" + ENTER)
        screen.process.wait(timeout=30)

    remembered = json.loads(private_state_file.read_text())
    assert [key.rsplit("|", 1)[1] for key in remembered] == ["only@example.com"]


async def make_local_accounts(database_url: str, emails: list[str]) -> None:
    """Accounts on the database, as the web page's sign-ups would leave them."""
    runtime = Runtime(make_settings(database_url))
    async with runtime.database_ready():
        for email in emails:
            await runtime.local_token(email)


def test_model_answers_are_rendered_as_markdown() -> None:
    console, output = recording_console()

    console.print(as_markdown("## Today\n\n**Pay rent** first, then `call mum`."))

    screen = output.getvalue()
    assert "Today" in screen
    assert "Pay rent first, then call mum." in screen
    assert "##" not in screen
    assert "**" not in screen


def test_ctrl_c_stops_waiting_for_a_slow_answer(
    tmp_path: Path, database_url: str, private_state_file: Path
) -> None:
    with FakeOpenAI() as model:
        model.script(HANG)
        for screen in open_terminal(
            tmp_path,
            database_url,
            private_state_file,
            "--email",
            EMAIL,
            TODOCHAT_AGENT="llm",
            TODOCHAT_LLM_BASE_URL=model.base_url,
            TODOCHAT_LLM_API_KEY="test-key",
        ):
            screen.read_until(PROMPT)
            screen.type("what is pending?" + ENTER)
            while not model.received:  # the model has the request, and is thinking
                time.sleep(0.05)

            screen.type(CTRL_C)
            stopped = screen.read_until("in the conversation")
            screen.read_until(PROMPT)
            screen.type(CTRL_D)
            exit_code = screen.process.wait(timeout=30)

    assert "still finishes this turn" in stopped.replace("\n", " ")
    assert exit_code == 0  # leaving does not wait for the abandoned turn
