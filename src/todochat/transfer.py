"""`todochat export` and `todochat import`: a task list in and out of the local
database, for the account with a given email (the same services as the REST routes)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.config import Settings
from todochat.errors import InvalidInputError, NotFoundError
from todochat.models import User
from todochat.runtime import Runtime
from todochat.services import exports, imports, users
from todochat.services import labels as label_service
from todochat.services.imports import IMPORT_FORMATS, ImportFormat, ImportReport


async def _account(session: AsyncSession, email: str) -> User:
    user = await users.find_user_by_email(session, email)
    if user is None:
        raise NotFoundError(f"no account with the email {email!r}")
    return user


async def export_account(settings: Settings, email: str, format: Literal["json", "csv"]) -> str:
    """Every task of the account, as the text of a JSON or CSV export."""
    runtime = Runtime(settings)
    async with runtime.database_ready() as database, database.session() as session:
        user = await _account(session, email)
        tasks = await exports.all_tasks(session, user.id)
        labels = await label_service.labels_of(session, tasks)
        if format == "csv":
            return exports.export_csv(user, tasks, labels)
        document = exports.export_json(user, tasks, labels, exported_at=datetime.now(UTC))
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def import_format(name: str | None) -> ImportFormat | None:
    """The import format a name says (None: told from the file); InvalidInputError
    for a name that is none."""
    if name is None:
        return None
    chosen = next((known for known in IMPORT_FORMATS if known == name), None)
    if chosen is None:
        raise InvalidInputError(f"must be one of {', '.join(IMPORT_FORMATS)}", "format")
    return chosen


async def import_into_account(
    settings: Settings, email: str, text: str, format: ImportFormat | None
) -> ImportReport:
    """Import the file's tasks into the account (one transaction); the report."""
    runtime = Runtime(settings)
    async with runtime.database_ready() as database, database.session() as session:
        user = await _account(session, email)
        return await imports.import_tasks(session, user, text, format)


def describe_report(report: ImportReport) -> str:
    """The report as lines for a terminal."""
    lines = [
        f"{len(report.created)} created, {len(report.skipped)} already there, "
        f"{len(report.refused)} refused ({report.format})."
    ]
    lines += [
        f"  row {row.row}: {row.title or '(no title)'}: {row.reason}" for row in report.refused
    ]
    return "\n".join(lines)
