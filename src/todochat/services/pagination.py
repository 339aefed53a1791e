"""Keyset pagination with opaque cursors.

A cursor is the sort key of the last row of a page, base64-encoded JSON tagged with
the ordering it belongs to; the next page is every row whose key sorts after it. Keys
are compared lexicographically, so a page never skips or repeats a row when others
are added meanwhile (unlike OFFSET).
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Literal, TypeVar

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, false, or_

from todochat.errors import InvalidInputError

T = TypeVar("T")
KeyKind = Literal["int", "datetime", "uuid", "str"]


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results and the cursor of the next (None on the last page)."""

    items: list[T]
    next_cursor: str | None


@dataclass(frozen=True)
class SortKey:
    """One column of an ordering: the SQL expression, its kind, and its direction."""

    expression: SQLColumnExpression[Any]
    kind: KeyKind
    descending: bool = False


def encode_cursor(ordering: str, values: Sequence[Any]) -> str:
    """An opaque cursor for the row whose sort key is `values`."""
    plain = [_encode_value(value) for value in values]
    raw = json.dumps({"o": ordering, "k": plain}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, ordering: str, keys: Sequence[SortKey]) -> list[Any]:
    """The sort key inside `cursor`; InvalidInputError if it is not one of ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if data["o"] != ordering or len(data["k"]) != len(keys):
            raise ValueError("cursor from another ordering")
        return [_decode_value(value, key.kind) for value, key in zip(data["k"], keys, strict=True)]
    except (ValueError, KeyError, TypeError, OverflowError, binascii.Error) as exc:
        raise InvalidInputError("cursor is invalid or belongs to another query", "cursor") from exc


def after_cursor(keys: Sequence[SortKey], values: Sequence[Any]) -> ColumnElement[bool]:
    """The condition "the row's key sorts strictly after `values`".

    (k1, k2, k3) > (v1, v2, v3) expands to k1 > v1 OR (k1 = v1 AND k2 > v2) OR …
    A None value is only ever compared for equality (IS NULL): keys that may be null
    are preceded by a key that groups null rows apart.
    """
    alternatives: list[ColumnElement[bool]] = []
    for position, key in enumerate(keys):
        value = values[position]
        if value is None:
            continue
        beyond = key.expression < value if key.descending else key.expression > value
        equal_before = [
            earlier.expression.is_(None)
            if earlier_value is None
            else earlier.expression == earlier_value
            for earlier, earlier_value in zip(keys[:position], values[:position], strict=True)
        ]
        alternatives.append(and_(*equal_before, beyond))
    return or_(*alternatives) if alternatives else false()


def order_by(keys: Sequence[SortKey]) -> list[ColumnElement[Any]]:
    """The ORDER BY clauses for `keys`."""
    return [key.expression.desc() if key.descending else key.expression.asc() for key in keys]


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return value.hex
    return value


def _decode_value(value: Any, kind: KeyKind) -> Any:
    if value is None:
        return None
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError("expected an integer")
        if not -(2**31) <= value < 2**31:
            raise ValueError("integer out of range")  # every int key is a 32-bit column
        return value
    if kind == "datetime":
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError("expected an aware datetime")
        return parsed.astimezone(UTC)  # OverflowError at the ends of the calendar
    if kind == "uuid":
        return uuid.UUID(value)
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value


def page_of(
    rows: Sequence[T], page_size: int, ordering: str, key_of: Callable[[T], list[Any]]
) -> Page[T]:
    """A page from `rows` fetched with LIMIT page_size + 1: the extra row, if any, only
    tells that another page follows, whose cursor is the key of this page's last row."""
    items = list(rows[:page_size])
    if len(rows) <= page_size:
        return Page(items=items, next_cursor=None)
    return Page(items=items, next_cursor=encode_cursor(ordering, key_of(items[-1])))
