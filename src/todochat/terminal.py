"""`todochat chat`: chat in the terminal, with a running server or the local database.

Lines are edited as in a shell (prompt_toolkit): arrow keys, history kept between
runs, Ctrl-C clears the line or stops waiting for a turn, Ctrl-D leaves. Answers are
rendered as Markdown; tool calls and tasks are shown as tables. The conversation is
remembered between runs (per server and account) in ~/.todochat/terminal.json, so
the next run picks up where the last one stopped; `--new` starts another.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import sys
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
from pydantic import SecretStr
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from todochat.config import Settings

LOCAL = "local"
DEFAULT_LOCAL_EMAIL = "me@localhost.localdomain"


class ChatError(Exception):
    """A turn or a request failed; the message is for the person at the keyboard."""


class ChatBackend(Protocol):
    """Where turns go: a server over HTTP (a remote one, or the app run in-process on
    the local database)."""

    async def ready(self) -> None:
        """Open whatever is opened lazily (in the task that will close it)."""

    async def send(self, message: str, conversation_id: str | None) -> dict[str, Any]: ...

    async def tasks(self) -> list[dict[str, Any]]: ...


def state_file() -> Path:
    """Where conversations (and server tokens) are remembered between runs."""
    return Path(
        os.environ.get("TODOCHAT_TERMINAL_STATE", Path.home() / ".todochat" / "terminal.json")
    )


def history_file() -> Path:
    """Where the lines typed are kept between runs, beside the state file."""
    return state_file().with_name("history")


ReadLine = Callable[[str], Awaitable[str | None]]


class KeyboardReader:
    """Lines from the keyboard, edited as in a shell: arrow keys move and recall
    earlier lines (kept between runs), Ctrl-C clears the line, Ctrl-D on an empty line
    ends the chat (None)."""

    def __init__(self, history: Path) -> None:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import FileHistory

        history.parent.mkdir(parents=True, exist_ok=True)
        history.touch(mode=0o600, exist_ok=True)
        self._session: Any = PromptSession(history=FileHistory(str(history)))

    async def __call__(self, prompt: str) -> str | None:
        try:
            line: str = await self._session.prompt_async(prompt)
        except KeyboardInterrupt:
            return ""  # the line is dropped; ask again
        except EOFError:
            return None
        return line

    async def secret(self, prompt: str) -> str:
        """A password, not echoed and not kept in the history. Keys typed before the
        prompt appeared are kept (getpass would flush them)."""
        from prompt_toolkit import PromptSession

        try:
            answer: str = await PromptSession().prompt_async(prompt, is_password=True)
        except (KeyboardInterrupt, EOFError) as exc:
            raise ChatError("no password given") from exc
        return answer


async def plain_read_line(prompt: str) -> str | None:
    """Lines from a pipe or a file (no terminal to edit on)."""
    try:
        return await asyncio.to_thread(input, prompt)
    except EOFError:
        return None


def keyboard_or_pipe() -> ReadLine:
    """The reader for this process's input: line editing on a terminal, plain lines
    from anything else."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        return KeyboardReader(history_file())
    return plain_read_line


def load_state(key: str) -> dict[str, Any]:
    """What was remembered for this server and account."""
    try:
        data = json.loads(state_file().read_text())
    except (OSError, ValueError):
        return {}
    entry = data.get(key)
    return entry if isinstance(entry, dict) else {}


def save_state(key: str, entry: dict[str, Any]) -> None:
    """Remember `entry` for this server and account (the file is private: 0600)."""
    path = state_file()
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {}
    data[key] = entry
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.write_text(json.dumps(data, indent=2))


