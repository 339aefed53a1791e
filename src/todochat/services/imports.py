"""Imports: tasks brought in from a todochat export (JSON or CSV) or from Todoist's CSV
export, reported row by row as created, skipped or refused.

Importing the same file twice adds nothing the second time: a row is skipped when the
account already holds a task with the same title, notes and due date (counted, so a
file with two identical rows adds two tasks once). A row that can't be taken (no
title, a status that doesn't exist …) is refused with the reason; the others are
still imported. Nothing in a row is dropped silently: what has no field of its own
here (a Todoist date todochat can't read, a Todoist comment) is kept in the notes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.errors import InvalidInputError, TodochatError
from todochat.models import Task, TaskPriority, TaskStatus, User
from todochat.services import tasks as task_service
from todochat.services.dates import parse_due, parse_iso_due
from todochat.services.exports import FORMULA_STARTS, all_tasks
from todochat.services.labels import clean_labels
from todochat.services.limits import clean_description, clean_title
from todochat.services.recurrence import normalize_rule, schedule
from todochat.services.users import validate_timezone

ImportFormat = Literal["json", "csv", "todoist"]
IMPORT_FORMATS: tuple[ImportFormat, ...] = ("json", "csv", "todoist")
# One import is one transaction: a few thousand rows, not a data warehouse.
MAX_IMPORT_ROWS = 5000
# Todoist's p1 is its highest priority; p4, its default, means "no priority".
TODOIST_PRIORITIES = {
    "1": TaskPriority.URGENT,
    "2": TaskPriority.HIGH,
    "3": TaskPriority.MEDIUM,
    "4": TaskPriority.MEDIUM,
    "": TaskPriority.MEDIUM,
}


@dataclass
class IncomingTask:
    """A row read from the file, before it is checked."""

    row: int
    title: str
    description: str | None = None
    status: str = "pending"
    priority: str = "medium"
    due: str | None = None
    completed_at: str | None = None
    # Read as plain language (Todoist's dates) rather than as an ISO date.
    natural_due: bool = False
    zone: str | None = None
    recurrence: str | None = None
    labels: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RowOutcome:
    """What became of one row: the task it made or matched, or why it was refused."""

    row: int
    title: str | None
    id: int | None = None
    reason: str | None = None


@dataclass
class ImportReport:
    """The rows created, skipped (already there) and refused (with the reason)."""

    format: ImportFormat
    created: list[RowOutcome] = field(default_factory=list)
    skipped: list[RowOutcome] = field(default_factory=list)
    refused: list[RowOutcome] = field(default_factory=list)


def detect_format(text: str) -> ImportFormat:
    """The file's format from its content: JSON, Todoist's CSV, or todochat's CSV."""
    start = text.lstrip("\ufeff \t\r\n")[:1]
    if start in ("{", "["):
        return "json"
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))), [])
    names = {name.strip().upper() for name in header}
    return "todoist" if {"TYPE", "CONTENT"} <= names else "csv"


def _unguarded(text: str) -> str:
    """A spreadsheet cell as it was before an export guarded it against formulas."""
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def read_json(text: str) -> list[IncomingTask]:
    """The tasks of a todochat JSON export (or a bare list of task objects)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"not valid JSON: {exc.msg} (line {exc.lineno})", "body") from exc
    items = document.get("tasks") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise InvalidInputError("expected a todochat export or a list of tasks", "body")
    incoming = []
    for row, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            incoming.append(IncomingTask(row=row, title=""))
            continue
        status = _text(item.get("status")) or (
            "completed" if item.get("completed") is True else "pending"
        )
        incoming.append(
            IncomingTask(
                row=row,
                title=_text(item.get("title")),
                description=item.get("description") if item.get("description") else None,
                status=status,
                priority=_text(item.get("priority")) or "medium",
                due=_text(item.get("due_at") or item.get("due_date")) or None,
                completed_at=_text(item.get("completed_at")) or None,
                recurrence=_text(item.get("recurrence") or item.get("repeat")) or None,
                labels=_label_list(item.get("labels")),
            )
        )
    return incoming


def _label_list(value: Any) -> list[str]:
    """Labels as a JSON list, or one comma-separated text (a CSV cell)."""
    if isinstance(value, list):
        return [_text(name) for name in value if _text(name).strip()]
    return [name.strip() for name in _text(value).split(",") if name.strip()]


def read_csv(text: str) -> list[IncomingTask]:
    """The rows of a todochat CSV export (a `title` column at least). Rows are
    numbered as in a spreadsheet: the header is row 1."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    if "title" not in columns:
        raise InvalidInputError("a CSV import needs a 'title' column", "body")

    def cell(record: dict[str, Any], name: str) -> str:
        key = columns.get(name)
        return _unguarded(_text(record.get(key)).strip()) if key else ""

    incoming = []
    for row, record in enumerate(reader, start=2):
        if not any(_text(value).strip() for value in record.values()):
            continue
        incoming.append(
            IncomingTask(
                row=row,
                title=cell(record, "title"),
                description=cell(record, "description") or None,
                status=cell(record, "status") or "pending",
                priority=cell(record, "priority") or "medium",
                due=cell(record, "due_at") or cell(record, "due_date") or None,
                completed_at=cell(record, "completed_at") or None,
                recurrence=cell(record, "recurrence") or cell(record, "repeat") or None,
                labels=_label_list(cell(record, "labels")),
            )
        )
    return incoming


