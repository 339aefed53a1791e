"""Input limits shared by the services (their sizes live beside the columns they guard)."""

from __future__ import annotations

import json
from typing import Any

from todochat.errors import InvalidInputError
from todochat.models.base import METADATA_MAX_BYTES
from todochat.models.task import DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH

# A page of any listing: this many items unless asked otherwise, never more than the most.
PAGE_DEFAULT_LIMIT = 50
PAGE_MAX_LIMIT = 200


def check_text(value: str, field: str) -> str:
    """`value`, unless it holds a NUL character (PostgreSQL cannot store one) or is not
    encodable as UTF-8 (a lone surrogate such as "\\ud800", which JSON can carry but
    PostgreSQL refuses in text and jsonb, and SQLite would store mangled)."""
    if "\x00" in value:
        raise InvalidInputError(f"{field} must not contain NUL characters", field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInputError(
            f"{field} must be valid UTF-8 text (it holds a lone surrogate)", field
        ) from exc
    return value


def check_json_text(value: Any, field: str) -> Any:
    """`value`, unless a string anywhere inside it (keys included) fails `check_text`."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            check_text(item, field)
        elif isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list | tuple):
            pending += item
    return value


def clean_title(title: str | None, field: str = "title") -> str:
    """The title trimmed; 1 to TITLE_MAX_LENGTH characters."""
    cleaned = " ".join(check_text(title or "", field).split())
    limit = TITLE_MAX_LENGTH
    if not cleaned:
        raise InvalidInputError(f"{field} must not be empty", field)
    if len(cleaned) > limit:
        raise InvalidInputError(f"{field} must be at most {limit} characters", field)
    return cleaned


def clean_description(description: str | None) -> str | None:
    """The description trimmed (None when empty); at most DESCRIPTION_MAX_LENGTH."""
    if description is None:
        return None
    cleaned = check_text(description, "description").strip()
    limit = DESCRIPTION_MAX_LENGTH
    if len(cleaned) > limit:
        raise InvalidInputError(f"description must be at most {limit} characters", "description")
    return cleaned or None


def check_metadata(metadata: dict[str, Any] | None) -> dict[str, Any]:
    """The metadata as a JSON object of at most METADATA_MAX_BYTES when encoded."""
    if metadata is None:
        return {}
    limit = METADATA_MAX_BYTES
    try:
        encoded = json.dumps(metadata, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError("metadata must be JSON-serialisable", "metadata") from exc
    # Before measuring: a string that is not UTF-8 cannot be encoded to be measured.
    check_json_text(metadata, "metadata")
    if len(encoded.encode()) > limit:
        raise InvalidInputError(f"metadata must be at most {limit} bytes as JSON", "metadata")
    return metadata


def clamp_limit(limit: int | None) -> int:
    """A page size between 1 and PAGE_MAX_LIMIT (PAGE_DEFAULT_LIMIT when None)."""
    if limit is None:
        return PAGE_DEFAULT_LIMIT
    if limit < 1:
        raise InvalidInputError("limit must be at least 1", "limit")
    return min(limit, PAGE_MAX_LIMIT)