class HttpBackend:
    """Turns sent to a running server, authenticated with a bearer token."""

    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self._client = client
        self._headers = {"Authorization": f"Bearer {token}"}

    @staticmethod
    async def login(client: httpx.AsyncClient, email: str, password: str) -> str:
        response = await _request(
            client, "POST", "/api/auth/login", json={"email": email, "password": password}
        )
        _expect_ok(response)
        return str(response.json()["access_token"])

    async def ready(self) -> None:
        """Nothing to open: the client is ready."""

    async def token_works(self) -> bool:
        response = await _request(self._client, "GET", "/api/auth/me", headers=self._headers)
        return response.status_code == 200

    async def send(self, message: str, conversation_id: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {"message": message}
        if conversation_id:
            body["conversation_id"] = conversation_id
        response = await _request(
            self._client, "POST", "/api/me/chat", json=body, headers=self._headers
        )
        if response.status_code == 404 and conversation_id:
            # The remembered conversation is gone: start a new one.
            return await self.send(message, None)
        _expect_ok(response)
        result: dict[str, Any] = response.json()
        return result

    async def tasks(self) -> list[dict[str, Any]]:
        response = await _request(
            self._client,
            "GET",
            "/api/me/tasks",
            params={"status": "all", "limit": 200},
            headers=self._headers,
        )
        _expect_ok(response)
        items: list[dict[str, Any]] = response.json()["items"]
        return items


async def _request(
    client: httpx.AsyncClient, method: str, path: str, **kwargs: Any
) -> httpx.Response:
    """One request; a network failure becomes a ChatError the person can read."""
    try:
        return await client.request(method, path, **kwargs)
    except httpx.HTTPError as exc:
        raise ChatError(f"cannot reach {client.base_url}: {exc}") from exc


def _expect_ok(response: httpx.Response) -> None:
    """ChatError with the server's own message unless the answer is 200."""
    if response.status_code == 200:
        return
    try:
        message = str(response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        message = f"the server answered {response.status_code}"
    raise ChatError(message)


async def open_local_backend(
    stack: AsyncExitStack, settings: Settings, email: str | None
) -> tuple[HttpBackend, str]:
    """The app itself, run in this process on the configured database and spoken to
    over in-process HTTP, as the account with `email` (created on first use)."""
    from todochat.runtime import Runtime

    if settings.jwt_secret is None:
        # Tokens never leave this process: a secret for this run is enough, on any
        # database (PostgreSQL otherwise insists on a configured one).
        settings = settings.model_copy(update={"jwt_secret": SecretStr(secrets.token_urlsafe(48))})
    runtime = Runtime(settings)
    app = runtime.app()
    await stack.enter_async_context(app.router.lifespan_context(app))
    address = email or DEFAULT_LOCAL_EMAIL
    token = await runtime.local_token(address)
    client = await stack.enter_async_context(
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://local")
    )
    return HttpBackend(client, token), address


class LocalBackend:
    """The local backend, opened on first use: the prompt shows at once while the app's
    modules load in a thread (most of a cold start), and the app starts when the first
    message is sent, in the task that will also close it."""

    def __init__(self, stack: AsyncExitStack, settings: Settings, email: str) -> None:
        self._stack = stack
        self._settings = settings
        self._email = email
        self._backend: HttpBackend | None = None
        self._loading = asyncio.ensure_future(asyncio.to_thread(_load_the_app))

    async def ready(self) -> None:
        """Start the app now, in the calling task (the one that closes it too)."""
        await self._opened()

    async def _opened(self) -> HttpBackend:
        if self._backend is None:
            from sqlalchemy.exc import SQLAlchemyError

            from todochat.db import DatabaseURLError

            await self._loading
            try:
                self._backend, _address = await open_local_backend(
                    self._stack, self._settings, self._email
                )
            except (DatabaseURLError, SQLAlchemyError, OSError) as exc:
                raise ChatError(f"cannot open the local database: {exc}") from exc
        return self._backend

    async def send(self, message: str, conversation_id: str | None) -> dict[str, Any]:
        return await (await self._opened()).send(message, conversation_id)

    async def tasks(self) -> list[dict[str, Any]]:
        return await (await self._opened()).tasks()


def _load_the_app() -> None:
    import todochat.runtime  # noqa: F401 - imported for its cost, ahead of need


async def choose_local_account(settings: Settings, read_line: ReadLine, console: Console) -> str:
    """Whose chat this is, on the local database: its only account, or the one the
    person picks when there are several (never quietly another one than the web
    page's); a new database gets a default account."""
    from todochat.runtime import Runtime

    runtime = Runtime(settings)
    try:
        accounts = await runtime.local_accounts()
    finally:
        await runtime.database.dispose()
    if not accounts:
        return DEFAULT_LOCAL_EMAIL
    if len(accounts) == 1:
        return accounts[0]
    console.print("Accounts on this database:")
    for number, email in enumerate(accounts, start=1):
        console.print(f"  {number}. {email}")
    while True:
        answer = await read_line(f"Which one is yours? [1-{len(accounts)}] ")
        if answer is None:
            raise ChatError("no account chosen (or give --email)")
        answer = answer.strip()
        if answer.isdigit() and 1 <= int(answer) <= len(accounts):
            return accounts[int(answer) - 1]
        if answer.lower() in accounts:
            return answer.lower()
        console.print(f"[red]Type a number from 1 to {len(accounts)}, or an email above.[/red]")


# ---- Rendering ---------------------------------------------------------------


def tool_calls_table(calls: list[dict[str, Any]]) -> Table:
    """One row per tool call: tool, task, outcome."""
    table = Table(title="tool calls", title_justify="left", show_edge=False)
    table.add_column("tool", style="cyan")
    table.add_column("task")
    table.add_column("result")
    for call in calls:
        arguments = call.get("arguments") or {}
        result = call.get("result")
        task = arguments.get("task_id") or (
            result.get("task_id") if isinstance(result, dict) else None
        )
        if call.get("error"):
            outcome = f"[red]{call['error']}[/red]"
        elif isinstance(result, list):
            outcome = f"{len(result)} task(s)"
        elif isinstance(result, dict) and isinstance(result.get("count"), int):
            outcome = f"{result['count']} task(s)"  # a listing, stored as what it listed
        elif isinstance(result, dict):
            outcome = f"{result.get('status', 'ok')}: {result.get('title', '')}"
        else:
            outcome = "ok"
        table.add_row(str(call.get("name")), f"#{task}" if task else "", outcome)
    return table


def tasks_table(items: list[dict[str, Any]]) -> Table:
    """The user's tasks: number, title, status, priority, due."""
    table = Table(title="tasks", title_justify="left", show_edge=False)
    for column in ("#", "title", "status", "priority", "due"):
        table.add_column(column)
    for task in items:
        done = task.get("status") == "completed"
        style = "dim strike" if done else None
        due = str(task.get("due_at") or "")[:16].replace("T", " ")
        table.add_row(
            str(task["id"]),
            str(task["title"]),
            str(task.get("status", "")),
            str(task.get("priority", "")),
            due,
            style=style,
        )
    return table


def as_markdown(text: str) -> Markdown:
    """An answer rendered as Markdown (a model's headings, emphasis, lists, tables,
    code), its line breaks kept: the built-in agent puts one task per line."""
    return Markdown(text.replace("\n", "  \n"))


@dataclass
class Conversation:
    """The running conversation and where it is remembered."""

    state_key: str
    entry: dict[str, Any]

    @property
    def id(self) -> str | None:
        value = self.entry.get("conversation_id")
        return str(value) if value else None

    def remember(self, conversation_id: str | None) -> None:
        self.entry["conversation_id"] = conversation_id
        save_state(self.state_key, self.entry)


HELP = (
    "Type a message, or /tasks to list tasks, /new for a new conversation, /quit (or "
    "Ctrl-D) to leave. Up and down recall earlier lines; Ctrl-C clears the line or stops "
    "waiting for an answer."
)


async def run_repl(
    backend: ChatBackend,
    conversation: Conversation,
    console: Console,
    read_line: Callable[[str], Awaitable[str | None]],
) -> None:
    """Read messages until /quit or end of input; print answers and tables."""
    console.print(f"[bold]todochat[/bold] — {HELP}")
    while True:
        line = await read_line("you> ")
        if line is None or line.strip() in ("/quit", "/exit"):
            return
        message = line.strip()
        if not message:
            continue
        if message == "/new":
            conversation.remember(None)
            console.print("[dim]Started a new conversation.[/dim]")
            continue
        if message == "/tasks":
            console.print(tasks_table(await backend.tasks()))
            continue
        try:
            await backend.ready()
            result = await interruptible(backend.send(message, conversation.id))
        except ChatError as exc:
            console.print(f"[red]error:[/red] {exc}")
            continue
        if result is None:
            console.print(
                "[dim]Stopped waiting. The assistant still finishes this turn and keeps "
                "it in the conversation.[/dim]"
            )
            continue
        conversation.remember(str(result["conversation_id"]))
        calls = result.get("tool_calls") or []
        if calls:
            console.print(tool_calls_table(calls))
        console.print("[bold green]todochat>[/bold green]")
        console.print(as_markdown(str(result["response"])))
        if any(call.get("name") != "list_tasks" and not call.get("error") for call in calls):
            console.print(tasks_table(await backend.tasks()))


async def interruptible(work: Awaitable[dict[str, Any]]) -> dict[str, Any] | None:
    """The answer of `work`, or None if Ctrl-C was pressed first. The work itself goes
    on (shielded): a turn ends cleanly and is stored, rather than being cut off
    halfway through its tool calls."""
    task = asyncio.ensure_future(work)
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGINT, stopped.set)
    except (NotImplementedError, RuntimeError):
        return await task  # no signals here (not the main thread): just wait
    waiter = asyncio.ensure_future(stopped.wait())
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        loop.remove_signal_handler(signal.SIGINT)
        waiter.cancel()
    if task.done():
        return task.result()
    _unwaited.add(task)
    task.add_done_callback(_forget)
    return None


async def abandon_running_turns(console: Console) -> None:
    """On leaving: turns still running after Ctrl-C are cancelled (the person is gone;
    their messages stay in the conversation) rather than waited for."""
    if not _unwaited:
        return
    console.print("[dim]Leaving while an answer is still coming: it is abandoned.[/dim]")
    for task in list(_unwaited):
        task.cancel()
    await asyncio.wait(list(_unwaited), timeout=5)


# Turns left running after Ctrl-C: referenced until they end (see `interruptible`).
_unwaited: set[asyncio.Future[dict[str, Any]]] = set()


def _forget(task: asyncio.Future[dict[str, Any]]) -> None:
    _unwaited.discard(task)
    if not task.cancelled():
        task.exception()  # retrieved: a failure of an abandoned turn is not an error here


async def open_http_backend(
    stack: AsyncExitStack,
    server: str,
    email: str | None,
    entry: dict[str, Any],
    read_line: ReadLine,
) -> HttpBackend:
    """A backend on a running server; logs in unless a remembered token still works."""
    client = await stack.enter_async_context(
        httpx.AsyncClient(base_url=server.rstrip("/"), timeout=120)
    )
    token = entry.get("token")
    if isinstance(token, str) and await HttpBackend(client, token).token_works():
        return HttpBackend(client, token)
    if not email:
        raise ChatError("give --email to sign in to the server")
    password = os.environ.get("TODOCHAT_PASSWORD") or await _password(read_line, email)
    entry["token"] = await HttpBackend.login(client, email, password)
    return HttpBackend(client, entry["token"])


async def _password(read_line: ReadLine, email: str) -> str:
    if isinstance(read_line, KeyboardReader):
        return await read_line.secret(f"Password for {email}: ")
    import getpass  # no terminal to read it from without echo: the standard way

    return await asyncio.to_thread(getpass.getpass, f"Password for {email}: ")


async def run_terminal_chat(
    settings: Settings,
    *,
    server: str | None,
    email: str | None,
    new: bool,
    console: Console | None = None,
    read_line: ReadLine | None = None,
) -> None:
    """The `todochat chat` session, from start to /quit (or Ctrl-D)."""
    console = console or Console()
    read_line = read_line or keyboard_or_pipe()
    async with AsyncExitStack() as stack:
        if server:
            key = f"{server.rstrip('/')}|{(email or '').lower()}"
            entry = load_state(key)
            backend: ChatBackend = await open_http_backend(stack, server, email, entry, read_line)
        else:
            if email is None:
                email = await choose_local_account(settings, read_line, console)
            key = f"{LOCAL}|{settings.database_url}|{email}"
            entry = load_state(key)
            backend = LocalBackend(stack, settings, email)
        conversation = Conversation(key, entry)
        if new:
            conversation.remember(None)
        else:
            save_state(key, entry)
        await run_repl(backend, conversation, console, read_line)
        await abandon_running_turns(console)