def read_todoist(text: str) -> list[IncomingTask]:
    """The tasks of a Todoist CSV export: TYPE task rows become tasks; a note row is
    added to the notes of the task above it; sections are left out."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = {(name or "").strip().upper(): name for name in reader.fieldnames or []}

    def cell(record: dict[str, Any], name: str) -> str:
        key = columns.get(name)
        return _text(record.get(key)).strip() if key else ""

    incoming: list[IncomingTask] = []
    for row, record in enumerate(reader, start=2):
        kind = cell(record, "TYPE").lower()
        content = cell(record, "CONTENT")
        if kind == "note" and incoming:
            previous = incoming[-1]
            previous.description = "\n\n".join(filter(None, [previous.description, content]))
        elif kind == "task":
            # "Buy stamps @errands @post": Todoist's labels, written in the content.
            labels = TODOIST_LABEL.findall(content)
            title = " ".join(TODOIST_LABEL.sub(" ", content).split())
            incoming.append(
                IncomingTask(
                    row=row,
                    title=title,
                    labels=labels,
                    description=cell(record, "DESCRIPTION") or None,
                    priority=TODOIST_PRIORITIES.get(cell(record, "PRIORITY"), "medium"),
                    due=cell(record, "DATE") or None,
                    natural_due=True,
                    zone=cell(record, "TIMEZONE") or None,
                )
            )
    return incoming


TODOIST_LABEL = re.compile(r"(?<!\S)@([^\s@#,]+)")
READERS = {"json": read_json, "csv": read_csv, "todoist": read_todoist}


@dataclass(frozen=True)
class CheckedTask:
    """A row that can be created as it is."""

    title: str
    description: str | None
    status: TaskStatus
    priority: TaskPriority
    due_at: datetime | None
    completed_at: datetime | None
    recurrence: str | None
    labels: list[str]


def check_row(incoming: IncomingTask, user: User) -> CheckedTask:
    """The row as a task to create; InvalidInputError saying what is wrong."""
    title = clean_title(incoming.title)
    description = incoming.description
    due_at = None
    recurrence = normalize_rule(incoming.recurrence) if incoming.recurrence else None
    if incoming.due and incoming.natural_due:
        zone = _zone(incoming.zone, user)
        try:
            due_at = parse_due(incoming.due, zone)
        except InvalidInputError:
            try:
                # Todoist's "every monday": a repeating task here too.
                recurrence, due_at = schedule(incoming.due, None, zone, now=datetime.now(UTC))
            except InvalidInputError:
                # A date todochat can't read at all is kept in the notes.
                description = "\n\n".join(filter(None, [description, f"Due: {incoming.due}"]))
    elif incoming.due:
        due_at = parse_iso_due(incoming.due, user.timezone)
    status = _choice(TaskStatus, incoming.status, "status")
    completed_at = None
    if status == TaskStatus.COMPLETED and incoming.completed_at:
        completed_at = parse_iso_due(incoming.completed_at, user.timezone, "completed_at")
    return CheckedTask(
        title=title,
        description=clean_description(description),
        status=status,
        priority=_choice(TaskPriority, incoming.priority, "priority"),
        due_at=due_at,
        completed_at=completed_at,
        recurrence=recurrence,
        labels=clean_labels(incoming.labels),
    )


def _zone(zone: str | None, user: User) -> str:
    """The row's own time zone (Todoist's TIMEZONE column) if it is a real one."""
    if zone:
        try:
            return validate_timezone(zone)
        except InvalidInputError:
            pass
    return user.timezone


Choice = TypeVar("Choice", TaskStatus, TaskPriority)


def _choice(kind: type[Choice], value: str, name: str) -> Choice:
    try:
        return kind(value.strip().lower())
    except ValueError as exc:
        allowed = ", ".join(member.value for member in kind)
        raise InvalidInputError(f"{name} must be one of {allowed}", name) from exc


def fingerprint(title: str, description: str | None, due_at: datetime | None) -> tuple[str, ...]:
    """What makes two tasks "the same" for an import: title (case and spacing aside),
    notes and due minute."""
    due = due_at.replace(second=0, microsecond=0).timestamp() if due_at else None
    return (" ".join(title.casefold().split()), (description or "").strip(), str(due))


def _fingerprint_of(task: Task) -> tuple[str, ...]:
    return fingerprint(task.title, task.description, task.due_at)


async def import_tasks(
    session: AsyncSession, user: User, text: str, format: ImportFormat | None = None
) -> ImportReport:
    """Create the file's tasks for `user`, skipping those already there."""
    chosen = format or detect_format(text)
    incoming = READERS[chosen](text)
    if len(incoming) > MAX_IMPORT_ROWS:
        raise InvalidInputError(
            f"an import takes at most {MAX_IMPORT_ROWS} tasks (this file has {len(incoming)})",
            "body",
        )
    existing = await all_tasks(session, user.id)
    # Tasks already there, by fingerprint: each can stand for one row of the file.
    unmatched: Counter[tuple[str, ...]] = Counter(_fingerprint_of(t) for t in existing)
    numbers: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for task in existing:
        numbers[_fingerprint_of(task)].append(task.number)

    report = ImportReport(format=chosen)
    for row in incoming:
        try:
            checked = check_row(row, user)
        except TodochatError as error:
            report.refused.append(
                RowOutcome(row=row.row, title=row.title or None, reason=error.message)
            )
            continue
        key = fingerprint(checked.title, checked.description, checked.due_at)
        if unmatched[key] > 0:
            unmatched[key] -= 1
            number = numbers[key].pop(0)
            report.skipped.append(
                RowOutcome(row=row.row, title=checked.title, id=number, reason="already there")
            )
            continue
        task = await task_service.create_task(
            session,
            user.id,
            title=checked.title,
            description=checked.description,
            priority=checked.priority,
            due_at=checked.due_at,
            status=checked.status,
            completed_at=checked.completed_at,
            recurrence=checked.recurrence,
            labels=checked.labels,
        )
        report.created.append(RowOutcome(row=row.row, title=task.title, id=task.number))
    return report
