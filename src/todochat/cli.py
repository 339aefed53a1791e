"""The `todochat` command."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from todochat.config import Settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

# The database layers (SQLAlchemy, the app, the agents) are imported by the commands
# that use them, not here: `todochat --help` and `todochat chat` start at once.

T = TypeVar("T")

app = typer.Typer(help="todochat: manage your todo list by chatting.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema: migrations and checks.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def _with_engine(action: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    """Run `action` against the configured database, then close the engine."""
    from todochat.db import DatabaseURLError, create_engine

    async def run() -> T:
        engine = create_engine(Settings())
        try:
            return await action(engine)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except DatabaseURLError as exc:
        typer.secho(f"error: TODOCHAT_DATABASE_URL: {exc}", err=True, fg="red")
        raise typer.Exit(2) from exc
    except OSError as exc:
        typer.secho(f"error: cannot reach the database: {exc}", err=True, fg="red")
        raise typer.Exit(1) from exc


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes.")] = None,
) -> None:
    """Serve the API, chat, MCP endpoint and web page (migrating the database first)."""
    import uvicorn

    from todochat.db import DatabaseURLError
    from todochat.logs import configure_logging, logging_config
    from todochat.runtime import jwt_secret
    from todochat.security.tokens import SecretConfigurationError
    from todochat.serving import uvicorn_options

    # The app is built in each worker from the environment: what the options say goes
    # there too, so that the address the server advertises is the one it listens on.
    for name, value in (("HOST", host), ("PORT", port)):
        if value is not None:
            os.environ[f"TODOCHAT_{name}"] = str(value)
    settings = Settings()
    configure_logging(settings.log_level)
    try:
        jwt_secret(settings)
    except (SecretConfigurationError, DatabaseURLError) as exc:
        typer.secho(f"error: {exc}", err=True, fg="red")
        raise typer.Exit(2) from exc
    uvicorn.run(
        "todochat.runtime:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        # todochat's middleware writes the access log (one line, no query strings).
        access_log=False,
        # Applied again by uvicorn in each worker process it spawns.
        log_config=logging_config(settings.log_level),
        **uvicorn_options(settings),
    )


@app.command("mcp")
def mcp_stdio(
    user: Annotated[str, typer.Option("--user", help="Email of the account the tools act for.")],
) -> None:
    """Serve the five task tools over stdio (for Claude Desktop and other MCP clients)."""
    from todochat.errors import TodochatError
    from todochat.logs import configure_logging
    from todochat.runtime import Runtime

    # stdout carries the protocol: logs go to stderr, and only warnings.
    configure_logging("WARNING")
    try:
        asyncio.run(Runtime(Settings()).serve_mcp_stdio(user))
    except TodochatError as exc:
        typer.secho(f"error: {exc.message}", err=True, fg="red")
        raise typer.Exit(1) from exc


@app.command()
def chat(
    server: Annotated[
        str | None, typer.Option(help="URL of a running server; omit to use the local database.")
    ] = None,
    email: Annotated[str | None, typer.Option(help="Your account's email.")] = None,
    new: Annotated[bool, typer.Option("--new", help="Start a new conversation.")] = False,
) -> None:
    """Chat with your todo list in the terminal."""
    from todochat.terminal import ChatError, run_terminal_chat

    try:
        asyncio.run(run_terminal_chat(Settings(), server=server, email=email, new=new))
    except ChatError as exc:
        typer.secho(f"error: {exc}", err=True, fg="red")
        raise typer.Exit(1) from exc
    except KeyboardInterrupt:
        typer.echo()


@app.command("export")
def export_tasks(
    user: Annotated[str, typer.Option("--user", help="Email of the account to export.")],
    format: Annotated[str, typer.Option(help="json or csv.")] = "json",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write; omit for stdout.")
    ] = None,
) -> None:
    """Write every task of an account as JSON or CSV."""
    from todochat.errors import TodochatError
    from todochat.transfer import export_account

    if format not in ("json", "csv"):
        typer.secho("error: --format must be json or csv", err=True, fg="red")
        raise typer.Exit(2)
    try:
        text = asyncio.run(export_account(Settings(), user, "csv" if format == "csv" else "json"))
    except TodochatError as exc:
        typer.secho(f"error: {exc.message}", err=True, fg="red")
        raise typer.Exit(1) from exc
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"Wrote {output}", err=True)


@app.command("import")
def import_tasks(
    file: Annotated[Path, typer.Argument(help="A todochat export, or Todoist's CSV export.")],
    user: Annotated[str, typer.Option("--user", help="Email of the account to import into.")],
    format: Annotated[
        str | None, typer.Option(help="json, csv or todoist; omit to tell from the file.")
    ] = None,
) -> None:
    """Add the tasks of a file to an account; tasks already there are skipped."""
    from todochat.errors import TodochatError
    from todochat.transfer import describe_report, import_format, import_into_account

    try:
        chosen = import_format(format)
    except TodochatError as exc:
        typer.secho(f"error: --format {exc.message}", err=True, fg="red")
        raise typer.Exit(2) from exc
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        typer.secho(f"error: cannot read {file}: {exc}", err=True, fg="red")
        raise typer.Exit(2) from exc
    try:
        report = asyncio.run(import_into_account(Settings(), user, text, chosen))
    except TodochatError as exc:
        typer.secho(f"error: {exc.message}", err=True, fg="red")
        raise typer.Exit(1) from exc
    typer.echo(describe_report(report))


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    from todochat import migrate

    _with_engine(lambda engine: migrate.upgrade(engine, revision))
    typer.echo(f"database upgraded to {revision}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, or 'base'.")],
) -> None:
    """Revert migrations down to REVISION ('base' removes every table)."""
    from todochat import migrate

    _with_engine(lambda engine: migrate.downgrade(engine, revision))
    typer.echo(f"database downgraded to {revision}")


@db_app.command("current")
def db_current() -> None:
    """Print the revision the database is at."""
    from todochat import migrate

    revision = _with_engine(migrate.current_revision)
    head = migrate.head_revision()
    marker = " (head)" if revision == head else f" (head is {head})"
    typer.echo(f"{revision or 'none'}{marker}")


@db_app.command("check")
def db_check() -> None:
    """Fail unless the database is at head and matches the models exactly."""
    from todochat import migrate

    problem = _with_engine(migrate.check)
    if problem:
        typer.secho(f"schema check failed: {problem}", err=True, fg="red")
        raise typer.Exit(1)
    typer.echo("schema matches the models")


if __name__ == "__main__":
    app()
