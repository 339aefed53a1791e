"""Labels: a user's own names for groups of tasks ("home", "errands"), many per task.

A label is one user's: "Work" and "work" are the same label (the case it was first
written in is kept), and a name another user has means nothing here. Labels are made
when a task first gets them and stay until deleted; deleting a label takes it off its
tasks and keeps the tasks.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.errors import ConflictError, InvalidInputError, NotFoundError
from todochat.models import Label, Task, TaskLabel
from todochat.models.label import LABEL_MAX_LENGTH
from todochat.services.limits import check_text
from todochat.services.persistence import insert_row

# More would be a tag cloud, not a label list.
MAX_LABELS_PER_TASK = 20
# Separators and the markers that introduce a label in a title ("#home", "@errands").
_NOT_IN_A_NAME = re.compile(r"[,#@\n\r\t]")


def clean_label(name: str) -> str:
    """The label as stored: without a leading # or @, spaces collapsed, 1 to
    LABEL_MAX_LENGTH characters, no commas, # or @ inside."""
    cleaned = " ".join(check_text(name, "labels").strip().lstrip("#@").split())
    if not cleaned:
        raise InvalidInputError("a label must not be empty", "labels")
    if len(cleaned) > LABEL_MAX_LENGTH:
        raise InvalidInputError(f"a label must be at most {LABEL_MAX_LENGTH} characters", "labels")
    if _NOT_IN_A_NAME.search(cleaned):
        raise InvalidInputError("a label can't hold a comma, # or @", "labels")
    return cleaned


def label_key(name: str) -> str:
    """What makes two names the same label: case and spacing aside."""
    return clean_label(name).casefold()


def clean_labels(names: Iterable[str]) -> list[str]:
    """The names cleaned, each label once (the first spelling wins), in order."""
    seen: dict[str, str] = {}
    for name in names:
        cleaned = clean_label(name)
        seen.setdefault(cleaned.casefold(), cleaned)
    if len(seen) > MAX_LABELS_PER_TASK:
        raise InvalidInputError(f"a task can have at most {MAX_LABELS_PER_TASK} labels", "labels")
    return list(seen.values())


async def ensure_labels(session: AsyncSession, user_id: str, names: Sequence[str]) -> list[Label]:
    """The user's labels with these names, made if they don't exist yet, in order."""
    wanted = clean_labels(names)
    if not wanted:
        return []
    found = await _by_key(session, user_id, [n.casefold() for n in wanted])
    for name in wanted:
        if name.casefold() in found:
            continue
        try:
            # A savepoint: a concurrent request may make the same label first.
            async with session.begin_nested():
                made = await insert_row(
                    session, Label(user_id=user_id, name=name, key=name.casefold())
                )
            found[made.key] = made
        except IntegrityError:
            found.update(await _by_key(session, user_id, [name.casefold()]))
    return [found[name.casefold()] for name in wanted]


async def _by_key(session: AsyncSession, user_id: str, keys: list[str]) -> dict[str, Label]:
    statement = select(Label).where(col(Label.user_id) == user_id, col(Label.key).in_(keys))
    return {label.key: label for label in (await session.exec(statement)).all()}


async def set_task_labels(session: AsyncSession, task: Task, names: Sequence[str]) -> list[str]:
    """Give the task exactly these labels; their names, in order."""
    labels = await ensure_labels(session, task.user_id, names)
    await session.exec(delete(TaskLabel).where(col(TaskLabel.task_id) == task.id))
    for label in labels:
        session.add(TaskLabel(task_id=task.id, label_id=label.id))
    await session.flush()
    return [label.name for label in labels]


async def labels_of(session: AsyncSession, tasks: Iterable[Task]) -> dict[uuid.UUID, list[str]]:
    """Each task's label names, alphabetical: one query for a whole page, none when no
    task of it has ever been labelled (`Task.labelled`), as most requests go."""
    ids = [task.id for task in tasks if task.labelled]
    names: dict[uuid.UUID, list[str]] = defaultdict(list)
    if not ids:
        return names
    statement = (
        select(TaskLabel.task_id, Label.name)
        .join(Label, col(Label.id) == col(TaskLabel.label_id))
        .where(col(TaskLabel.task_id).in_(ids))
        .order_by(col(Label.key))
    )
    for task_id, name in (await session.exec(statement)).all():
        names[task_id].append(name)
    return names


def carrying_labels(names: Sequence[str]) -> list[ColumnElement[bool]]:
    """Conditions on Task: it carries every one of these labels (its owner's)."""
    conditions: list[ColumnElement[bool]] = []
    for key in (label_key(name) for name in names):
        carrying = (
            select(TaskLabel.task_id)
            .join(Label, col(Label.id) == col(TaskLabel.label_id))
            .where(
                col(TaskLabel.task_id) == col(Task.id),
                col(Label.user_id) == col(Task.user_id),
                col(Label.key) == key,
            )
        )
        conditions.append(carrying.exists())
    return conditions


@dataclass(frozen=True)
class LabelCount:
    """A label and how many of the user's tasks carry it."""

    name: str
    tasks: int


async def list_labels(session: AsyncSession, user_id: str) -> list[LabelCount]:
    """The user's labels, alphabetical, with their task counts."""
    statement = (
        select(Label.name, func.count(col(TaskLabel.task_id)))
        .outerjoin(TaskLabel, col(TaskLabel.label_id) == col(Label.id))
        .where(col(Label.user_id) == user_id)
        .group_by(col(Label.id), col(Label.name), col(Label.key))
        .order_by(col(Label.key))
    )
    return [LabelCount(name, count) for name, count in (await session.exec(statement)).all()]


async def rename_label(session: AsyncSession, user_id: str, name: str, new_name: str) -> LabelCount:
    """Rename a label (its case too); ConflictError if another label has the new name."""
    cleaned = clean_label(new_name)
    found = await _by_key(session, user_id, [label_key(name)])
    if not found:
        raise NotFoundError(f"label {name!r} not found")
    label = next(iter(found.values()))
    if cleaned.casefold() != label.key and await _by_key(session, user_id, [cleaned.casefold()]):
        raise ConflictError(f"there is already a label named {cleaned!r}")
    await session.exec(
        update(Label)
        .where(col(Label.id) == label.id)
        .values(name=cleaned, key=cleaned.casefold())
        .execution_options(synchronize_session=False)
    )
    count = await session.exec(
        select(func.count()).select_from(TaskLabel).where(col(TaskLabel.label_id) == label.id)
    )
    return LabelCount(cleaned, int(count.one()))


async def delete_label(session: AsyncSession, user_id: str, name: str) -> None:
    """Delete the label; its tasks lose it and are kept."""
    statement = (
        delete(Label)
        .where(col(Label.user_id) == user_id, col(Label.key) == label_key(name))
        .returning(col(Label.id))
    )
    if (await session.exec(statement)).first() is None:
        raise NotFoundError(f"label {name!r} not found")
