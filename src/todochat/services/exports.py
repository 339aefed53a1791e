"""Exports: every task of one user, as JSON or CSV, to keep or to move elsewhere.

Both formats carry the same fields (labels too), with times in the user's time zone (ISO 8601 with
the offset), and both can be imported again (services/imports.py).
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.models import Task, User
from todochat.services.dates import in_timezone

EXPORT_FORMAT = "todochat-export"
EXPORT_VERSION = 1
# The columns of a CSV export, in order; a JSON export's tasks have the same keys.
EXPORT_FIELDS = (
    "number",
    "title",
    "description",
    "status",
    "priority",
    "due_at",
    "completed_at",
    "created_at",
    "recurrence",
    "labels",
)

# A spreadsheet cell starting with one of these is run as a formula (CSV injection):
# such text is written with a leading apostrophe, which an import takes off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


async def all_tasks(session: AsyncSession, user_id: str) -> list[Task]:
    """Every task of the user, in number order."""
    statement = select(Task).where(col(Task.user_id) == user_id).order_by(col(Task.number))
    return list((await session.exec(statement)).all())


def _moment(value: datetime | None, timezone: str) -> str | None:
    shown = in_timezone(value, timezone)
    return shown.isoformat() if shown is not None else None


def exported_task(task: Task, timezone: str, labels: list[str] | None = None) -> dict[str, Any]:
    """One task as an export holds it."""
    return {
        "number": task.number,
        "title": task.title,
        "description": task.description,
        "status": task.status.value,
        "priority": task.priority.value,
        "due_at": _moment(task.due_at, timezone),
        "completed_at": _moment(task.completed_at, timezone),
        "created_at": _moment(task.created_at, timezone),
        "recurrence": task.recurrence,
        "labels": labels or [],
    }


Labels = dict[uuid.UUID, list[str]]


def export_json(
    user: User, tasks: list[Task], labels: Labels, *, exported_at: datetime
) -> dict[str, Any]:
    """The JSON export document: what it is, when it was made, the tasks."""
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": _moment(exported_at, user.timezone),
        "timezone": user.timezone,
        "tasks": [exported_task(task, user.timezone, labels.get(task.id)) for task in tasks],
    }


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_csv(user: User, tasks: list[Task], labels: Labels) -> str:
    """The CSV export: a header row, then one row per task (empty cells for none;
    labels in one cell, comma-separated)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for task in tasks:
        row = exported_task(task, user.timezone, labels.get(task.id))
        row["labels"] = ", ".join(row["labels"])
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return out.getvalue()
