"""`todochat export` and `todochat import`, run as commands against a database."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

from tests.support import JWT_SECRET, clean_environment, todochat_command
from todochat.models import User

TODOIST = (
    "TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE\n"
    "task,Buy stamps,,1,1,,,2026-12-01,en,\n"
    "task,Call the bank,,4,1,,,,en,\n"
)


async def todochat(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = clean_environment(TODOCHAT_DATABASE_URL=database_url, TODOCHAT_JWT_SECRET=JWT_SECRET)
    return await asyncio.to_thread(
        subprocess.run,
        todochat_command(*args),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_import_reports_what_it_created(
    database_url: str, alice: User, tmp_path: Path
) -> None:
    file = tmp_path / "todoist.csv"
    file.write_text(TODOIST, encoding="utf-8")

    done = await todochat(database_url, "import", str(file), "--user", alice.email)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2 created, 0 already there, 0 refused (todoist)."


async def test_importing_the_same_file_twice_adds_nothing(
    database_url: str, alice: User, tmp_path: Path
) -> None:
    file = tmp_path / "todoist.csv"
    file.write_text(TODOIST, encoding="utf-8")
    await todochat(database_url, "import", str(file), "--user", alice.email)

    again = await todochat(database_url, "import", str(file), "--user", alice.email)

    assert again.stdout.strip() == "0 created, 2 already there, 0 refused (todoist)."


async def test_export_writes_what_was_imported(
    database_url: str, alice: User, tmp_path: Path
) -> None:
    file = tmp_path / "todoist.csv"
    file.write_text(TODOIST, encoding="utf-8")
    await todochat(database_url, "import", str(file), "--user", alice.email)
    out = tmp_path / "export.json"

    done = await todochat(database_url, "export", "--user", alice.email, "-o", str(out))

    assert done.returncode == 0, done.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    titles = [(t["number"], t["title"], t["priority"]) for t in document["tasks"]]
    assert titles == [(1, "Buy stamps", "urgent"), (2, "Call the bank", "medium")]


async def test_an_unknown_account_is_an_error_not_a_new_account(
    database_url: str, alice: User
) -> None:
    done = await todochat(database_url, "export", "--user", "nobody@example.com")

    assert done.returncode == 1
    assert "no account with the email 'nobody@example.com'" in done.stderr


async def test_an_unknown_format_is_refused(database_url: str, alice: User) -> None:
    done = await todochat(database_url, "export", "--user", alice.email, "--format", "xml")

    assert done.returncode == 2
    assert "--format must be json or csv" in done.stderr
