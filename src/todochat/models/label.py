"""Labels: a user's own names ("home", "errands"), many per task."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from todochat.models.base import timestamp_field

# The limit the labels service enforces, beside the column it guards.
LABEL_MAX_LENGTH = 50


class Label(SQLModel, table=True):
    """One label of one user. `name` keeps the case it was first written in; `key`
    (its case-folded form) is what makes "Work" and "work" the same label."""

    __tablename__ = "labels"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: str = Field(foreign_key="users.id", ondelete="CASCADE", max_length=64)
    name: str = Field(max_length=LABEL_MAX_LENGTH)
    key: str = Field(max_length=LABEL_MAX_LENGTH * 3)  # casefold can lengthen a name
    created_at: datetime | None = timestamp_field()


class TaskLabel(SQLModel, table=True):
    """A label on a task. Deleting either deletes this link, never the other."""

    __tablename__ = "task_labels"

    task_id: uuid.UUID = Field(foreign_key="tasks.id", ondelete="CASCADE", primary_key=True)
    label_id: uuid.UUID = Field(
        foreign_key="labels.id", ondelete="CASCADE", primary_key=True, index=True
    )
