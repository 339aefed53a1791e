"""What every table shares: constraint names, UTC timestamps set by the database, JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, Enum, MetaData, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

# Explicit, predictable constraint names, so that migrations can name what they alter.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata = MetaData(naming_convention=NAMING_CONVENTION)
# The most a `metadata` JSON column may hold, encoded.
METADATA_MAX_BYTES = 16 * 1024
metadata = SQLModel.metadata


class utcnow(FunctionElement[datetime]):
    """The database's current UTC time, with sub-second precision on every backend."""

    type = DateTime(timezone=True)
    inherit_cache = True


@compiles(utcnow, "postgresql")
def _utcnow_postgresql(_element: utcnow, _compiler: SQLCompiler, **_kw: Any) -> str:
    return "CURRENT_TIMESTAMP"


@compiles(utcnow, "sqlite")
def _utcnow_sqlite(_element: utcnow, _compiler: SQLCompiler, **_kw: Any) -> str:
    # SQLite's %f gives milliseconds; pad to the six digits SQLAlchemy stores, so that
    # text comparisons between database-made and application-made values stay exact.
    return "(strftime('%Y-%m-%d %H:%M:%f000', 'now'))"


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend.

    PostgreSQL keeps `timestamptz`; SQLite has no time zones, so values are stored as
    naive UTC text and given their UTC zone back when read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a timezone-aware one is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def string_enum(enum_class: type[StrEnum], name: str) -> Enum:
    """A VARCHAR column with a named CHECK constraint (no native enum type, so that
    adding a value later is a plain migration on every backend)."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


# JSONB on PostgreSQL (indexable, compact), JSON text elsewhere.
JSONType = JSON().with_variant(JSONB(), "postgresql")


def timestamp_field() -> Any:
    """A non-null UTC timestamp column that the database fills in on insert."""
    return Field(
        default=None,
        sa_type=UTCDateTime(),
        sa_column_kwargs={"server_default": utcnow(), "nullable": False},
    )


def metadata_field() -> Any:
    """The free-form JSON `metadata` column (named `meta` in Python, where
    `metadata` is taken by the table registry)."""
    return Field(
        default_factory=dict,
        sa_type=JSONType,
        sa_column_kwargs={
            "name": "metadata",
            "key": "meta",
            "nullable": False,
            "server_default": text("'{}'"),
        },
    )


class Timestamped(SQLModel):
    """created_at and updated_at, both set by the database."""

    created_at: datetime | None = timestamp_field()
    updated_at: datetime | None = Field(
        default=None,
        sa_type=UTCDateTime(),
        sa_column_kwargs={"server_default": utcnow(), "onupdate": utcnow(), "nullable": False},
    )
