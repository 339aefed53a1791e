"""Users: local accounts and external identities."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, String
from sqlmodel import Field

from todochat.models.base import Timestamped

USER_ID_MAX_LENGTH = 64
EMAIL_MAX_LENGTH = 320
TIMEZONE_MAX_LENGTH = 64


class User(Timestamped, table=True):
    """A person. `task_seq` is the last task number handed out to them."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("task_seq >= 0", name="task_seq_non_negative"),)

    # A UUID for local sign-ups, the token's `sub` for external identities.
    id: str = Field(primary_key=True, max_length=USER_ID_MAX_LENGTH)
    # Lower-cased by the users service; null for an external identity without one.
    email: str | None = Field(default=None, max_length=EMAIL_MAX_LENGTH, unique=True)
    password_hash: str | None = Field(default=None, sa_type=String(255))
    name: str = Field(default="", max_length=100, sa_column_kwargs={"server_default": ""})
    timezone: str = Field(
        default="UTC", max_length=TIMEZONE_MAX_LENGTH, sa_column_kwargs={"server_default": "UTC"}
    )
    task_seq: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Bumped by sign-out and password change: own tokens carry the version they were
    # issued at (`ver`), and an older one is refused.
    token_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
